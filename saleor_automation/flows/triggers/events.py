"""Event triggers: an applied Saleor event starts the flows listening for it.

    event_hits(event, *, first_order=None, metadata=None) -> list[TriggerHit]
    hit_accepts(params, hit) -> bool
    hit_entry_key(params, hit) -> str
    hit_context(params, hit, order) -> dict
    order_is_first(contact_id, order) -> bool | None
    event_triggers_apply(*, installation, event, contact, now=None) -> list[EntryOutcome]

Which events start what (the entry key says what the enrollment is about, so the same
thing never enters a flow twice, see flows/entry.py):
- customer_created: CUSTOMER_CREATED (key: the Saleor user id);
- account_confirmed: ACCOUNT_CONFIRMED (key: the Saleor user id);
- order_paid: ORDER_PAID, ORDER_FULLY_PAID, or ORDER_CREATED of an order already paid
  (key: the order id; "first_order_only" wants no earlier counted order of the contact);
- repeat_order: the same events, for an order with an earlier counted order;
- order_fulfilled: ORDER_FULFILLED (key: the order id);
- customer_metadata_changed: a customer event whose metadata changed `key` (to `value`
  when one is given) against the snapshot last applied (triggers/metadata.py; key:
  "<metadata key>@<issuedAt>");
- checkout_abandoned: checkout events, debounced (triggers/abandonment.py).
Backfill sends no event, so old customers and orders start nothing; staff users have no
contact, so they start nothing either.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from ...contacts.models import Contact, Order
from ...contacts.services.facts import NOT_COUNTED_STATUSES
from ...saleor import payloads
from ...saleor.models import Installation
from ..entry import EntryOutcome, flow_entry_attempt
from ..nodes.trigger import TriggerEvent, TriggerParams
from .abandonment import checkout_activity_record
from .common import order_context, trigger_flows
from .metadata import Change, metadata_snapshot_update

PAID_EVENTS = (payloads.OrderPaid, payloads.OrderFullyPaid)
PAID_CHARGE_STATUSES = ("FULL", "OVERCHARGED")
CUSTOMER_EVENTS = (payloads.CustomerEvent, payloads.AccountConfirmed)


@dataclass(frozen=True)
class TriggerHit:
    """One trigger event an applied Saleor event stands for."""

    event: str  # TriggerEvent
    entry_key: str
    order_id: str = ""
    first_order: bool = False
    changes: Mapping[str, Change] = field(default_factory=dict)


def order_is_paid(order: payloads.Order) -> bool:
    return bool(order.is_paid) or order.charge_status in PAID_CHARGE_STATUSES


def event_hits(
    event: payloads.Event,
    *,
    first_order: bool | None = None,
    metadata: Mapping[str, Change] | None = None,
) -> list[TriggerHit]:
    """The trigger events `event` stands for. `first_order`: whether its order is the
    contact's first counted one (None: not a counted order); `metadata`: what it changed."""
    hits: list[TriggerHit] = []
    match event:
        case payloads.CustomerCreated(user=payloads.Customer(id=user_id)):
            hits.append(TriggerHit(TriggerEvent.CUSTOMER_CREATED, user_id))
        case payloads.AccountConfirmed(user=payloads.Customer(id=user_id)):
            hits.append(TriggerHit(TriggerEvent.ACCOUNT_CONFIRMED, user_id))
        case payloads.OrderFulfilled(order=payloads.Order(id=order_id)):
            if first_order is not None:
                hits.append(TriggerHit(TriggerEvent.ORDER_FULFILLED, order_id, order_id))
        case payloads.OrderEvent(order=payloads.Order(id=order_id) as order):
            paid = isinstance(event, PAID_EVENTS) or (
                isinstance(event, payloads.OrderCreated) and order_is_paid(order)
            )
            if paid and first_order is not None:
                hits.append(TriggerHit(TriggerEvent.ORDER_PAID, order_id, order_id, first_order))
                if not first_order:
                    hits.append(TriggerHit(TriggerEvent.REPEAT_ORDER, order_id, order_id))
    if metadata:
        stamp = event.issued_at.isoformat() if event.issued_at else ""
        hits.append(
            TriggerHit(TriggerEvent.CUSTOMER_METADATA_CHANGED, stamp, changes=dict(metadata))
        )
    return hits


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()


def hit_accepts(params: TriggerParams, hit: TriggerHit) -> bool:
    """Whether a flow's trigger params take this hit."""
    if params.event != hit.event:
        return False
    if hit.event == TriggerEvent.ORDER_PAID and params.first_order_only:
        return hit.first_order
    if hit.event == TriggerEvent.CUSTOMER_METADATA_CHANGED:
        change = hit.changes.get(params.key or "")
        if change is None:
            return False
        return params.value is None or (change[1] is not None and _same(change[1], params.value))
    return True


def hit_entry_key(params: TriggerParams, hit: TriggerHit) -> str:
    if hit.event == TriggerEvent.CUSTOMER_METADATA_CHANGED:
        return f"{params.key}@{hit.entry_key}"[:255]
    return hit.entry_key


def hit_context(params: TriggerParams, hit: TriggerHit, order: Order | None) -> dict:
    if hit.event == TriggerEvent.CUSTOMER_METADATA_CHANGED:
        old, new = hit.changes[params.key or ""]
        return {"metadata": {"key": params.key, "value": new, "previous": old}}
    return order_context(order) if order is not None else {}


def order_is_first(contact_id: int, order: Order) -> bool | None:
    """Whether `order` is the contact's first counted order (None: it is not counted)."""
    if order.status in NOT_COUNTED_STATUSES or order.contact_id != contact_id:
        return None
    earlier = Order.objects.filter(
        installation_id=order.installation_id, contact_id=contact_id
    ).exclude(status__in=NOT_COUNTED_STATUSES)
    if order.saleor_created_at is not None:
        earlier = earlier.filter(saleor_created_at__lt=order.saleor_created_at)
    else:
        earlier = earlier.filter(pk__lt=order.pk)
    return not earlier.exclude(pk=order.pk).exists()


def event_triggers_apply(
    *,
    installation: Installation,
    event: payloads.Event,
    contact: Contact | None,
    now: datetime | None = None,
) -> list[EntryOutcome]:
    """Start the flows an applied event triggers (inside the inbox row's transaction)."""
    if contact is None:
        return []
    now = now or timezone.now()
    if isinstance(event, payloads.CheckoutEvent):
        checkout_activity_record(installation=installation, event=event, contact=contact, now=now)
        return []
    order: Order | None = None
    first_order: bool | None = None
    metadata: dict[str, Change] = {}
    if isinstance(event, payloads.OrderEvent) and event.order is not None:
        order = Order.objects.filter(installation=installation, saleor_id=event.order.id).first()
        first_order = order_is_first(contact.pk, order) if order is not None else None
    elif isinstance(event, CUSTOMER_EVENTS) and isinstance(event.user, payloads.Customer):
        metadata = metadata_snapshot_update(
            contact=contact,
            customer=event.user,
            issued_at=event.issued_at,
            created=isinstance(event, payloads.CustomerCreated),
        )
    hits = event_hits(event, first_order=first_order, metadata=metadata)
    if not hits:
        return []
    outcomes = []
    for target in trigger_flows(installation, {hit.event for hit in hits}):
        for hit in hits:
            if not hit_accepts(target.params, hit):
                continue
            outcome = flow_entry_attempt(
                target=target,
                contact=contact,
                entry_key=hit_entry_key(target.params, hit),
                context=hit_context(target.params, hit, order),
                now=now,
            )
            outcomes.append(outcome)
    return outcomes
