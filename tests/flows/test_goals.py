"""Goals end enrollments with their conversion; erasure and merges leave nothing behind."""

import logging
from datetime import timedelta

import time_machine

from saleor_automation.contacts.models import Contact
from saleor_automation.contacts.services import contact_merge
from saleor_automation.contacts.signals import contact_merged
from saleor_automation.flows import engine, receivers
from saleor_automation.flows.definition import Goal, GoalEvent, parse_settings
from saleor_automation.flows.goals import GoalFact, GoalTarget, effective_goals, goal_matches
from saleor_automation.flows.models import Enrollment, EnrollmentStatus
from saleor_automation.flows.triggers.models import PendingEntry

from .db_fixtures import NOW, exit_, graph, installation, make_contact, make_flow
from .triggers.factories import abandon, checkout, customer, gid, order, send, trigger_flow

__all__ = ["installation"]

T0 = NOW + timedelta(days=1)
HOUR = timedelta(hours=1)
CONVERSION = {
    "order_id": gid("Order", "o1"),
    "number": "1001",
    "total": "71.000",
    "currency": "USD",
}


def place_order(installation, at, **fields):
    with time_machine.travel(at, tick=False):
        send(installation, "order_created", order(created=at, **fields))


def test_an_order_for_the_same_checkout_ends_the_abandonment(installation):
    trigger_flow(installation, "checkout_abandoned", idle_minutes=30)
    enrollment = abandon(installation, at=T0)
    # Another email typed at payment: only the checkout id links the order.
    place_order(installation, T0 + HOUR, email="typo@example.com", checkout_number=1)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.FINISHED
    assert enrollment.finish_reason == "goal_checkout_converted"
    assert enrollment.conversion == CONVERSION
    assert enrollment.converted_at == T0 + HOUR


def test_an_order_by_the_same_email_from_any_device_ends_the_abandonment(installation):
    trigger_flow(installation, "checkout_abandoned", idle_minutes=30)
    enrollment = abandon(installation, at=T0)
    place_order(installation, T0 + 2 * HOUR, checkout_number=7)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.finish_reason) == ("finished", "goal_order_placed")
    assert enrollment.conversion == CONVERSION


def test_an_order_placed_before_the_checkout_changed_is_no_conversion(installation):
    trigger_flow(installation, "checkout_abandoned", idle_minutes=30)
    enrollment = abandon(installation, at=T0)
    # An older order whose webhook arrives only now.
    place_order(installation, T0 - HOUR, checkout_number=5)
    enrollment.refresh_from_db()
    assert enrollment.is_open


def test_flows_without_the_goal_go_on_and_non_ending_goals_count_once(installation):
    plain = trigger_flow(installation, "customer_created")
    counting = trigger_flow(
        installation, "customer_created", {"goals": [{"event": "order_placed", "ends": False}]}
    )
    with time_machine.travel(T0, tick=False):
        send(installation, "customer_created", customer(updated=T0))
    place_order(installation, T0 + HOUR)
    place_order(installation, T0 + 2 * HOUR, number=2)
    mine = Enrollment.objects.get(flow=plain)
    counted = Enrollment.objects.get(flow=counting)
    assert mine.is_open and mine.converted_at is None
    assert counted.is_open
    assert counted.conversion == CONVERSION  # the first order
    assert counted.converted_at == T0 + HOUR


def test_a_holdout_records_its_conversion(installation):
    trigger_flow(installation, "checkout_abandoned", {"holdout_percent": 50}, idle_minutes=30)
    contacts = [f"p{i}@example.com" for i in range(8)]
    for i, email in enumerate(contacts):
        abandon(installation, at=T0, number=i + 1, email=email)
    held = Enrollment.objects.filter(holdout=True)
    assert 0 < held.count() < len(contacts)
    target = held.first()
    place_order(installation, T0 + HOUR, email=target.contact.email, number=50)
    target.refresh_from_db()
    assert target.finish_reason == "holdout"
    assert target.conversion["order_id"] == gid("Order", "o50")


def test_a_finished_enrollment_converts_within_the_window_like_a_holdout(installation):
    # Treated and held-out contacts convert by the same rule, or the holdout lift would
    # miss every treated purchase made after the flow's last step.
    trigger_flow(installation, "checkout_abandoned", idle_minutes=30)
    done = abandon(installation, at=T0)
    late = abandon(installation, at=T0, number=2, email="late@example.com")
    Enrollment.objects.filter(pk__in=[done.pk, late.pk]).update(
        status=EnrollmentStatus.FINISHED, finish_reason="exit", finished_at=T0 + HOUR
    )
    place_order(installation, T0 + timedelta(days=3), checkout_number=9)
    place_order(
        installation,
        T0 + timedelta(days=31),
        email="late@example.com",
        checkout_number=8,
        number=2,
    )
    done.refresh_from_db()
    late.refresh_from_db()
    assert (done.status, done.finish_reason) == (EnrollmentStatus.FINISHED, "exit")
    assert done.converted_at == T0 + timedelta(days=3)
    assert done.conversion == CONVERSION
    assert late.converted_at is None  # 31 days after entry: outside the window


