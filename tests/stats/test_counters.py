"""Flow stats counters: the incremental rollup, the selectors, and the rebuild."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from saleor_automation.contacts.models import Order, OrderLine
from saleor_automation.flows.models import Enrollment, EnrollmentStatus, StepRun
from saleor_automation.messaging.models import Message, MessageEvent, MessageStatus
from saleor_automation.stats.attribution_services import order_attribute
from saleor_automation.stats.models import StatsCounter
from saleor_automation.stats.rebuild import stats_rebuild
from saleor_automation.stats.rollup import STAMPED_LOOKBACK, stats_rollup
from saleor_automation.stats.selectors import flow_stats, flow_timeseries
from tests.flows.db_fixtures import NOW, WAIT_SEND, make_contact, make_flow, make_installation

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)
TODAY = NOW.date()


def enroll(flow, contact, node="w1", *, status=EnrollmentStatus.WAITING, holdout=False):
    return Enrollment.objects.create(
        installation_id=flow.installation_id,
        flow=flow,
        version_id=flow.active_version_id,
        contact=contact,
        current_node=node,
        status=status,
        holdout=holdout,
        created_at=NOW,
    )


def step(enrollment, node_id, at):
    """The engine's record of leaving `node_id`; the enrollment moves on."""
    enrollment.step_seq += 1
    enrollment.save(update_fields=["step_seq"])
    return StepRun.objects.create(
        installation_id=enrollment.installation_id,
        enrollment=enrollment,
        step_seq=enrollment.step_seq,
        node_id=node_id,
        node_type="trigger" if node_id == "trigger" else "wait",
        entered_at=at,
        left_at=at,
        outcome="next",
    )


def send(enrollment, node_id="s1", at=NOW):
    return Message.objects.create(
        installation_id=enrollment.installation_id,
        contact_id=enrollment.contact_id,
        enrollment=enrollment,
        node_id=node_id,
        channel="email",
        idempotency_key=uuid.uuid4(),
        to_address="a@example.com",
        status=MessageStatus.SENT,
        sent_at=at,
    )


def event(message, kind, at=NOW, key=""):
    return MessageEvent.objects.create(
        installation_id=message.installation_id,
        message=message,
        kind=kind,
        occurred_at=at,
        dedupe_key=key or uuid.uuid4().hex,
    )


def convert(enrollment, total, currency, at=NOW):
    enrollment.converted_at = at
    enrollment.conversion = {"order_id": "O", "total": total, "currency": currency}
    enrollment.save(update_fields=["converted_at", "conversion"])


def buy(installation, contact, total, currency, at):
    """A counted one-line order of `contact`, attributed as its ORDER_CREATED would be."""
    order = Order.objects.create(
        installation=installation,
        saleor_id=uuid.uuid4().hex,
        contact=contact,
        status="UNFULFILLED",
        currency=currency,
        total_gross=Decimal(total),
        saleor_created_at=at,
    )
    OrderLine.objects.create(
        installation=installation, order=order, saleor_line_id="L1", total_price=Decimal(total)
    )
    order_attribute(installation, order)
    return order


def counters(installation):
    return sorted(
        StatsCounter.objects.filter(installation=installation).values_list(
            "flow_id", "version_id", "node_id", "day", "metric", "currency", "value"
        )
    )


def stats(installation, flow, since=TODAY - DAY, until=TODAY + DAY):
    return flow_stats(installation, flow.pk, since=since, until=until)


@pytest.fixture
def shop():
    installation = make_installation()
    flow = make_flow(installation, WAIT_SEND)
    return installation, flow


def test_counts_per_node_and_waiting_now(shop):
    installation, flow = shop
    a, b, c = (enroll(flow, make_contact(installation, n)) for n in range(3))
    for enrollment in (a, b, c):
        step(enrollment, "trigger", NOW)
    step(a, "w1", NOW)
    step(b, "w1", NOW)
    a.current_node = b.current_node = "s1"
    a.save()
    b.save()
    send(a)
    send(b)
    Message.objects.create(  # queued, not sent: not counted
        installation=installation,
        contact_id=c.contact_id,
        enrollment=c,
        node_id="s1",
        channel="email",
        idempotency_key=uuid.uuid4(),
        to_address="c@example.com",
    )
    stats_rollup(settle=False)

    result = stats(installation, flow)
    assert result["nodes"]["trigger"]["entered"] == 3
    assert result["nodes"]["w1"]["entered"] == 2
    assert result["nodes"]["s1"]["sent"] == 2
    assert result["nodes"]["s1"]["waiting"] == 2
    assert result["nodes"]["w1"]["waiting"] == 1
    assert result["total"]["entered"] == 3  # contacts entering the flow, not node entries
    assert result["total"]["sent"] == 2
    assert result["total"]["waiting"] == 3


