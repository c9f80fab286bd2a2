"""Dry run: what a draft version would have done over the stored history of the last N days,
before the operator activates it.

    flow_simulate(*, flow, days, now=None, version=None, horizon_days=30) -> SimulationReport

How (purely in memory, with a simulated clock; it also runs inside a transaction that is
always rolled back, so no code path can leave a row behind):
1. triggers/replay.py replays the stored history (processed inbox rows, mirrors) through
   the draft's trigger with the live triggers' own pure functions;
2. each trigger hit goes through the pure entry gate (flows/entry.py): the draft's entries
   so far (and this flow's real ones before the window) are its history; other active
   flows' real enrollments, open at that moment, are the priority blockers. A deferred
   entry is counted as deferred, not retried;
3. entered enrollments run through the pure node semantics (flows/nodes) in time order on
   one event queue, from entry until they finish or `horizon_days` later: sleeps jump the
   clock; quiet hours, send windows and the shared frequency cap (real messages of other
   flows plus the simulated ones) defer sends and are counted; "order placed" waits and
   goals (order_placed, checkout_converted) are met by the mirrored orders; a message
   counts as delivered when sent, and is never opened or clicked (not predictable).
Contacts are read as they are now, except their order facts, which are read as of each
moment. order_paid, order_fulfilled and account_confirmed goals are not projected.
"""

import heapq
import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..messaging.models import Message, MessageStatus
from .context import ContactView, NodeContext
from .decisions import Act, AwaitEvent, Finish, Goto, Reason, Send, Skip, SleepUntil
from .entry import EntryHistory, entry_decide
from .goals import (
    GOAL_REASON_PREFIX,
    GoalFact,
    GoalTarget,
    effective_goals,
    goal_matches,
    placed_facts,
)
from .models import Enrollment, Flow, FlowVersion, VersionState
from .nodes import evaluate
from .nodes.wait import ORDER_PLACED_KIND
from .policy import installation_policies
from .priority import enrollment_intervals, is_marketing_flow, priority_blocker
from .selectors import ParsedVersion, flow_version_parsed
from .triggers.common import SINCE, entry_views
from .triggers.replay import OrderBook, ReplayHit, replay_hits

DEFER_REASONS = (Reason.QUIET_HOURS, Reason.SEND_WINDOW, Reason.FREQUENCY_CAP)
RUNNING = "running"  # still open at the horizon
FAILED_DEFINITION = "failed_definition"


@dataclass
class SimulationReport:
    flow_id: int
    version_id: int
    start: datetime
    end: datetime
    horizon: timedelta
    events_read: int = 0
    triggered: int = 0  # entries the trigger asked for
    entries: Counter = field(default_factory=Counter)  # EntryReason -> count
    enrollments: int = 0  # projected enrollments (held-out ones not included)
    holdouts: int = 0
    not_due_yet: int = 0  # abandonments still idle at the end of the window
    baseline_members: int = 0  # segment members recorded without entering
    sends: Counter = field(default_factory=Counter)  # send node id -> messages
    actions: Counter = field(default_factory=Counter)  # action node id -> effects
    skips: Counter = field(default_factory=Counter)  # (node id, reason) -> count
    deferrals: Counter = field(default_factory=Counter)  # quiet_hours/send_window/cap -> count
    finished: Counter = field(default_factory=Counter)  # finish reason ("running") -> count
    conversions: int = 0
    revenue: Counter = field(default_factory=Counter)  # currency -> Decimal
    holdout_conversions: int = 0
    overlaps: Counter = field(default_factory=Counter)  # other flow id -> enrollments


@dataclass
class _Run:
    id: int
    contact_id: int
    entered_at: datetime
    context: dict[str, Any]
    node: str
    goal: tuple[datetime, str, GoalFact] | None  # the first ending goal: (at, reason, fact)
    converted: GoalFact | None  # the first goal reached, ending or not
    node_entered_at: datetime
    step_seq: int = 0
    messages: dict[str, dict[str, datetime]] = field(default_factory=dict)
    awaiting: tuple[str | None, bool] | None = None  # (label, whether the event came)
    wake_at: datetime | None = None


