"""Flow stats, templates and creating a flow from a template through the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from strawberry.relay import to_base64

from saleor_automation.contacts.models import Order
from saleor_automation.flows.models import Enrollment, Flow, FlowStatus
from saleor_automation.flows.templates import TEMPLATES
from saleor_automation.messaging.models import MessageEvent
from saleor_automation.stats.attribution_services import order_attribute
from saleor_automation.stats.rollup import stats_rollup

from .data import T0, populate

pytestmark = pytest.mark.django_db

COUNTS = "entered sent delivered opened clicked bounced complained unsubscribed"
STATS = f"""query($id: ID!, $since: Date!, $until: Date!) {{
  flowStats(flowId: $id, since: $since, until: $until) {{
    since until
    nodes {{ nodeId waiting {COUNTS} attributedOrders revenue {{ currency amount }} }}
    total {{ waiting {COUNTS} converted holdoutConverted
             attributedOrders revenue {{ currency amount }} }}
    timeseries {{ day entered sent opened converted attributedOrders
                  revenue {{ currency amount }} }} }} }}"""

DAY1 = T0.date()
DAY2 = DAY1 + timedelta(days=1)
USD = [{"currency": "USD", "amount": "12.500"}]


def _zero(node_id: str, revenue: list | None = None, **counts: int) -> dict:
    row = dict.fromkeys(["waiting", *COUNTS.split(), "attributedOrders"], 0)
    return {"nodeId": node_id, **row, "revenue": revenue or [], **counts}


@pytest.fixture
def store(installation):
    store = populate(installation)
    # The enrollment converts the next day; a holdout one of another contact too, in EUR.
    enrollment = store.enrollment
    enrollment.converted_at = T0 + timedelta(days=1)
    enrollment.conversion = {"order_id": "O1", "total": "12.50", "currency": "USD"}
    enrollment.save(update_fields=["converted_at", "conversion"])
    other = Enrollment.objects.get(pk=enrollment.pk)
    other.pk = None
    other.contact = type(store.contact).objects.create(
        installation=installation, email="bob@example.com"
    )
    other.holdout = True
    other.conversion = {"order_id": "O2", "total": "3", "currency": "EUR"}
    other.save()
    # The contact clicked the message, then ordered the next day: 12.50 USD attributed.
    MessageEvent.objects.create(
        installation=installation,
        message=store.message,
        kind="clicked",
        occurred_at=T0 + timedelta(hours=3),
        data={"url": "https://shop.example.com/"},
    )
    order = Order.objects.create(
        installation=installation,
        saleor_id="O1",
        contact=store.contact,
        status="UNFULFILLED",
        currency="USD",
        total_gross=Decimal("12.50"),
        saleor_created_at=T0 + timedelta(days=1),
    )
    order_attribute(installation, order)
    stats_rollup(settle=False)
    return store


def test_flow_stats_per_node_totals_and_days(as_staff, store):
    variables = {"id": to_base64("Flow", store.flow.pk), "since": str(DAY1), "until": str(DAY2)}
    data = as_staff(STATS, variables).data["flowStats"]
    assert (data["since"], data["until"]) == (str(DAY1), str(DAY2))
    assert data["nodes"] == [
        _zero("exit", waiting=2),
        _zero("s1", USD, entered=1, sent=1, opened=1, clicked=1, attributedOrders=1),
        _zero("trigger", entered=1),
        _zero("w1", entered=1),
    ]
    total = data["total"]
    # Entered: contacts entering the flow (its trigger), not every node entry summed.
    assert (total["entered"], total["sent"], total["opened"], total["waiting"]) == (1, 1, 1, 2)
    assert (total["converted"], total["holdoutConverted"]) == (1, 1)
    # Revenue is the attributed revenue (the goal conversions add none).
    assert (total["attributedOrders"], total["revenue"]) == (1, USD)
    assert data["timeseries"] == [
        {
            "day": str(DAY1),
            "entered": 1,
            "sent": 1,
            "opened": 1,
            "converted": 0,
            "attributedOrders": 0,
            "revenue": [],
        },
        {
            "day": str(DAY2),
            "entered": 0,
            "sent": 0,
            "opened": 0,
            "converted": 1,
            "attributedOrders": 1,
            "revenue": USD,
        },
    ]


ACTIVITY = """query($id: ID!, $since: Date!, $until: Date!) {
  flowStats(flowId: $id, since: $since, until: $until) { firstActivity lastActivity } }"""


def test_first_and_last_activity_are_all_time_not_the_period(as_staff, store):
    day3 = DAY2 + timedelta(days=1)
    variables = {"id": to_base64("Flow", store.flow.pk), "since": str(day3), "until": str(day3)}
    data = as_staff(ACTIVITY, variables).data["flowStats"]
    assert (data["firstActivity"], data["lastActivity"]) == (str(DAY1), str(DAY2))


def test_a_flow_without_activity_has_none(as_staff, installation):
    flow = Flow.objects.create(installation=installation, name="quiet")
    variables = {"id": to_base64("Flow", flow.pk), "since": str(DAY1), "until": str(DAY1)}
    data = as_staff(ACTIVITY, variables).data["flowStats"]
    assert (data["firstActivity"], data["lastActivity"]) == (None, None)


def test_flow_stats_period_is_bounded(as_staff, store):
    variables = {"id": to_base64("Flow", store.flow.pk), "since": str(DAY2), "until": str(DAY2)}
    data = as_staff(STATS, variables).data["flowStats"]
    assert data["total"]["entered"] == 0 and data["total"]["converted"] == 1
    assert [d["day"] for d in data["timeseries"]] == [str(DAY2)]

    backwards = as_staff(STATS, {**variables, "since": str(DAY2), "until": str(DAY1)})
    assert backwards.body["data"]["flowStats"] is None
    assert "before" in backwards.body["errors"][0]["message"]
    too_long = as_staff(STATS, {**variables, "until": str(DAY2 + timedelta(days=366))})
    assert too_long.body["data"]["flowStats"] is None


def test_flow_stats_of_an_unknown_flow_is_null(as_staff):
    query = '{ flowStats(flowId: $id, since: "2026-06-01", until: "2026-06-01") { since } }'
    query = "query($id: ID!) " + query
    assert as_staff(query, {"id": to_base64("Flow", 999999)}).data == {"flowStats": None}
    assert as_staff(query, {"id": to_base64("Message", 1)}).data == {"flowStats": None}


def test_flow_stats_needs_the_read_permission(as_staff, store):
    variables = {"id": to_base64("Flow", store.flow.pk), "since": str(DAY1), "until": str(DAY1)}
    assert as_staff(STATS, variables, permissions=[]).codes == ["FORBIDDEN"]


def test_flow_templates(as_staff):
    data = as_staff("{ flowTemplates { key name description priority } }").data
    assert data["flowTemplates"] == [
        {"key": t.key, "name": t.name, "description": t.description, "priority": t.priority}
        for t in TEMPLATES.values()
    ]
    assert as_staff("{ flowTemplates { key } }", permissions=[]).codes == ["FORBIDDEN"]


CREATE = """mutation($key: String!, $name: String) {
  flowCreateFromTemplate(templateKey: $key, name: $name) {
    __typename
    ... on Flow { id name status draftVersion { number graph issues { nodeId } } }
    ... on OperationInfo { messages { field message code } } } }"""


def test_flow_create_from_template(as_staff, installation):
    key, template = next(iter(TEMPLATES.items()))
    data = as_staff(CREATE, {"key": key}).data["flowCreateFromTemplate"]
    assert data["__typename"] == "Flow"
    assert (data["name"], data["status"]) == (template.name, "DRAFT")
    assert data["draftVersion"]["graph"] == template.graph
    assert data["draftVersion"]["issues"] == []
    flow = Flow.objects.get(installation=installation)
    assert data["id"] == to_base64("Flow", flow.pk) and flow.status == FlowStatus.DRAFT

    named = as_staff(CREATE, {"key": key, "name": "  Mine "}).data["flowCreateFromTemplate"]
    assert named["name"] == "Mine"


def test_flow_create_from_template_refusals(as_staff, installation):
    unknown = as_staff(CREATE, {"key": "nope"}).data["flowCreateFromTemplate"]
    assert unknown["__typename"] == "OperationInfo"
    assert unknown["messages"] == [
        {"field": "templateKey", "message": "Unknown template.", "code": "not_found"}
    ]
    key = next(iter(TEMPLATES))
    blank = as_staff(CREATE, {"key": key, "name": " "}).data["flowCreateFromTemplate"]
    assert blank["messages"][0]["field"] == "name"
    denied = as_staff(CREATE, {"key": key}, permissions=[])
    assert denied.codes == ["FORBIDDEN"]
    assert not Flow.objects.filter(installation=installation).exists()


def test_a_read_key_cannot_create_from_template(gql, key_of, installation):
    answer = gql(CREATE, {"key": next(iter(TEMPLATES))}, api_key=key_of("read"))
    assert answer.codes == ["FORBIDDEN"]
    assert not Flow.objects.filter(installation=installation).exists()
