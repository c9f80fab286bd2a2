"""Pending entries that fall due: debounced abandonments and entries deferred by priority.

    pending_entries_run(*, now, limit=BATCH_SIZE) -> PendingStats

One batch is one transaction: due rows are claimed with SKIP LOCKED, so any number of
workers share them, and each row ends deleted (entered, dropped, expired) or due again
later. A crash rolls the batch back and the rows stay due.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from ...contacts.models import Checkout, Contact
from ..entry import EntryReason, flow_entry_attempt
from ..models import FlowStatus
from ..nodes.trigger import TriggerEvent
from ..selectors import flow_version_parsed
from .abandonment import abandonment_check, checkout_state
from .common import SINCE, TriggerFlow, checkout_context
from .models import PendingEntry, PendingKind

BATCH_SIZE = 500
FLOW_STOPPED = "flow_stopped"
EXPIRED = "expired"
BUSY = "busy"


@dataclass
class PendingStats:
    claimed: int = 0
    outcomes: Counter = field(default_factory=Counter)


def pending_entries_run(*, now: datetime, limit: int = BATCH_SIZE) -> PendingStats:
    """Process up to `limit` due pending entries."""
    stats = PendingStats()
    with transaction.atomic():
        rows = list(
            PendingEntry.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("flow", "contact")
            .filter(due_at__lte=now)
            .order_by("due_at")[:limit]
        )
        stats.claimed = len(rows)
        for row in rows:
            stats.outcomes[_process(row, now)] += 1
    return stats


def _target(row: PendingEntry) -> TriggerFlow | None:
    """The flow as it runs now; None when it stopped taking entries for this trigger (paused
    means no new enrollments; a new version may listen for something else)."""
    flow = row.flow
    if flow.status != FlowStatus.ACTIVE or flow.active_version_id is None:
        return None
    target = TriggerFlow(flow, flow_version_parsed(flow.active_version_id))
    return target if target.params.event == row.trigger else None


def _process(row: PendingEntry, now: datetime) -> str:
    # The inbox locks a contact before its pending rows, and this batch holds pending rows
    # already: waiting for the contact could deadlock, so a busy contact waits for the next
    # run instead (its row stays due).
    if not Contact.objects.select_for_update(skip_locked=True).filter(pk=row.contact_id):
        return BUSY
    target = _target(row)
    if target is None:
        row.delete()
        return FLOW_STOPPED
    if row.kind == PendingKind.DEFERRED and row.expires_at is not None and row.expires_at < now:
        row.delete()
        return EXPIRED
    context = row.context
    if row.trigger == TriggerEvent.CHECKOUT_ABANDONED:
        checkout = Checkout.objects.filter(
            installation_id=row.installation_id, saleor_id=row.entry_key
        ).first()
        check = abandonment_check(
            checkout_state(checkout),
            pending_last_change=row.last_change_at or row.due_at,
            idle_minutes=target.params.idle_minutes or 60,
            now=now,
        )
        if check.action == "drop":
            row.delete()
            return check.reason
        if check.action == "wait" and row.kind == PendingKind.ABANDONMENT:
            row.due_at = check.due_at
            row.save(update_fields=["due_at"])
            return check.reason
        if check.action == "wait":
            # Deferred, and changed since: debounce again from the newer change.
            row.kind = PendingKind.ABANDONMENT
            row.due_at = check.due_at
            row.save(update_fields=["kind", "due_at"])
            return check.reason
        assert checkout is not None
        since = checkout.saleor_updated_at or row.last_change_at or now
        context = {**checkout_context(checkout), SINCE: since.isoformat()}
    outcome = flow_entry_attempt(
        target=target,
        contact=row.contact,
        entry_key=row.entry_key,
        context=context,
        now=now,
    )
    if outcome.decision.reason != EntryReason.DEFERRED:
        PendingEntry.objects.filter(pk=row.pk).delete()
    return outcome.decision.reason