def test_unique_events_per_message(shop):
    installation, flow = shop
    enrollment = enroll(flow, make_contact(installation))
    first, second = send(enrollment), send(enrollment)
    event(first, "opened")
    event(first, "opened", NOW + DAY)  # a second open of the same message
    event(second, "opened")
    event(first, "clicked")
    event(first, "clicked")
    event(first, "deferred")  # not a stats metric
    stats_rollup(settle=False)
    event(second, "opened", NOW + DAY)  # repeat arriving in a later run
    event(second, "clicked", NOW + DAY)
    stats_rollup(settle=False)

    node = stats(installation, flow)["nodes"]["s1"]
    assert (node["sent"], node["opened"], node["clicked"]) == (2, 2, 2)
    series = flow_timeseries(installation, flow.pk, TODAY, TODAY + DAY)
    assert [(d["day"], d["opened"], d["clicked"]) for d in series] == [
        (TODAY, 2, 1),
        (TODAY + DAY, 0, 1),
    ]


def test_goal_conversions_per_day_add_no_revenue(shop):
    installation, flow = shop
    contacts = [make_contact(installation, n) for n in range(4)]
    a, b, c, d = (enroll(flow, contact) for contact in contacts)
    step(a, "trigger", NOW)
    step(b, "trigger", NOW + DAY)
    convert(a, "10.50", "USD")
    convert(b, "4.25", "USD", NOW + DAY)
    convert(c, "7", "EUR", NOW + DAY)
    d.holdout = True
    d.save()
    convert(d, "3", "USD")
    stats_rollup(settle=False)

    total = stats(installation, flow)["total"]
    assert total["converted"] == 3
    assert total["holdout_converted"] == 1
    # Revenue is attributed revenue only (stats.attribution): a goal's order adds none.
    assert (total["revenue"], total["attributed_orders"]) == ({}, 0)
    series = flow_timeseries(installation, flow.pk, TODAY - DAY, TODAY + DAY)
    assert [s["day"] for s in series] == [TODAY - DAY, TODAY, TODAY + DAY]
    assert [s["entered"] for s in series] == [0, 1, 1]
    assert [s["converted"] for s in series] == [0, 1, 2]
    only_today = stats(installation, flow, since=TODAY, until=TODAY)["total"]
    assert (only_today["converted"], only_today["holdout_converted"]) == (1, 1)


def test_installations_are_isolated(shop):
    installation, flow = shop
    other = make_installation("https://other.example.com/graphql/")
    other_flow = make_flow(other, WAIT_SEND)
    mine = enroll(flow, make_contact(installation))
    theirs = enroll(other_flow, make_contact(other))
    step(mine, "trigger", NOW)
    step(theirs, "trigger", NOW)
    step(theirs, "w1", NOW)
    event(send(theirs), "opened")
    stats_rollup(settle=False)

    assert stats(installation, flow)["total"]["entered"] == 1
    assert stats(installation, flow)["total"]["opened"] == 0
    assert stats(installation, other_flow)["total"]["entered"] == 0  # not my flow
    assert stats(other, other_flow)["total"]["entered"] == 1
    stats_rebuild(installation)
    assert stats(other, other_flow)["total"]["opened"] == 1


def test_settled_rollup_waits_one_run():
    installation = make_installation()
    flow = make_flow(installation, WAIT_SEND)
    step(enroll(flow, make_contact(installation)), "trigger", NOW)
    stats_rollup()  # first sight of the row: not read yet
    assert stats(installation, flow)["total"]["entered"] == 0
    stats_rollup()
    assert stats(installation, flow)["total"]["entered"] == 1
    stats_rollup()
    assert stats(installation, flow)["total"]["entered"] == 1


