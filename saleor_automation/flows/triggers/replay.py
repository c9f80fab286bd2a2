"""Replaying stored history through a trigger, for the dry run (flows/simulation.py).
Reads only.

    OrderBook.load(installation_id) -> OrderBook
    replay_hits(*, installation, params, start, end, book) -> Replay

The history is what the app stored: the inbox rows processed in [start, end] (events) and
the mirrors (orders, checkouts, contacts). Each trigger family is replayed with the same
pure functions the live triggers use:
- event triggers: every processed inbox event parsed again; metadata changes against the
  customer's previous payload (the last one before the window when it is not in it);
- checkout_abandoned: the checkout changes in the window, debounced as live, each due time
  checked as of then against the order mirror;
- date_field, no_order_for_days: the local midnight of each trigger day in the window;
- segment_entered: nothing enters (a new version's first evaluation is a baseline); the
  members it would record are counted.
Contacts, checkouts and lines are read as they are now (the mirrors keep no versions);
orders are read as of each moment (they carry their creation time).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from ...contacts.models import Checkout, Contact, Order
from ...contacts.services.facts import NOT_COUNTED_STATUSES
from ...saleor import payloads
from ...saleor.models import InboxEvent, InboxStatus, Installation
from ..localtime import anniversary, contact_timezone, parse_annual_date, resolve_local
from ..nodes.trigger import BIRTHDAY, TriggerEvent, TriggerParams
from ..policy import installation_timezone
from ..predicates import evaluate_predicate
from .abandonment import NOT_PLACED_STATUSES, CheckoutState, abandonment_check
from .common import SINCE, checkout_context, entry_views
from .events import event_hits, hit_accepts, hit_context, hit_entry_key, order_is_first
from .metadata import metadata_changes
from .models import MetadataSnapshot

CUSTOMER_TYPES = ("customer_created", "customer_updated", "customer_metadata_updated")
EVENT_TYPES = {
    TriggerEvent.CUSTOMER_CREATED: ("customer_created",),
    TriggerEvent.ACCOUNT_CONFIRMED: ("account_confirmed",),
    TriggerEvent.ORDER_PAID: ("order_created", "order_paid", "order_fully_paid"),
    TriggerEvent.REPEAT_ORDER: ("order_created", "order_paid", "order_fully_paid"),
    TriggerEvent.ORDER_FULFILLED: ("order_fulfilled",),
    TriggerEvent.CUSTOMER_METADATA_CHANGED: (*CUSTOMER_TYPES, "account_confirmed"),
    TriggerEvent.CHECKOUT_ABANDONED: ("checkout_created", "checkout_updated"),
}
MIDNIGHT = time(0, 0)


class Zone(NamedTuple):
    timezone: str | None
    country: str


@dataclass(frozen=True)
class PastOrder:
    saleor_id: str
    number: str
    contact_id: int | None
    email: str
    checkout_id: str
    status: str
    created_at: datetime
    currency: str
    amount: Decimal  # total gross minus refunded
    total: Decimal

    @property
    def counted(self) -> bool:
        return self.status not in NOT_COUNTED_STATUSES

    @property
    def placed(self) -> bool:
        return self.status not in NOT_PLACED_STATUSES


@dataclass
class OrderBook:
    """The mirrored orders of an installation, by person and by checkout, oldest first."""

    orders: list[PastOrder]
    by_contact: dict[int, list[PastOrder]] = field(default_factory=dict)
    by_email: dict[str, list[PastOrder]] = field(default_factory=dict)
    by_checkout: dict[str, list[PastOrder]] = field(default_factory=dict)

    @classmethod
    def load(cls, installation_id: int) -> "OrderBook":
        rows = (
            Order.objects.filter(installation_id=installation_id, saleor_created_at__isnull=False)
            .order_by("saleor_created_at", "pk")
            .values_list(
                "saleor_id", "number", "contact_id", "email", "checkout_id", "status",
                "saleor_created_at", "currency", "total_gross", "total_refunded",
            )
        )  # fmt: skip
        book = cls([PastOrder(*row[:8], row[8] - row[9], row[8]) for row in rows])
        for order in book.orders:
            if order.contact_id is not None:
                book.by_contact.setdefault(order.contact_id, []).append(order)
            if order.email:
                book.by_email.setdefault(order.email, []).append(order)
            if order.checkout_id:
                book.by_checkout.setdefault(order.checkout_id, []).append(order)
        return book

    def of_person(self, contact_id: int, email: str) -> list[PastOrder]:
        """Orders of the contact or with their email (a guest order from any device)."""
        found = {o.saleor_id: o for o in self.by_contact.get(contact_id, [])}
        found.update({o.saleor_id: o for o in self.by_email.get(email, []) if email})
        return sorted(found.values(), key=lambda order: order.created_at)


@dataclass(frozen=True)
class ReplayHit:
    at: datetime
    contact_id: int
    entry_key: str
    context: dict[str, Any]


@dataclass
class Replay:
    hits: list[ReplayHit] = field(default_factory=list)
    events_read: int = 0
    not_due_yet: int = 0  # abandonments still idle-waiting at the end of the window
    baseline_members: int = 0  # segment members a first evaluation records without entries


def _events(installation: Installation, types: Iterable[str], start: datetime, end: datetime):
    return InboxEvent.objects.filter(
        installation=installation,
        status=InboxStatus.PROCESSED,
        event_type__in=list(types),
        received_at__gte=start,
        received_at__lte=end,
    ).order_by("id")


def _metadata_before(installation: Installation, user_id: str, start: datetime) -> dict | None:
    """The customer's metadata in their last stored payload before the window, if any."""
    earlier = InboxEvent.objects.filter(
        installation=installation,
        status=InboxStatus.PROCESSED,
        event_type__in=[*CUSTOMER_TYPES, "account_confirmed"],
        received_at__lt=start,
        body__contains=user_id,
    ).order_by("-id")
    for row in earlier[:20]:
        event = payloads.parse_event(row.event_type, row.body)
        user = getattr(event, "user", None)
        if isinstance(user, payloads.Customer) and user.id == user_id and user.metadata is not None:
            return {item.key: item.value for item in user.metadata}
    return None