class _Simulation:
    def __init__(self, flow: Flow, parsed: ParsedVersion, start, end, horizon) -> None:
        self.flow, self.parsed = flow, parsed
        self.graph, self.settings = parsed.graph, parsed.settings
        self.trigger = parsed.graph.trigger.params
        self.start, self.end, self.horizon = start, end, horizon
        self.report = SimulationReport(flow.pk, parsed.version_id, start, end, horizon)
        self.book = OrderBook.load(flow.installation_id)
        self.policy = installation_policies([flow.installation_id])[flow.installation_id]
        self.cap = self.policy.cap if self.settings.frequency_cap else None
        self.sends: dict[int, list[datetime]] = {}
        self.queue: list[tuple[datetime, int, _Run]] = []
        self.ids = itertools.count(1)

    # Loading what is real

    def load(self, hits: list[ReplayHit]) -> None:
        contact_ids = sorted({hit.contact_id for hit in hits})
        filters = [self.settings.entry_filter]
        self.views: dict[int, ContactView] = entry_views(
            contact_ids, now=self.end, predicates=filters
        )
        self.others = enrollment_intervals(contact_ids, exclude_flow_id=self.flow.pk)
        earlier = Enrollment.objects.filter(
            flow=self.flow, contact_id__in=contact_ids, created_at__lt=self.start
        )
        self.last_entry: dict[int, datetime] = {}
        self.keys: set[tuple[int, str]] = set()
        for contact_id, key, created in earlier.values_list(
            "contact_id", "entry_key", "created_at"
        ):
            self.keys.add((contact_id, key))
            self.last_entry[contact_id] = max(created, self.last_entry.get(contact_id, created))
        if self.cap is not None:
            messages = Message.objects.filter(
                contact_id__in=contact_ids,
                counts_towards_cap=True,
                created_at__gte=self.start - self.cap.window,
            ).exclude(status__in=[MessageStatus.FAILED, MessageStatus.SKIPPED])
            messages = messages.exclude(enrollment__flow=self.flow)
            for contact_id, created in messages.values_list("contact_id", "created_at"):
                self.sends.setdefault(contact_id, []).append(created)

    def view_at(self, contact_id: int, moment: datetime) -> ContactView:
        """The contact now, with the order facts they had at `moment`."""
        view = self.views[contact_id]
        orders = [
            order
            for order in self.book.by_contact.get(contact_id, [])
            if order.counted and order.created_at <= moment
        ]
        spend: Counter = Counter()
        for order in orders:
            spend[order.currency] += order.amount
        return replace(
            view,
            order_count=len(orders),
            first_order_at=orders[0].created_at if orders else None,
            last_order_at=orders[-1].created_at if orders else None,
            spend=dict(spend),
        )

    # Entry

    def enter(self, hit: ReplayHit) -> None:
        report, contact_id = self.report, hit.contact_id
        report.triggered += 1
        if contact_id not in self.views:
            return
        others = self.others.get(contact_id, [])
        open_flows = [i.flow for i in others if i.open_at(hit.at)]
        history = EntryHistory(
            last_entry_at=self.last_entry.get(contact_id),
            key_entered=bool(hit.entry_key) and (contact_id, hit.entry_key) in self.keys,
            blocker=priority_blocker(
                priority=self.settings.priority,
                marketing=is_marketing_flow(self.graph),
                open_flows=open_flows,
            ),
        )
        decision = entry_decide(
            settings=self.settings,
            flow_id=self.flow.pk,
            contact=self.view_at(contact_id, hit.at),
            context=hit.context,
            now=hit.at,
            history=history,
        )
        report.entries[decision.reason] += 1
        if not decision.enters:
            return
        self.last_entry[contact_id] = hit.at
        self.keys.add((contact_id, hit.entry_key))
        goal, converted = self.goals(hit)
        if decision.holdout:
            report.holdouts += 1
            within = converted is not None and converted.at <= hit.at + self.horizon
            report.holdout_conversions += within
            return
        report.enrollments += 1
        run = _Run(
            next(self.ids), contact_id, hit.at, hit.context, self.graph.trigger.id,
            goal, converted, hit.at,
        )  # fmt: skip
        self.push(run, hit.at)

    def goals(self, hit: ReplayHit) -> tuple[tuple[datetime, str, GoalFact] | None, Any]:
        """The first ending goal and the first goal of any kind the history meets."""
        goals = {g.event: g for g in effective_goals(self.settings, self.trigger.event)}
        email = self.views[hit.contact_id].email
        since = datetime.fromisoformat(hit.context.get(SINCE) or hit.at.isoformat())
        target = GoalTarget(
            hit.contact_id, email, self.trigger.event, hit.entry_key, since, hit.context
        )
        checkouts = {hit.entry_key, (hit.context.get("checkout") or {}).get("id")}
        orders = {o.saleor_id: o for o in self.book.of_person(hit.contact_id, email)}
        for checkout_id in filter(None, checkouts):
            orders.update({o.saleor_id: o for o in self.book.by_checkout.get(checkout_id, [])})
        facts = []
        for order in orders.values():
            if order.placed and order.created_at >= hit.at:
                conversion = {"total": order.total, "currency": order.currency}
                facts += placed_facts(
                    at=order.created_at,
                    contact_id=order.contact_id,
                    email=order.email,
                    order_id=order.saleor_id,
                    checkout_id=order.checkout_id,
                    conversion={"order_id": order.saleor_id, **conversion},
                )
        reached = sorted(
            (f for f in facts if f.kind in goals and goal_matches(f, target)), key=lambda f: f.at
        )
        ending = next((f for f in reached if goals[f.kind].ends), None)
        goal = (ending.at, f"{GOAL_REASON_PREFIX}{ending.kind}", ending) if ending else None
        return goal, (reached[0] if reached else None)

    # Running

    def push(self, run: _Run, wake_at: datetime) -> None:
        run.wake_at = wake_at
        due = min(filter(None, (wake_at, run.goal[0] if run.goal else None)))
        due = min(due, run.entered_at + self.horizon)
        heapq.heappush(self.queue, (due, run.id, run))

    def run_all(self) -> None:
        while self.queue:
            moment, _, run = heapq.heappop(self.queue)
            if run.goal is not None and run.goal[0] <= moment:
                self.finish(run, run.goal[1], run.goal[0])
            elif moment < run.wake_at:
                self.finish(run, RUNNING, moment)  # the horizon came first
            else:
                wake_at = self.advance(run, moment)
                if wake_at is not None:
                    self.push(run, wake_at)

    def finish(self, run: _Run, reason: str, moment: datetime) -> None:
        report = self.report
        report.finished[reason] += 1
        converted = run.converted
        if converted is not None and converted.at <= moment:
            report.conversions += 1
            conversion = converted.conversion or {}
            report.revenue[conversion.get("currency", "")] += Decimal(conversion.get("total", 0))
        others = self.others.get(run.contact_id, [])
        report.overlaps.update(
            {i.flow.flow_id for i in others if i.overlaps(run.entered_at, moment)}
        )

    def context(self, run: _Run, moment: datetime) -> NodeContext:
        # Real messages may lie after the simulated clock: only the past counts.
        sent = tuple(s for s in self.sends.get(run.contact_id, ()) if s <= moment)
        return NodeContext(
            enrollment_id=run.id,
            flow_id=self.flow.pk,
            step_seq=run.step_seq,
            node_entered_at=run.node_entered_at,
            contact=self.view_at(run.contact_id, moment),
            settings=self.settings,
            context=run.context,
            messages=run.messages,
            recent_marketing_sends=sent,
            cap=self.cap,
            installation_timezone=self.policy.timezone,
            installation_quiet_hours=self.policy.quiet_hours,
        )

    def follow(self, run: _Run, label: str, moment: datetime) -> bool:
        target = self.graph.target(run.node, label)
        if target is None:
            self.finish(run, FAILED_DEFINITION, moment)
            return False
        run.node, run.node_entered_at, run.step_seq = target, moment, run.step_seq + 1
        return True

    def advance(self, run: _Run, moment: datetime) -> datetime | None:
        """Evaluate nodes like the engine does; the next wake time, or None when done."""
        if run.awaiting is not None:
            (label, _), run.awaiting = run.awaiting, None
            if label is not None and not self.follow(run, label, moment):
                return None
        report = self.report
        for _ in range(len(self.graph.nodes) + 1):
            node = self.graph.nodes.get(run.node)
            if node is None:
                self.finish(run, FAILED_DEFINITION, moment)
                return None
            decision = evaluate(node, self.context(run, moment), moment)
            if isinstance(decision, Finish):
                self.finish(run, decision.reason, moment)
                return None
            if isinstance(decision, SleepUntil):
                if decision.reason in DEFER_REASONS:
                    report.deferrals[decision.reason] += 1
                run.awaiting = (decision.label, False)
                return decision.until
            if isinstance(decision, AwaitEvent):
                return self.wait_event(run, decision, moment)
            if isinstance(decision, Send):
                report.sends[node.id] += 1
                run.messages[node.id] = {"sent": moment, "delivered": moment}
                if getattr(node.params, "marketing", True) and self.settings.frequency_cap:
                    self.sends.setdefault(run.contact_id, []).append(moment)
            elif isinstance(decision, Act):
                report.actions[node.id] += 1
            elif isinstance(decision, Skip):
                report.skips[(node.id, decision.reason)] += 1
            assert isinstance(decision, Goto | Send | Act | Skip), decision
            if not self.follow(run, decision.label, moment):
                return None
        self.finish(run, FAILED_DEFINITION, moment)
        return None

    def wait_event(self, run: _Run, decision: AwaitEvent, moment: datetime) -> datetime:
        """Only orders can come: the first one by the person within the wait."""
        if decision.kind == ORDER_PLACED_KIND:
            email = self.views[run.contact_id].email
            for order in self.book.of_person(run.contact_id, email):
                if order.placed and moment < order.created_at <= decision.until:
                    run.awaiting = (decision.on_event, True)
                    return order.created_at
        run.awaiting = (decision.on_timeout, False)
        return decision.until