def test_incremental_counters_equal_rebuild(shop, monkeypatch):
    installation, flow = shop
    monkeypatch.setattr("saleor_automation.stats.rollup.BATCH", 3)  # several batches
    contacts = [make_contact(installation, n) for n in range(6)]
    enrollments = [enroll(flow, contact) for contact in contacts]
    for day, enrollment in enumerate(enrollments):
        step(enrollment, "trigger", NOW + day * DAY)
    stats_rollup()
    messages = []
    for day, enrollment in enumerate(enrollments[:4]):
        step(enrollment, "w1", NOW + day * DAY + DAY)
        messages.append(send(enrollment, at=NOW + day * DAY + DAY))
    stats_rollup()
    for message in messages[:3]:
        event(message, "delivered", key="d")
        event(message, "opened")
        event(message, "opened")
    event(messages[0], "clicked")
    event(messages[3], "bounced")
    convert(enrollments[0], "20.00", "USD", NOW + 3 * DAY)
    convert(enrollments[1], "15.00", "EUR", NOW + 3 * DAY)
    first = buy(installation, contacts[0], "20.00", "USD", NOW + DAY)  # after the click
    stats_rollup()
    for enrollment in enrollments[:2]:
        step(enrollment, "s1", NOW + 4 * DAY)
        enrollment.status = EnrollmentStatus.FINISHED
        enrollment.save()
    event(messages[1], "clicked")
    event(messages[1], "clicked")
    event(messages[2], "unsubscribed")
    first.total_refunded = Decimal("5.00")  # a refund after its revenue was counted
    first.save()
    order_attribute(installation, first)
    buy(installation, contacts[1], "15.00", "EUR", NOW + DAY)
    stats_rollup()
    stats_rollup()  # settles what the previous run saw
    incremental = counters(installation)
    assert incremental

    call_command("stats_rebuild", installation=installation.pk)
    assert counters(installation) == incremental
    stats_rollup()  # nothing new: the rebuild left the watermarks where they were
    stats_rollup(settle=False)
    assert counters(installation) == incremental
    total = stats(installation, flow, since=TODAY, until=TODAY + 10 * DAY)["total"]
    assert total["entered"] == 6  # the six enrollments that entered at the trigger
    assert (total["sent"], total["delivered"], total["opened"]) == (4, 3, 3)
    assert (total["clicked"], total["bounced"], total["unsubscribed"]) == (2, 1, 1)
    assert total["converted"] == 2
    assert total["revenue"] == {"USD": Decimal("15.00"), "EUR": Decimal("15.00")}
    assert total["attributed_orders"] == 2
    assert stats(installation, flow, since=TODAY, until=TODAY + 10 * DAY)["nodes"]["s1"][
        "revenue"
    ] == {"USD": Decimal("15.00"), "EUR": Decimal("15.00")}
    assert date(2026, 6, 15) == TODAY


def test_conversion_without_an_order_adds_no_revenue(shop):
    installation, flow = shop
    enrollment = enroll(flow, make_contact(installation))
    enrollment.converted_at = NOW
    enrollment.conversion = {"event": "account_confirmed"}
    enrollment.save()
    stats_rollup(settle=False)
    total = stats(installation, flow)["total"]
    assert (total["converted"], total["revenue"]) == (1, {})


def test_rebuild_command_refuses_an_unknown_installation():
    with pytest.raises(CommandError, match="no installation"):
        call_command("stats_rebuild", installation=987654321)


def _sent_counted(installation) -> int:
    return int(
        sum(
            StatsCounter.objects.filter(installation=installation, metric="sent").values_list(
                "value", flat=True
            )
        )
    )


def test_the_rollup_reads_sends_from_its_high_water_not_every_send_ever(shop):
    installation, flow = shop
    contacts = [make_contact(installation, n) for n in range(3)]
    first, second, third = (enroll(flow, contact) for contact in contacts)
    send(first, at=NOW + 5 * DAY)
    stats_rollup()
    assert _sent_counted(installation) == 1
    # Within the lookback of the latest send seen: counted. Older (a transaction that sat
    # uncommitted for days): left to the rebuild, which scans everything.
    send(second, at=NOW + 4 * DAY)
    send(third, at=NOW + 5 * DAY - STAMPED_LOOKBACK - DAY)
    stats_rollup()
    assert _sent_counted(installation) == 2
    stats_rebuild(installation)
    assert _sent_counted(installation) == 3
