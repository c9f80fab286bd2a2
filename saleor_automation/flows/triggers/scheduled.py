"""Daily triggers, evaluated on each contact's own calendar day (localtime.contact_timezone:
the contact's zone, else their country's, else UTC).

    date_field_occurrence(month, day, days_before, today) -> date | None
    no_order_target(last_order_at, days, tz) -> date
    due_on(target, today) -> bool
    scheduled_triggers_run(*, now) -> Counter

- date_field {field, days_before}: fires on the local day `days_before` days before the
  yearly date (the birthday, or a customer metadata date); entry key: that year's date, so
  once per year at most. A 29 February date falls on 28 February in common years.
- no_order_for_days {days}: fires on the local day `days` days after the local day of the
  contact's last counted order; entry key: that order's moment, so once per lapse (a new
  order starts a new count). Contacts who never ordered are not win-back candidates.
The task runs every SCHEDULED_TRIGGERS_INTERVAL seconds, so each zone's day is seen soon
after its local midnight; a day missed entirely (downtime) is caught up CATCH_UP_DAYS
later. A condition already past before that (say, all customers lapsed for years when a
win-back flow is activated) starts nothing: like backfilled history, it is not an event.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from ...contacts.models import Contact
from ..entry import flow_entry_attempt
from ..localtime import anniversary, contact_timezone, parse_annual_date
from ..models import Enrollment, Flow, FlowStatus
from ..nodes.trigger import BIRTHDAY, TriggerEvent
from ..policy import installation_timezone
from .common import TriggerFlow, entry_views, trigger_flows
from .models import MetadataSnapshot, PendingEntry

CATCH_UP_DAYS = 1
CHUNK = 500
SCHEDULED = (TriggerEvent.DATE_FIELD, TriggerEvent.NO_ORDER_FOR_DAYS)


def due_on(target: date, today: date) -> bool:
    """Whether a trigger whose day is `target` fires on local day `today` (or catches up)."""
    return 0 <= (today - target).days <= CATCH_UP_DAYS


def date_field_occurrence(month: int, day: int, days_before: int, today: date) -> date | None:
    """The yearly date whose trigger day (days_before earlier) is due today, if any."""
    for year in (today.year - 1, today.year, today.year + 1):
        occurrence = anniversary(month, day, year)
        if due_on(occurrence - timedelta(days=days_before), today):
            return occurrence
    return None


def no_order_target(last_order_at: datetime, days: int, tz: ZoneInfo) -> date:
    return last_order_at.astimezone(tz).date() + timedelta(days=days)


def birthday_candidates(now: datetime, days_before: int) -> set[tuple[int, int]]:
    """(month, day) pairs whose trigger day is due somewhere on Earth now: local dates run
    from the UTC date minus one to plus one."""
    today = now.date()
    pairs = set()
    for offset in range(-1 - CATCH_UP_DAYS, 2):
        occurrence = today + timedelta(days=offset + days_before)
        pairs.add((occurrence.month, occurrence.day))
        if (occurrence.month, occurrence.day) == (2, 28) and anniversary(
            2, 29, occurrence.year
        ) == occurrence:
            pairs.add((2, 29))  # a common year: 29 February falls on the 28th
    return pairs


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _date_field_candidates(target: TriggerFlow, now: datetime) -> list[tuple[int, int, int]]:
    """(contact id, month, day) of contacts whose date may be due."""
    params = target.params
    installation_id = target.flow.installation_id
    if params.field == BIRTHDAY:
        match = Q(pk__in=[])
        for month, day in birthday_candidates(now, params.days_before or 0):
            match |= Q(birthday_month=month, birthday_day=day)
        return list(
            Contact.objects.filter(match, installation_id=installation_id).values_list(
                "pk", "birthday_month", "birthday_day"
            )
        )
    found = []
    rows = MetadataSnapshot.objects.filter(
        installation_id=installation_id, data__has_key=params.field
    ).values_list("contact_id", "data")
    for contact_id, data in rows:
        parsed = parse_annual_date(data.get(params.field))
        if parsed is not None:
            found.append((contact_id, *parsed))
    return found


def _date_field_due(target: TriggerFlow, now: datetime) -> Iterable[tuple[int, str, dict, Any]]:
    """(contact id, entry key, context, view) of every due date_field entry."""
    params = target.params
    candidates = {pk: (month, day) for pk, month, day in _date_field_candidates(target, now)}
    fallback = installation_timezone(target.flow.installation_id)
    for ids in _chunks(sorted(candidates)):
        views = entry_views(ids, now=now, predicates=[target.parsed.settings.entry_filter])
        for contact_id, view in views.items():
            today = now.astimezone(contact_timezone(view, fallback)).date()
            month, day = candidates[contact_id]
            occurrence = date_field_occurrence(month, day, params.days_before or 0, today)
            if occurrence is not None:
                context = {"date_field": {"field": params.field, "date": occurrence.isoformat()}}
                yield contact_id, occurrence.isoformat(), context, view


def _no_order_due(target: TriggerFlow, now: datetime) -> Iterable[tuple[int, str, dict, Any]]:
    days = target.params.days or 0
    # Local days differ from UTC's by at most a day each way.
    newest = now - timedelta(days=days - 1)
    oldest = now - timedelta(days=days + CATCH_UP_DAYS + 2)
    rows = Contact.objects.filter(
        installation_id=target.flow.installation_id,
        last_order_at__gte=oldest,
        last_order_at__lte=newest,
    ).values_list("pk", "last_order_at")
    last_orders = dict(rows)
    fallback = installation_timezone(target.flow.installation_id)
    for ids in _chunks(sorted(last_orders)):
        views = entry_views(ids, now=now, predicates=[target.parsed.settings.entry_filter])
        for contact_id, view in views.items():
            tz = contact_timezone(view, fallback)
            last = last_orders[contact_id]
            if due_on(no_order_target(last, days, tz), now.astimezone(tz).date()):
                context = {"no_order": {"days": days, "last_order_at": last.isoformat()}}
                yield contact_id, last.isoformat(), context, view


def _known(target: TriggerFlow, now: datetime) -> set[tuple[int, str]]:
    """(contact, key) pairs entered or pending lately: no need to run the gate again."""
    recent = now - timedelta(days=CATCH_UP_DAYS + 3)
    flow = target.flow
    entered = Enrollment.objects.filter(flow=flow, created_at__gte=recent).values_list(
        "contact_id", "entry_key"
    )
    pending = PendingEntry.objects.filter(flow=flow).values_list("contact_id", "entry_key")
    return set(entered) | set(pending)


def scheduled_triggers_run(*, now: datetime) -> Counter:
    """Start the date_field and no_order_for_days entries due now; counts per outcome."""
    outcomes: Counter = Counter()
    installations = (
        Flow.objects.filter(status=FlowStatus.ACTIVE)
        .values_list("installation_id", flat=True)
        .distinct()
    )
    for installation_id in list(installations):
        for target in trigger_flows(installation_id, SCHEDULED):
            due = (
                _date_field_due(target, now)
                if target.params.event == TriggerEvent.DATE_FIELD
                else _no_order_due(target, now)
            )
            known = _known(target, now)
            for contact_id, key, context, view in due:
                if (contact_id, key) in known:
                    continue
                contact = Contact.objects.filter(pk=contact_id).first()
                if contact is None:
                    continue
                outcome = flow_entry_attempt(
                    target=target,
                    contact=contact,
                    entry_key=key,
                    context=context,
                    now=now,
                    view=view,
                )
                outcomes[outcome.decision.reason] += 1
    return outcomes
