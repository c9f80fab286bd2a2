"""The entry gate: whether a contact a trigger found enters a flow now.

    entry_decide(*, settings, flow_id, contact, context, now, history) -> EntryDecision
    entry_history(*, flow_id, contact_id, entry_key) -> EntryHistory
    flow_entry_attempt(*, target, contact, entry_key, context, now, view=None) -> EntryOutcome

The checks, in order (the first that fails decides):
1. the flow's active date range contains `now` (from inclusive, until exclusive);
2. this entry key never entered the flow for this contact: an entry key names what the
   enrollment is about (a checkout, an order, a birthday's date), so a redelivered event,
   ORDER_PAID after ORDER_FULLY_PAID, or a scheduled run seeing the same day twice starts
   nothing new, whatever the re-entry policy says;
3. the entry filter (contact attributes, order facts, location, the trigger's context);
4. re-entry: "once" - never after any earlier enrollment (holdouts included), "once_per_days"
   - only N days after the last one began, "always" - whenever no enrollment for the same
   key is open (the runtime's unique constraint);
5. priority (flows/priority.py): a blocked entry is deferred;
6. holdout: a deterministic share of contacts per flow (key "<flow id>:<contact id>", so a
   contact stays on the same side on every re-entry) is recorded as held out and gets
   nothing.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max

from ..contacts.models import Contact
from .assignment import in_holdout
from .context import ContactView
from .definition import FlowSettings
from .models import Enrollment
from .predicates import evaluate_predicate
from .priority import RETRY, flow_blocker, max_defer
from .services import enrollment_start
from .triggers.common import SINCE, TriggerFlow, entry_views
from .triggers.models import PendingEntry, PendingKind


class EntryReason:
    ENTERED = "entered"
    HOLDOUT = "holdout"
    NOT_ACTIVE = "not_active"  # outside the active date range (or the flow stopped)
    DUPLICATE = "duplicate"  # this entry key entered already
    FILTERED = "filtered"  # the entry filter said no
    REENTRY = "reentry"  # the re-entry policy said no
    DEFERRED = "deferred"  # a higher-priority flow holds the contact
    CONTACT_GONE = "contact_gone"
    ALL = (ENTERED, HOLDOUT, NOT_ACTIVE, DUPLICATE, FILTERED, REENTRY, DEFERRED, CONTACT_GONE)


@dataclass(frozen=True)
class EntryHistory:
    """What the gate needs to know about earlier enrollments of this contact."""

    last_entry_at: datetime | None = None  # the last enrollment in this flow (any status)
    key_entered: bool = False  # an enrollment with this entry key exists in this flow
    blocker: int | None = None  # a flow that blocks by priority (flows/priority.py)


@dataclass(frozen=True)
class EntryDecision:
    reason: str
    blocker: int | None = None

    @property
    def enters(self) -> bool:
        return self.reason in (EntryReason.ENTERED, EntryReason.HOLDOUT)

    @property
    def holdout(self) -> bool:
        return self.reason == EntryReason.HOLDOUT


def holdout_key(flow_id: int, contact_id: int) -> str:
    return f"{flow_id}:{contact_id}"


def entry_decide(
    *,
    settings: FlowSettings,
    flow_id: int,
    contact: ContactView,
    context: Mapping[str, Any],
    now: datetime,
    history: EntryHistory,
) -> EntryDecision:
    """The gate's decision (the order of checks is in the module docstring)."""
    if not settings.is_active(now):
        return EntryDecision(EntryReason.NOT_ACTIVE)
    if history.key_entered:
        return EntryDecision(EntryReason.DUPLICATE)
    if settings.entry_filter and not evaluate_predicate(
        settings.entry_filter, contact, now, context=context
    ):
        return EntryDecision(EntryReason.FILTERED)
    if not settings.allows_reentry(history.last_entry_at, now):
        return EntryDecision(EntryReason.REENTRY)
    if history.blocker is not None:
        return EntryDecision(EntryReason.DEFERRED, blocker=history.blocker)
    percent = settings.holdout_percent
    if percent and in_holdout(holdout_key(flow_id, contact.id), percent):
        return EntryDecision(EntryReason.HOLDOUT)
    return EntryDecision(EntryReason.ENTERED)


