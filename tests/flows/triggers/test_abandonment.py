"""checkout_abandoned: CHECKOUT_UPDATED bursts are debounced per checkout, on a fixed clock."""

from datetime import timedelta

import pytest
import time_machine

from saleor_automation.flows.models import Enrollment
from saleor_automation.flows.triggers.abandonment import (
    CheckoutState,
    CheckReason,
    abandonment_check,
)
from saleor_automation.flows.triggers.models import PendingEntry, PendingKind
from saleor_automation.flows.triggers.pending import pending_entries_run

from ..db_fixtures import NOW, installation
from .factories import checkout, gid, order, send, trigger_flow

__all__ = ["installation"]

T0 = NOW + timedelta(days=1)
IDLE = timedelta(minutes=30)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def flow(installation):
    return trigger_flow(installation, "checkout_abandoned", idle_minutes=30)


def burst(installation, count=5, start=T0, **fields):
    """`count` updates a minute apart, each applied at its own moment."""
    for i in range(count):
        moment = start + i * MINUTE
        with time_machine.travel(moment, tick=False):
            send(installation, "checkout_updated", checkout(updated=moment, **fields))
    return start + (count - 1) * MINUTE


def test_a_burst_of_five_updates_yields_one_enrollment_due_after_the_last(installation, flow):
    last = burst(installation)
    pending = PendingEntry.objects.get()
    assert (pending.kind, pending.due_at, pending.entry_key) == (
        PendingKind.ABANDONMENT,
        last + IDLE,
        gid("Checkout", "c1"),
    )
    assert pending_entries_run(now=last + IDLE - timedelta(seconds=1)).claimed == 0
    assert not Enrollment.objects.exists()

    stats = pending_entries_run(now=last + IDLE)
    assert stats.outcomes == {"entered": 1}
    enrollment = Enrollment.objects.get()
    assert enrollment.entry_key == gid("Checkout", "c1")
    assert enrollment.created_at == last + IDLE
    assert enrollment.context["checkout"]["lines_count"] == 2
    assert enrollment.context["since"] == last.isoformat()
    assert not PendingEntry.objects.exists()


def test_later_changes_never_start_a_second_enrollment_for_the_checkout(installation, flow):
    last = burst(installation, count=2)
    pending_entries_run(now=last + IDLE)
    again = burst(installation, count=1, start=last + IDLE + MINUTE)
    assert not PendingEntry.objects.exists()
    pending_entries_run(now=again + 2 * IDLE)
    assert Enrollment.objects.count() == 1


def test_a_late_event_never_pulls_the_due_time_back(installation, flow):
    last = burst(installation, count=3)
    with time_machine.travel(last + MINUTE, tick=False):
        stale = checkout(updated=T0)  # the first state, delivered late
        send(installation, "checkout_updated", stale)
    assert PendingEntry.objects.get().due_at == last + IDLE


def test_a_checkout_without_email_or_lines_never_waits(installation, flow):
    burst(installation, count=1, email=None)
    assert not PendingEntry.objects.exists()
    last = burst(installation, count=2, start=T0 + MINUTE)
    assert PendingEntry.objects.count() == 1
    with time_machine.travel(last + MINUTE, tick=False):
        send(installation, "checkout_updated", checkout(updated=last + MINUTE, lines=0))
    assert not PendingEntry.objects.exists()


def test_a_checkout_converted_before_due_starts_nothing(installation, flow):
    last = burst(installation, count=2)
    with time_machine.travel(last + 10 * MINUTE, tick=False):
        send(installation, "order_created", order(created=last + 10 * MINUTE, checkout_number=1))
    stats = pending_entries_run(now=last + IDLE)
    assert not Enrollment.objects.exists()
    assert stats.outcomes == {CheckReason.CONVERTED: 1}
    assert not PendingEntry.objects.exists()


def test_an_order_from_another_device_before_due_starts_nothing(installation, flow):
    last = burst(installation, count=2)
    with time_machine.travel(last + 5 * MINUTE, tick=False):
        other = order(number=9, created=last + 5 * MINUTE, checkout_number=99)
        send(installation, "order_created", other)
    assert pending_entries_run(now=last + IDLE).outcomes == {CheckReason.ORDERED: 1}
    assert not Enrollment.objects.exists()


def test_a_paused_flow_drops_its_pending_abandonments(installation, flow):
    from saleor_automation.flows.services import flow_pause

    last = burst(installation, count=1)
    flow_pause(flow=flow)
    assert pending_entries_run(now=last + IDLE).outcomes == {"flow_stopped": 1}
    assert not PendingEntry.objects.exists()


def state(**fields) -> CheckoutState:
    values = {
        "has_email": True,
        "lines": 2,
        "converted": False,
        "last_change_at": T0,
        "last_order_at": None,
    }
    values.update(fields)
    return CheckoutState(**values)


@pytest.mark.parametrize(
    ("checkout_state", "now", "action", "reason"),
    [
        (None, T0 + IDLE, "drop", CheckReason.CHECKOUT_GONE),
        (state(converted=True), T0 + IDLE, "drop", CheckReason.CONVERTED),
        (state(has_email=False), T0 + IDLE, "drop", CheckReason.NO_EMAIL),
        (state(lines=0), T0 + IDLE, "drop", CheckReason.NO_LINES),
        (state(last_order_at=T0 + MINUTE), T0 + IDLE, "drop", CheckReason.ORDERED),
        (state(last_order_at=T0 - MINUTE), T0 + IDLE, "enter", CheckReason.IDLE),
        (state(last_change_at=T0 + MINUTE), T0 + IDLE, "wait", CheckReason.CHANGED),
        (state(), T0 + IDLE - MINUTE, "wait", CheckReason.NOT_IDLE),
    ],
)
def test_abandonment_check(checkout_state, now, action, reason):
    check = abandonment_check(checkout_state, pending_last_change=T0, idle_minutes=30, now=now)
    assert (check.action, check.reason) == (action, reason)
