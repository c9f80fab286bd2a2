"""checkout_abandoned: a checkout with an email and lines, not converted, that nobody
changed for idle_minutes.

    CheckoutState, AbandonmentCheck
    abandonment_check(state, *, pending_last_change, idle_minutes, now) -> AbandonmentCheck
    checkout_state(checkout) -> CheckoutState | None
    checkout_activity_record(*, installation, event, contact, now) -> int

Debounce: CHECKOUT_CREATED/UPDATED arrive in bursts (every quantity click is one). Each
one upserts a single pending entry per (flow, checkout) due idle_minutes after the
checkout's *last change* (Saleor's updatedAt, so a delayed inbox does not stretch the idle
time), and every newer change pushes the due time; a stale event never pulls it back. When
the pending entry is due (triggers/pending.py) the checkout is checked again from the mirror
- still an email and lines, not converted, no order by the contact (same email, any device)
since the last change, no newer change - and only then does the entry gate run, with the
checkout id as entry key: one enrollment per checkout, ever. A checkout that stops
qualifying (emptied, converted) drops its pending entries at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from ...contacts.models import Checkout, Contact, Order
from ...saleor import payloads
from ...saleor.models import Installation
from ..models import Enrollment
from ..nodes.trigger import TriggerEvent
from .common import trigger_flows
from .models import PendingEntry, PendingKind

ACTIVITY_EVENTS = (payloads.CheckoutCreated, payloads.CheckoutUpdated)
# Statuses of orders that are not a purchase the customer made (drafts are the staff's).
NOT_PLACED_STATUSES = ("DRAFT",)


class CheckReason:
    CHECKOUT_GONE = "checkout_gone"
    CONVERTED = "converted"
    NO_EMAIL = "no_email"
    NO_LINES = "no_lines"
    ORDERED = "ordered"  # the contact ordered since the last change (any checkout, device)
    CHANGED = "changed"  # changed since the pending entry's last change: wait again
    NOT_IDLE = "not_idle"
    IDLE = "idle"


@dataclass(frozen=True)
class CheckoutState:
    has_email: bool
    lines: int
    converted: bool
    last_change_at: datetime | None
    last_order_at: datetime | None  # the contact's latest placed order (by contact or email)

    @property
    def qualifies(self) -> bool:
        return self.has_email and self.lines > 0 and not self.converted


@dataclass(frozen=True)
class AbandonmentCheck:
    action: str  # "enter", "wait" or "drop"
    reason: str
    due_at: datetime | None = None


def abandonment_due(last_change_at: datetime, idle_minutes: int) -> datetime:
    return last_change_at + timedelta(minutes=idle_minutes)


def abandonment_check(
    state: CheckoutState | None,
    *,
    pending_last_change: datetime,
    idle_minutes: int,
    now: datetime,
) -> AbandonmentCheck:
    """What a due pending abandonment does now."""
    if state is None:
        return AbandonmentCheck("drop", CheckReason.CHECKOUT_GONE)
    if state.converted:
        return AbandonmentCheck("drop", CheckReason.CONVERTED)
    if not state.has_email:
        return AbandonmentCheck("drop", CheckReason.NO_EMAIL)
    if state.lines <= 0:
        return AbandonmentCheck("drop", CheckReason.NO_LINES)
    last_change = max(filter(None, (state.last_change_at, pending_last_change)))
    if state.last_order_at is not None and state.last_order_at >= last_change:
        return AbandonmentCheck("drop", CheckReason.ORDERED)
    due = abandonment_due(last_change, idle_minutes)
    if due > now:
        reason = CheckReason.CHANGED if last_change > pending_last_change else CheckReason.NOT_IDLE
        return AbandonmentCheck("wait", reason, due)
    return AbandonmentCheck("enter", CheckReason.IDLE, due)


def checkout_state(checkout: Checkout | None) -> CheckoutState | None:
    """The mirror's checkout as the check sees it (None when it is not mirrored)."""
    if checkout is None:
        return None
    scope = {"installation_id": checkout.installation_id}
    converted = checkout.converted_order_id is not None or (
        Order.objects.filter(**scope, checkout_id=checkout.saleor_id).exists()
    )
    buyer = Q(email=checkout.email) if checkout.email else Q(pk__in=[])
    if checkout.contact_id is not None:
        buyer |= Q(contact_id=checkout.contact_id)
    last_order = (
        Order.objects.filter(buyer, **scope)
        .exclude(status__in=NOT_PLACED_STATUSES)
        .exclude(saleor_created_at__isnull=True)
        .order_by("-saleor_created_at")
        .values_list("saleor_created_at", flat=True)
        .first()
    )
    return CheckoutState(
        has_email=bool(checkout.email),
        lines=len(checkout.lines or []),
        converted=converted,
        last_change_at=checkout.saleor_updated_at,
        last_order_at=last_order,
    )


def checkout_activity_record(
    *,
    installation: Installation,
    event: payloads.CheckoutEvent,
    contact: Contact,
    now: datetime,
) -> int:
    """Push (or start, or drop) the pending abandonment of each checkout_abandoned flow for
    the event's checkout; returns how many pending entries are now due later."""
    if not isinstance(event, ACTIVITY_EVENTS) or event.checkout is None:
        return 0
    targets = trigger_flows(installation, {TriggerEvent.CHECKOUT_ABANDONED})
    if not targets:
        return 0
    checkout_id = event.checkout.id
    checkout = Checkout.objects.filter(installation=installation, saleor_id=checkout_id).first()
    state = checkout_state(checkout)
    # Deferred ones too (flows/priority.py): a new change restarts the idle time.
    pending = PendingEntry.objects.select_for_update().filter(
        installation=installation, entry_key=checkout_id, trigger=TriggerEvent.CHECKOUT_ABANDONED
    )
    if state is None or not state.qualifies:
        pending.delete()
        return 0
    last_change = state.last_change_at or event.issued_at or now
    pushed = 0
    for target in targets:
        flow = target.flow
        if Enrollment.objects.filter(flow=flow, entry_key=checkout_id).exists():
            continue  # one enrollment per checkout: later changes start nothing
        idle = target.params.idle_minutes or 60
        row = pending.filter(flow=flow).first()
        if row is None:
            PendingEntry.objects.create(
                installation=installation,
                flow=flow,
                contact=contact,
                entry_key=checkout_id,
                kind=PendingKind.ABANDONMENT,
                trigger=TriggerEvent.CHECKOUT_ABANDONED,
                due_at=abandonment_due(last_change, idle),
                last_change_at=last_change,
                created_at=now,
            )
        else:
            latest = max(filter(None, (row.last_change_at, last_change)))
            row.contact = contact
            row.kind = PendingKind.ABANDONMENT
            row.last_change_at = latest
            row.due_at = abandonment_due(latest, idle)
            row.save(update_fields=["contact", "kind", "last_change_at", "due_at"])
        pushed += 1
    return pushed