def _event_hits(installation, params, start, end, replay: Replay) -> None:
    seen: dict[str, dict | None] = {}
    for row in _events(installation, EVENT_TYPES[params.event], start, end):
        replay.events_read += 1
        event = payloads.parse_event(row.event_type, row.body)
        at = event.issued_at or row.received_at
        order, contact_id, first, changes = None, None, None, {}
        if isinstance(event, payloads.OrderEvent) and event.order is not None:
            order = Order.objects.filter(
                installation=installation, saleor_id=event.order.id
            ).first()
            contact_id = order.contact_id if order else None
            first = order_is_first(contact_id, order) if order and contact_id else None
        elif isinstance(getattr(event, "user", None), payloads.Customer):
            user = event.user
            contact = Contact.objects.filter(installation=installation, saleor_user_id=user.id)
            contact_id = contact.values_list("pk", flat=True).first()
            if user.metadata is not None:
                after = {item.key: item.value for item in user.metadata}
                if user.id not in seen:
                    seen[user.id] = _metadata_before(installation, user.id, start)
                created = isinstance(event, payloads.CustomerCreated)
                changes = metadata_changes(seen[user.id], after, created=created)
                seen[user.id] = after
        if contact_id is None:
            continue
        for hit in event_hits(event, first_order=first, metadata=changes):
            if hit_accepts(params, hit):
                context = {**hit_context(params, hit, order), SINCE: at.isoformat()}
                replay.hits.append(ReplayHit(at, contact_id, hit_entry_key(params, hit), context))


def _abandonment_hits(installation, params, start, end, book: OrderBook, replay: Replay) -> None:
    changes: dict[str, list[tuple[datetime, bool, int]]] = {}
    for row in _events(installation, EVENT_TYPES[params.event], start, end):
        replay.events_read += 1
        checkout = payloads.parse_event(row.event_type, row.body).checkout
        if checkout is not None:
            moment = checkout.updated_at or row.received_at
            lines = len(checkout.lines or [])
            changes.setdefault(checkout.id, []).append((moment, bool(checkout.email), lines))
    idle = params.idle_minutes or 60
    mirrors = Checkout.objects.filter(installation=installation, saleor_id__in=list(changes))
    for checkout in mirrors.exclude(contact__isnull=True):
        timeline = sorted(changes[checkout.saleor_id])
        person = book.of_person(checkout.contact_id, checkout.email)
        for index, (changed, has_email, lines) in enumerate(timeline):
            due = changed + timedelta(minutes=idle)
            if index + 1 < len(timeline) and timeline[index + 1][0] < due:
                continue  # pushed by the next change
            if due > end:
                replay.not_due_yet += 1
                break
            bought = [o.created_at for o in person if o.placed and o.created_at <= due]
            state = CheckoutState(
                has_email=has_email,
                lines=lines,
                converted=any(
                    o.created_at <= due for o in book.by_checkout.get(checkout.saleor_id, [])
                ),
                last_change_at=changed,
                last_order_at=max(bought, default=None),
            )
            check = abandonment_check(
                state, pending_last_change=changed, idle_minutes=idle, now=due
            )
            if check.action == "enter":
                context = {**checkout_context(checkout), SINCE: changed.isoformat()}
                replay.hits.append(ReplayHit(due, checkout.contact_id, checkout.saleor_id, context))
                break
            if state.converted:
                break