def entry_history(*, flow_id: int, contact_id: int, entry_key: str) -> EntryHistory:
    earlier = Enrollment.objects.filter(flow_id=flow_id, contact_id=contact_id)
    last = earlier.aggregate(last=Max("created_at"))["last"]
    key_entered = bool(entry_key) and earlier.filter(entry_key=entry_key).exists()
    return EntryHistory(last_entry_at=last, key_entered=key_entered)


@dataclass(frozen=True)
class EntryOutcome:
    decision: EntryDecision
    enrollment: Enrollment | None = None


def flow_entry_attempt(
    *,
    target: TriggerFlow,
    contact: Contact,
    entry_key: str,
    context: Mapping[str, Any],
    now: datetime,
    view: ContactView | None = None,
) -> EntryOutcome:
    """Run the gate for one contact and one flow and act on it: start the enrollment (or
    record the holdout), or keep a deferred entry for later. Runs in the caller's
    transaction (or its own); the contact row is locked so that two workers cannot both
    let the same contact in under "once"."""
    flow, parsed = target.flow, target.parsed
    context = {**context, SINCE: context.get(SINCE) or now.isoformat()}
    with transaction.atomic():
        locked = Contact.objects.select_for_update().filter(pk=contact.pk).values_list("pk")
        if not list(locked):
            return EntryOutcome(EntryDecision(EntryReason.CONTACT_GONE))
        history = entry_history(flow_id=flow.pk, contact_id=contact.pk, entry_key=entry_key)
        blocker = flow_blocker(flow=flow, parsed=parsed, contact_id=contact.pk)
        if view is None:
            views = entry_views([contact.pk], now=now, predicates=[parsed.settings.entry_filter])
            view = views[contact.pk]
        decision = entry_decide(
            settings=parsed.settings,
            flow_id=flow.pk,
            contact=view,
            context=context,
            now=now,
            history=EntryHistory(history.last_entry_at, history.key_entered, blocker),
        )
        if decision.reason == EntryReason.DEFERRED:
            _defer(target, contact, entry_key, context, now)
            return EntryOutcome(decision)
        if not decision.enters:
            return EntryOutcome(decision)
        enrollment = enrollment_start(
            flow=flow,
            contact=contact,
            entry_key=entry_key,
            context=context,
            now=now,
            holdout=decision.holdout,
        )
        if enrollment is None:
            return EntryOutcome(EntryDecision(EntryReason.DUPLICATE))
        PendingEntry.objects.filter(flow=flow, contact=contact, entry_key=entry_key).delete()
        return EntryOutcome(decision, enrollment)


def _defer(
    target: TriggerFlow, contact: Contact, entry_key: str, context: Mapping[str, Any], now: datetime
) -> None:
    trigger = target.params.event
    pending, created = PendingEntry.objects.select_for_update().get_or_create(
        flow=target.flow,
        contact=contact,
        entry_key=entry_key,
        defaults={
            "installation_id": target.flow.installation_id,
            "kind": PendingKind.DEFERRED,
            "trigger": trigger,
            "context": dict(context),
            "due_at": now + RETRY,
            "expires_at": now + max_defer(trigger),
        },
    )
    if not created:
        # A deferral keeps its first deadline; a pending abandonment becoming one starts it.
        if pending.kind != PendingKind.DEFERRED or pending.expires_at is None:
            pending.expires_at = now + max_defer(trigger)
        pending.kind = PendingKind.DEFERRED
        pending.context = dict(context)
        pending.due_at = now + RETRY
        pending.save(update_fields=["kind", "context", "due_at", "expires_at"])
