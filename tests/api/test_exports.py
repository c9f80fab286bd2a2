"""CSV exports: a flow's per-node stats and its recipients, authenticated like /graphql/."""

import csv
import io
import uuid
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from strawberry.relay import to_base64

from saleor_automation.contacts.models import Contact, Order
from saleor_automation.messaging.models import Message, MessageEvent
from saleor_automation.stats.exports import csv_cell, flow_recipient_rows
from saleor_automation.stats.models import AttributedLine, OrderAttribution
from saleor_automation.stats.rollup import stats_rollup

from .conftest import staff_token
from .data import T0, populate

pytestmark = pytest.mark.django_db

DAY1 = T0.date()


@pytest.fixture
def store(installation):
    store = populate(installation)
    stats_rollup(settle=False)
    return store


def url(flow, name: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/flows/{to_base64('Flow', flow.pk)}/{name}.csv" + (f"?{query}" if query else "")


@pytest.fixture
def get(client, signing_key, installation):
    """GET as the store's dashboard user (every permission), or with the given headers."""

    def call(path: str, headers: dict | None = None, permissions: list[str] | None = None):
        if headers is None:
            headers = {
                "authorization-bearer": staff_token(signing_key, installation, permissions),
                "saleor-api-url": installation.saleor_api_url,
            }
        return client.get(path, headers=headers)

    return call


def rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the mark
    return list(csv.reader(io.StringIO(body[1:])))


def test_stats_csv_has_a_row_per_node_and_the_total(get, store):
    response = get(url(store.flow, "stats", **{"from": str(DAY1), "to": str(DAY1)}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    name = f"flow-{store.flow.pk}-stats-{DAY1}-{DAY1}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    table = rows(response)
    header = table[0]
    assert header[:5] == ["node_id", "node_type", "node_name", "waiting", "entered"]
    by_node = {row[0]: dict(zip(header, row, strict=True)) for row in table[1:]}
    assert set(by_node) == {"exit", "s1", "trigger", "w1", "(flow total)"}
    s1 = by_node["s1"]
    assert (s1["node_type"], s1["entered"], s1["sent"], s1["opened"]) == (
        "send_email",
        "1",
        "1",
        "1",
    )
    assert by_node["exit"]["waiting"] == "1"
    total = by_node["(flow total)"]
    # Entered: contacts entering the flow, not the nodes' entries summed.
    assert (total["entered"], total["sent"], total["waiting"], total["converted"]) == (
        "1",
        "1",
        "1",
        "0",
    )
    # The id as the dashboard sends it (encodeURIComponent: "=" as %3D) is the same flow.
    encoded = quote(to_base64("Flow", store.flow.pk), safe="")
    assert "%3D" in encoded or "=" not in to_base64("Flow", store.flow.pk)
    assert rows(get(f"/api/flows/{encoded}/stats.csv?from={DAY1}&to={DAY1}")) == table
    # A period without activity: nodes with nothing counted are left out, the total stays.
    later = str(DAY1 + timedelta(days=5))
    quiet = rows(get(url(store.flow, "stats", **{"from": later, "to": later})))
    assert [row[0] for row in quiet[1:]] == ["exit", "(flow total)"]  # exit: waiting now


def test_recipients_csv_lists_each_message_with_its_first_events(get, store, installation):
    message = store.message
    # A second open and a click: the first of each kind is what the row shows.
    MessageEvent.objects.create(
        installation=installation,
        message=message,
        kind="opened",
        occurred_at=T0 + timedelta(days=1),
    )
    MessageEvent.objects.create(
        installation=installation,
        message=message,
        kind="clicked",
        occurred_at=T0 + timedelta(hours=3),
    )
    order = Order.objects.create(installation=installation, saleor_id="O1", currency="USD")
    attribution = OrderAttribution.objects.create(
        installation=installation,
        order=order,
        kind="click",
        message=message,
        decided_at=T0,
        updated_at=T0,
    )
    AttributedLine.objects.create(
        installation=installation,
        attribution=attribution,
        line_key="L1",
        message=message,
        flow=store.flow,
        version_id=store.enrollment.version_id,
        node_id="s1",
        kind="click",
        touched_at=T0,
        day=DAY1,
        currency="USD",
        amount=Decimal("12.50"),
    )
    table = rows(get(url(store.flow, "recipients")))
    header, (row,) = table[0], table[1:]
    record = dict(zip(header, row, strict=True))
    assert record == {
        "message_id": str(message.pk),
        "contact_email": "ann@example.com",
        "to": "ann@example.com",
        "node_id": "s1",
        "channel": "email",
        "status": "sent",
        "queued_at": (T0 + timedelta(minutes=2)).isoformat(),
        "sent_at": (T0 + timedelta(minutes=3)).isoformat(),
        "delivered_at": "",
        "opened_at": (T0 + timedelta(hours=2)).isoformat(),
        "clicked_at": (T0 + timedelta(hours=3)).isoformat(),
        "bounced_at": "",
        "complained_at": "",
        "unsubscribed_at": "",
        "attributed_revenue": "12.500 USD",
    }


def _message(store, contact, node="s1", channel="email", to=None, created=T0):
    return Message.objects.create(
        installation=store.installation,
        contact=contact,
        enrollment=store.enrollment,
        node_id=node,
        channel=channel,
        idempotency_key=uuid.uuid4(),
        to_address=to or contact.email,
        created_at=created,
    )


def test_recipients_filters_and_cells_a_spreadsheet_cannot_run(get, store, installation):
    evil = Contact.objects.create(installation=installation, email="=HYPERLINK(1)@example.com")
    sms = _message(store, evil, node="t1", channel="sms", to="+33612345678")
    _message(store, evil, created=T0 + timedelta(days=3))
    table = rows(get(url(store.flow, "recipients", channel="SMS")))
    (row,) = table[1:]
    assert row[:5] == [str(sms.pk), "'=HYPERLINK(1)@example.com", "'+33612345678", "t1", "sms"]
    by_node = rows(get(url(store.flow, "recipients", node="s1")))
    assert len(by_node) == 3  # header + the populate() message + the later one
    period = rows(get(url(store.flow, "recipients", **{"from": str(DAY1), "to": str(DAY1)})))
    assert len(period) == 3  # header + both messages of the first day


def test_csv_cells():
    assert [csv_cell(v) for v in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "plain", "ümlaut")] == [
        "'=1+2",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        "ümlaut",
    ]
    assert [csv_cell(v) for v in (None, 3, Decimal("-2.5"), True)] == [
        "",
        3,
        Decimal("-2.5"),
        "true",
    ]


def test_recipients_are_read_in_keyset_pages(store, installation, django_assert_num_queries):
    contact = store.contact
    for i in range(4):
        _message(store, contact, created=T0 + timedelta(minutes=10 + i))
    # Five messages in pages of two: three pages of two queries (messages, revenue).
    with django_assert_num_queries(6):
        table = list(flow_recipient_rows(installation, store.flow, page=2))
    ids = [row[0] for row in table[1:]]
    assert ids == sorted(ids) and len(ids) == 5


def test_refusals(get, store, key_of, other_installation, other_signing_key, client):
    path = url(store.flow, "stats")
    assert get(path, headers={}).status_code == 401
    assert get(path, headers={"authorization": "Bearer sak_nope_nope"}).status_code == 401
    assert get(path, permissions=["MANAGE_APPS"]).status_code == 403
    assert get(path, headers={"authorization": f"Bearer {key_of('read')}"}).status_code == 200
    other = {
        "authorization-bearer": staff_token(other_signing_key, other_installation),
        "saleor-api-url": other_installation.saleor_api_url,
    }
    # Another store's flow is not found, for its stats and its recipients.
    assert get(path, headers=other).status_code == 404
    assert get(url(store.flow, "recipients"), headers=other).status_code == 404
    assert get("/api/flows/not-an-id/stats.csv").status_code == 404
    assert get(f"/api/flows/{to_base64('Contact', 1)}/stats.csv").status_code == 404
    bad = get(url(store.flow, "stats", **{"from": "2026-06-02", "to": "2026-06-01"}))
    assert (
        bad.status_code == 400
        and bad.json()["errors"][0]["message"] == "to must not be before from."
    )
    assert get(url(store.flow, "stats", **{"from": "yesterday"})).status_code == 400
    assert (
        get(url(store.flow, "stats", **{"from": "2024-01-01", "to": "2026-01-01"})).status_code
        == 400
    )
    assert get(url(store.flow, "recipients", channel="fax")).status_code == 400
    assert client.post(path).status_code == 405