def _midnight_between(
    day, zone: Zone, start: datetime, end: datetime, fallback: str
) -> datetime | None:
    at = resolve_local(day, MIDNIGHT, contact_timezone(zone, fallback))
    return at if start <= at <= end else None


def _dated_contacts(installation, field: str) -> list[tuple[int, str, int, int]]:
    """(contact id, country, month, day) of every contact with the yearly date."""
    contacts = Contact.objects.filter(installation=installation)
    if field == BIRTHDAY:
        return list(
            contacts.filter(birthday_month__isnull=False, birthday_day__isnull=False).values_list(
                "pk", "country", "birthday_month", "birthday_day"
            )
        )
    countries = dict(contacts.values_list("pk", "country"))
    rows = MetadataSnapshot.objects.filter(installation=installation, data__has_key=field)
    found = []
    for pk, data in rows.values_list("contact_id", "data"):
        parsed = parse_annual_date(data.get(field))
        if parsed is not None and pk in countries:
            found.append((pk, countries[pk], *parsed))
    return found


def _date_field_hits(installation, params, start, end, replay: Replay) -> None:
    fallback = installation_timezone(installation.pk)
    for pk, country, month, day in _dated_contacts(installation, params.field or ""):
        for year in range(start.year - 1, end.year + 2):
            occurrence = anniversary(month, day, year)
            target = occurrence - timedelta(days=params.days_before or 0)
            at = _midnight_between(target, Zone(None, country), start, end, fallback)
            if at is not None:
                context = {"date_field": {"field": params.field, "date": occurrence.isoformat()}}
                replay.hits.append(ReplayHit(at, pk, occurrence.isoformat(), context))


def _no_order_hits(installation, params, start, end, book: OrderBook, replay: Replay) -> None:
    days = params.days or 0
    countries = dict(Contact.objects.filter(installation=installation).values_list("pk", "country"))
    fallback = installation_timezone(installation.pk)
    for contact_id, orders in book.by_contact.items():
        counted = [order for order in orders if order.counted]
        zone = Zone(None, countries.get(contact_id, ""))
        tz = contact_timezone(zone, fallback)
        for index, order in enumerate(counted):
            target = order.created_at.astimezone(tz).date() + timedelta(days=days)
            at = _midnight_between(target, zone, start, end, fallback)
            later = counted[index + 1].created_at if index + 1 < len(counted) else None
            if at is not None and (later is None or later > at):
                last = order.created_at.isoformat()
                context = {"no_order": {"days": days, "last_order_at": last}}
                replay.hits.append(ReplayHit(at, contact_id, last, context))


def _segment_baseline(installation, params, end, replay: Replay) -> None:
    ids = list(Contact.objects.filter(installation=installation).values_list("pk", flat=True))
    segment = params.segment or {}
    views = entry_views(ids, now=end, predicates=[segment])
    replay.baseline_members = sum(evaluate_predicate(segment, v, end) for v in views.values())


def replay_hits(
    *,
    installation: Installation,
    params: TriggerParams,
    start: datetime,
    end: datetime,
    book: OrderBook,
) -> Replay:
    """Every entry the trigger would have asked for in [start, end], oldest first."""
    replay = Replay()
    event = params.event
    if event in EVENT_TYPES and event != TriggerEvent.CHECKOUT_ABANDONED:
        _event_hits(installation, params, start, end, replay)
    elif event == TriggerEvent.CHECKOUT_ABANDONED:
        _abandonment_hits(installation, params, start, end, book, replay)
    elif event == TriggerEvent.DATE_FIELD:
        _date_field_hits(installation, params, start, end, replay)
    elif event == TriggerEvent.NO_ORDER_FOR_DAYS:
        _no_order_hits(installation, params, start, end, book, replay)
    elif event == TriggerEvent.SEGMENT_ENTERED:
        _segment_baseline(installation, params, end, replay)
    replay.hits.sort(key=lambda hit: (hit.at, hit.contact_id))
    return replay