def _draft(flow: Flow, version: FlowVersion | None) -> FlowVersion:
    if version is not None:
        if version.flow_id != flow.pk:
            raise ValueError("the version belongs to another flow")
        return version
    draft = flow.versions.filter(state=VersionState.DRAFT).first()
    if draft is None:
        raise ValueError("the flow has no draft to simulate")
    return draft


def flow_simulate(
    *,
    flow: Flow,
    days: int,
    now: datetime | None = None,
    version: FlowVersion | None = None,
    horizon_days: int = 30,
) -> SimulationReport:
    """Simulate the flow's draft (or `version`) over the last `days` days. Writes nothing."""
    if not 1 <= days <= 366:
        raise ValueError("days must be between 1 and 366")
    end = now or timezone.now()
    start = end - timedelta(days=days)
    with transaction.atomic():
        parsed = flow_version_parsed(_draft(flow, version).pk)
        simulation = _Simulation(flow, parsed, start, end, timedelta(days=horizon_days))
        replay = replay_hits(
            installation=flow.installation,
            params=simulation.trigger,
            start=start,
            end=end,
            book=simulation.book,
        )
        report = simulation.report
        report.events_read = replay.events_read
        report.not_due_yet = replay.not_due_yet
        report.baseline_members = replay.baseline_members
        simulation.load(replay.hits)
        for hit in replay.hits:
            simulation.enter(hit)
        simulation.run_all()
        transaction.set_rollback(True)
    return report
