"""Goals: events that end enrollments (or count as their conversion), and the order events
that wake "wait until order placed" nodes.

    effective_goals(settings, trigger) -> tuple[Goal, ...]
    placed_facts(*, at, contact_id, email, order_id, checkout_id, conversion) -> list[GoalFact]
    goal_facts(event, order) -> list[GoalFact]
    goal_matches(fact, target) -> bool
    event_goals_apply(*, installation, event, contact, now=None) -> int

Rules:
- A goal event counts for an enrollment when it is the same person's - the same contact, or
  an order with the contact's email (a guest order from any device) - and happened at or
  after the enrollment's context "since" (when what it is about happened: the checkout's
  last change, the triggering event); the order that started an order flow never counts.
  checkout_converted counts when the order's checkout is the enrollment's checkout,
  whenever it was placed.
- checkout_abandoned flows have order_placed and checkout_converted as ending goals by
  default (an explicit goal of the same event overrides its `ends`).
- An open enrollment reaching an ending goal is finished with reason "goal_<event>" and the
  order as its conversion ({order_id, number, total, currency}); a non-ending goal records
  the first conversion and the enrollment goes on.
- Every enrollment, treated or held out, open or finished, gets its first conversion within
  HOLDOUT_WINDOW of entry recorded: the control group converts by the same rule as the
  treated one, so the holdout lift compares like with like (a treated contact who buys
  after the flow's last step still counts). The bound keeps old enrollments out of every
  order's lookup.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ..contacts.models import Contact, Order
from ..saleor import payloads
from ..saleor.models import Installation
from .definition import FlowSettings, Goal, GoalEvent
from .models import OPEN_STATUSES, Enrollment
from .nodes.trigger import TriggerEvent
from .nodes.wait import ORDER_PLACED_KIND
from .selectors import flow_version_parsed
from .services import enrollment_finish, enrollments_notify
from .triggers.common import SINCE
from .triggers.events import order_is_paid

GOAL_REASON_PREFIX = "goal_"
DEFAULT_GOALS: Mapping[str, tuple[Goal, ...]] = {
    TriggerEvent.CHECKOUT_ABANDONED: (
        Goal(GoalEvent.ORDER_PLACED),
        Goal(GoalEvent.CHECKOUT_CONVERTED),
    ),
}
NOT_PLACED_STATUSES = ("DRAFT",)
HOLDOUT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class GoalFact:
    """One goal event that happened."""

    kind: str  # GoalEvent
    at: datetime
    contact_id: int | None
    email: str = ""
    order_id: str = ""
    checkout_id: str = ""
    conversion: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class GoalTarget:
    """An enrollment as goal matching sees it."""

    contact_id: int
    email: str
    trigger: str
    entry_key: str
    since: datetime
    context: Mapping[str, Any] = field(default_factory=dict)


def effective_goals(settings: FlowSettings, trigger: str) -> tuple[Goal, ...]:
    configured = {goal.event for goal in settings.goals}
    defaults = tuple(
        goal for goal in DEFAULT_GOALS.get(trigger, ()) if goal.event not in configured
    )
    return (*settings.goals, *defaults)


def _conversion(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.saleor_id,
        "number": order.number,
        "total": str(order.total_gross),
        "currency": order.currency,
    }


def placed_facts(
    *,
    at: datetime,
    contact_id: int | None,
    email: str,
    order_id: str,
    checkout_id: str,
    conversion: Mapping[str, Any],
) -> list[GoalFact]:
    """What placing an order is: order_placed, and checkout_converted for its checkout."""
    values = {
        "contact_id": contact_id,
        "email": email,
        "order_id": order_id,
        "checkout_id": checkout_id,
        "conversion": conversion,
    }
    placed = [GoalFact(GoalEvent.ORDER_PLACED, at, **values)]
    if checkout_id:
        placed.append(GoalFact(GoalEvent.CHECKOUT_CONVERTED, at, **values))
    return placed


def goal_facts(event: payloads.Event, order: Order | None) -> list[GoalFact]:
    """The goal events an applied Saleor event stands for (`order`: its mirrored order)."""
    if isinstance(event, payloads.AccountConfirmed):
        return []  # needs the contact: event_goals_apply adds it
    if (
        order is None
        or order.status in NOT_PLACED_STATUSES
        or not isinstance(event, payloads.OrderEvent)
    ):
        return []
    at = order.saleor_created_at or event.issued_at or timezone.now()
    base = {
        "contact_id": order.contact_id,
        "email": order.email,
        "order_id": order.saleor_id,
        "checkout_id": order.checkout_id,
        "conversion": _conversion(order),
    }
    facts = []
    if isinstance(event, payloads.OrderCreated):
        facts.extend(placed_facts(at=at, **base))
    paid = isinstance(event, payloads.OrderPaid | payloads.OrderFullyPaid)
    if paid or (isinstance(event, payloads.OrderCreated) and order_is_paid(event.order)):
        facts.append(GoalFact(GoalEvent.ORDER_PAID, event.issued_at or at, **base))
    if isinstance(event, payloads.OrderFulfilled):
        facts.append(GoalFact(GoalEvent.ORDER_FULFILLED, event.issued_at or at, **base))
    return facts


def goal_matches(fact: GoalFact, target: GoalTarget) -> bool:
    """Whether a goal event counts for an enrollment (the rules in the module docstring)."""
    context_checkout = (target.context.get("checkout") or {}).get("id")
    if fact.kind == GoalEvent.CHECKOUT_CONVERTED:
        own = target.entry_key if target.trigger == TriggerEvent.CHECKOUT_ABANDONED else None
        return bool(fact.checkout_id) and fact.checkout_id in (own, context_checkout)
    if fact.at < target.since:
        return False
    same_person = fact.contact_id == target.contact_id or (
        bool(fact.email) and fact.email == target.email
    )
    if not same_person:
        return False
    triggering_order = (target.context.get("order") or {}).get("id")
    return not (fact.order_id and fact.order_id == triggering_order)


def _since(enrollment: Enrollment) -> datetime:
    text = (enrollment.context or {}).get(SINCE)
    try:
        return datetime.fromisoformat(text) if text else enrollment.created_at
    except ValueError:
        return enrollment.created_at


def _candidates(
    installation: Installation, facts: list[GoalFact], contact: Contact | None, now: datetime
):
    people = Q(pk__in=[])
    for fact in facts:
        if fact.contact_id:
            people |= Q(contact_id=fact.contact_id)
        if fact.email:
            people |= Q(contact__email=fact.email)
        if fact.checkout_id:
            people |= Q(entry_key=fact.checkout_id) | Q(context__checkout__id=fact.checkout_id)
    if contact is not None:
        people |= Q(contact=contact)
    reachable = Q(status__in=OPEN_STATUSES) | Q(
        converted_at__isnull=True, created_at__gte=now - HOLDOUT_WINDOW
    )
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("contact")
        .filter(people, reachable, installation=installation)
        .order_by("pk")
    )


def event_goals_apply(
    *,
    installation: Installation,
    event: payloads.Event,
    contact: Contact | None,
    now: datetime | None = None,
) -> int:
    """End (or mark converted) the enrollments an applied event is a goal of, then wake
    the ones waiting for an order. Returns how many enrollments it ended or converted."""
    now = now or timezone.now()
    order = None
    if isinstance(event, payloads.OrderEvent) and event.order is not None:
        order = Order.objects.filter(installation=installation, saleor_id=event.order.id).first()
    facts = goal_facts(event, order)
    if isinstance(event, payloads.AccountConfirmed) and contact is not None:
        at = event.issued_at or now
        facts.append(GoalFact(GoalEvent.ACCOUNT_CONFIRMED, at, contact.pk, contact.email))
    if not facts:
        return 0
    reached = 0
    for enrollment in _candidates(installation, facts, contact, now):
        parsed = flow_version_parsed(enrollment.version_id)
        trigger = parsed.graph.trigger.params.event
        target = GoalTarget(
            contact_id=enrollment.contact_id,
            email=enrollment.contact.email,
            trigger=trigger,
            entry_key=enrollment.entry_key,
            since=_since(enrollment),
            context=enrollment.context or {},
        )
        goals = {goal.event: goal for goal in effective_goals(parsed.settings, trigger)}
        for fact in facts:
            goal = goals.get(fact.kind)
            if goal is None or not goal_matches(fact, target):
                continue
            if _reach(enrollment, goal, fact, now):
                reached += 1
                break
    placed = next((f for f in facts if f.kind == GoalEvent.ORDER_PLACED), None)
    if placed is not None and placed.contact_id is not None:
        enrollments_notify(
            installation=installation,
            contact_id=placed.contact_id,
            kind=ORDER_PLACED_KIND,
            match={"order_id": placed.order_id, "checkout_id": placed.checkout_id},
            at=placed.at,
        )
    return reached


def _reach(enrollment: Enrollment, goal: Goal, fact: GoalFact, now: datetime) -> bool:
    if enrollment.is_open and goal.ends:
        return enrollment_finish(
            enrollment=enrollment,
            reason=f"{GOAL_REASON_PREFIX}{fact.kind}",
            now=now,
            conversion=fact.conversion,
        )
    if enrollment.converted_at is not None:
        return False
    # The runtime's services only convert while finishing; this is the one other write.
    return bool(
        Enrollment.objects.filter(pk=enrollment.pk, converted_at__isnull=True).update(
            converted_at=now, conversion=dict(fact.conversion or {"event": fact.kind})
        )
    )