def test_an_order_wakes_a_wait_until_order_placed(installation):
    wait = ("w1", "wait", {"mode": "until_event", "event": "order_placed", "timeout_days": 3})
    trigger = ("trigger", "trigger", {"event": "customer_created"})
    edges = [("trigger", "next", "w1"), ("w1", "event", "exit"), ("w1", "timeout", "exit")]
    flow = make_flow(installation, graph([trigger, wait, exit_()], edges))
    with time_machine.travel(T0, tick=False):
        send(installation, "customer_created", customer(updated=T0))
    engine.enrollments_advance_due(now=T0, limit=10)
    enrollment = Enrollment.objects.get(flow=flow)
    assert enrollment.status == EnrollmentStatus.WAITING
    place_order(installation, T0 + HOUR)
    enrollment.refresh_from_db()
    assert enrollment.awaiting["event"]["data"]["order_id"] == gid("Order", "o1")
    assert enrollment.wake_at == T0 + HOUR
    engine.enrollments_advance_due(now=T0 + HOUR, limit=10)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.FINISHED


def test_erasure_leaves_nothing_waiting(installation, caplog):
    trigger_flow(installation, "checkout_abandoned", idle_minutes=30)
    trigger_flow(installation, "customer_created")
    with time_machine.travel(T0, tick=False):
        send(installation, "customer_created", customer(updated=T0))
    abandon(installation, at=T0)
    with time_machine.travel(T0 + HOUR, tick=False):
        send(installation, "checkout_updated", checkout(number=2, updated=T0 + HOUR))
    assert Enrollment.objects.filter(status__in=["active", "waiting"]).count() == 2
    assert PendingEntry.objects.count() == 1
    erased = customer(updated=T0 + 2 * HOUR)
    erased["__typename"] = "CustomerDeleted"
    erased["user"] = {"id": gid("User", 42), "email": "jane.doe@example.com"}
    erased["issuedAt"] = (T0 + 2 * HOUR).isoformat()
    with caplog.at_level(logging.INFO, logger="saleor_automation.flows.triggers.lifecycle"):
        send(installation, "customer_deleted", erased)
    assert not Contact.objects.exists()
    assert not Enrollment.objects.exists()
    assert not PendingEntry.objects.exists()
    assert "2 open enrollments end with it" in caplog.text
    assert "jane" not in caplog.text


def test_a_merged_guest_keeps_its_enrollments_under_the_new_contact(installation):
    # tests/contacts/test_contacts.py clears every contact_merged receiver: connect ours
    # again (same dispatch_uid, so this is a no-op when it is still there).
    contact_merged.connect(receivers.contact_merge, dispatch_uid="flows.merge")
    flow = trigger_flow(installation, "checkout_abandoned", idle_minutes=30)
    guest_enrollment = abandon(installation, at=T0, email="guest@example.com")
    guest = guest_enrollment.contact
    member = make_contact(installation, 2, saleor_user_id=gid("User", 7))
    contact_merge(source=guest, target=member)
    guest_enrollment.refresh_from_db()
    assert guest_enrollment.contact_id == member.pk
    assert guest_enrollment.is_open
    assert Enrollment.objects.filter(flow=flow).count() == 1


def test_abandonment_flows_end_on_an_order_by_default_unless_told_otherwise():
    assert [g.event for g in effective_goals(parse_settings({}), "checkout_abandoned")] == [
        GoalEvent.ORDER_PLACED,
        GoalEvent.CHECKOUT_CONVERTED,
    ]
    keep_going = parse_settings({"goals": [{"event": "order_placed", "ends": False}]})
    assert effective_goals(keep_going, "checkout_abandoned") == (
        Goal(GoalEvent.ORDER_PLACED, ends=False),
        Goal(GoalEvent.CHECKOUT_CONVERTED),
    )
    assert effective_goals(parse_settings({}), "customer_created") == ()


def test_the_order_that_started_an_order_flow_is_not_its_conversion():
    target = GoalTarget(
        contact_id=1,
        email="a@example.com",
        trigger="order_paid",
        entry_key="o1",
        since=T0,
        context={"order": {"id": "o1"}},
    )
    same = GoalFact(GoalEvent.ORDER_PLACED, T0, contact_id=1, order_id="o1")
    later = GoalFact(GoalEvent.ORDER_PLACED, T0 + HOUR, contact_id=None, email="a@example.com")
    assert not goal_matches(same, target)
    assert goal_matches(later, target)
