"""Priority between flows: a higher-priority marketing flow holding a contact defers the
entry of lower-priority ones until it finishes."""

from datetime import timedelta

import time_machine

from saleor_automation.flows.entry import EntryReason
from saleor_automation.flows.models import Enrollment
from saleor_automation.flows.priority import OpenFlow, priority_blocker
from saleor_automation.flows.services import enrollment_finish
from saleor_automation.flows.triggers.models import PendingEntry, PendingKind
from saleor_automation.flows.triggers.pending import pending_entries_run

from .db_fixtures import NOW, installation
from .triggers.factories import abandon, customer, send, trigger_flow

__all__ = ["installation"]

T0 = NOW + timedelta(days=1)
HOUR = timedelta(hours=1)
CONSENT = {"key": "marketing_consent", "value": "true"}


def test_priority_blocker():
    others = [OpenFlow(1, 10, True), OpenFlow(2, 5, False), OpenFlow(3, 50, True)]
    assert priority_blocker(priority=90, marketing=True, open_flows=others) == 1
    assert priority_blocker(priority=10, marketing=True, open_flows=others) is None  # equal
    assert priority_blocker(priority=90, marketing=False, open_flows=others) is None
    assert priority_blocker(priority=50, marketing=True, open_flows=[OpenFlow(2, 5, False)]) is None


def grant_consent(installation, at):
    with time_machine.travel(at, tick=False):
        body = customer("customer_updated", updated=at, metadata={"marketing_consent": "true"})
        send(installation, "customer_updated", body)


def setup_flows(installation):
    recovery = trigger_flow(installation, "checkout_abandoned", {"priority": 10}, idle_minutes=30)
    newsletter = trigger_flow(
        installation, "customer_metadata_changed", {"priority": 90}, **CONSENT
    )
    with time_machine.travel(T0 - HOUR, tick=False):
        send(installation, "customer_created", customer(updated=T0 - HOUR))
    return recovery, newsletter


def test_a_newsletter_waits_for_cart_recovery_to_finish(installation):
    recovery, newsletter = setup_flows(installation)
    cart = abandon(installation, at=T0)
    assert cart.flow_id == recovery.pk and cart.is_open

    grant_consent(installation, T0 + HOUR)
    assert not Enrollment.objects.filter(flow=newsletter).exists()
    pending = PendingEntry.objects.get(flow=newsletter)
    assert pending.kind == PendingKind.DEFERRED
    assert pending.due_at == T0 + HOUR + timedelta(minutes=15)
    assert pending.context["metadata"]["value"] == "true"

    # Still blocked at the retry: deferred again, same deadline.
    stats = pending_entries_run(now=pending.due_at)
    assert stats.outcomes == {EntryReason.DEFERRED: 1}
    deadline = PendingEntry.objects.get(flow=newsletter).expires_at
    assert deadline == T0 + HOUR + timedelta(days=3)

    enrollment_finish(enrollment=cart, reason="exit", now=T0 + 3 * HOUR)
    assert pending_entries_run(now=T0 + 3 * HOUR).outcomes == {EntryReason.ENTERED: 1}
    entered = Enrollment.objects.get(flow=newsletter)
    assert entered.context["metadata"]["key"] == "marketing_consent"
    assert not PendingEntry.objects.exists()


def test_a_deferral_is_given_up_after_its_deadline(installation):
    _, newsletter = setup_flows(installation)
    abandon(installation, at=T0)
    grant_consent(installation, T0 + HOUR)
    late = T0 + HOUR + timedelta(days=3, minutes=1)
    assert pending_entries_run(now=late).outcomes == {"expired": 1}
    assert not Enrollment.objects.filter(flow=newsletter).exists()


def test_a_higher_priority_flow_enters_while_a_lower_one_runs(installation):
    recovery, newsletter = setup_flows(installation)
    grant_consent(installation, T0 - timedelta(minutes=30))
    assert Enrollment.objects.filter(flow=newsletter).count() == 1
    assert abandon(installation, at=T0).flow_id == recovery.pk


def test_transactional_flows_are_neither_blocked_nor_blocking(installation):
    setup_flows(installation)
    receipts = trigger_flow(
        installation, "customer_metadata_changed", {"priority": 95}, marketing=False, **CONSENT
    )
    abandon(installation, at=T0)
    grant_consent(installation, T0 + HOUR)
    assert Enrollment.objects.filter(flow=receipts).count() == 1


def test_flows_qualifying_at_once_are_tried_in_priority_order(installation):
    """One event, two marketing flows: the more important enters, the other waits."""
    low = trigger_flow(installation, "customer_created", {"priority": 80})
    high = trigger_flow(installation, "customer_created", {"priority": 20})
    with time_machine.travel(T0, tick=False):
        send(installation, "customer_created", customer(updated=T0))
    assert Enrollment.objects.filter(flow=high).count() == 1
    assert not Enrollment.objects.filter(flow=low).exists()
    assert PendingEntry.objects.get().flow_id == low.pk
