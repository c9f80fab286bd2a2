"""The flow graph (FlowVersion.graph) and flow settings (FlowVersion.settings) as typed,
validated data. Pure: no database, no settings, no clock.

Graph JSON (schema_version 1; no other top-level keys):
    {"schema_version": 1,
     "nodes": [{"id": "trigger", "type": "trigger", "name": "optional title",
                "params": {...}}, ...],
     "edges": [{"source": "c1", "target": "e2", "label": "yes"}, ...]}
Node ids match [A-Za-z0-9_-]{1,64}. Durations are any of "minutes", "hours", "days"
(non-negative integers, added up, more than zero, at most 366 days); timeouts the same with a
"timeout_" prefix. Times of day are "HH:MM"; weekdays 0 = Monday ... 6 = Sunday.
Params per node type (required unless a default is shown; unknown keys are errors):
- trigger (exactly one, no incoming edges) -> "next". "event" and its own params:
  checkout_abandoned {idle_minutes: 60, 1..43200}; customer_created; account_confirmed;
  order_paid {first_order_only: false}; order_fulfilled; repeat_order;
  customer_metadata_changed {key, value: null = any change}; no_order_for_days {days:
  1..3650}; date_field {field: "birthday" or a metadata key, days_before: 0, 0..365};
  segment_entered {segment: a predicate over contact.* fields only}.
- wait, by "mode":
  duration: a duration, measured from node entry, or with "from": "delivered" | "opened" |
    "clicked" and "node": an upstream send node (opened: email only) from that message
    event; with "from" it also needs a timeout for the event -> "next" (+ "timeout").
  until_time: {"time": "HH:MM", "weekdays": [0..6] (optional)}: the contact's next local
    time of day -> "next".
  until_event: {"event": "message_delivered" | "message_opened" | "message_clicked" (with
    "node": an upstream send node) | "order_placed" | "consent_confirmed" (marketing consent,
    e.g. through a double opt-in link), timeout} -> "event", "timeout".
- send_email / send_sms: {message: an object (the messaging layer's), marketing: true,
  outside_window: "defer" | "skip" (default "defer")} -> "next". Marketing sends need
  consent and respect quiet hours, the send window and the frequency cap.
- condition: {predicate} -> "yes", "no".
- split: {branches: [{"label": "A", "percent": 50}, ...]}: 2..10 unique labels, whole
  percentages summing to 100 -> one edge per label.
- action: {kind, ...} -> "next". create_voucher {discount_type: "percent" | "fixed",
  value (> 0; percent at most 100; given back as a decimal string), valid_days: 1..365,
  channel: slug}; write_metadata {key, value: string, private: false}; add_to_group /
  move_to_group {group}; call_webhook {url: http(s)}.
- exit: {} (no outgoing edges).
Graph rules: unique ids, known types, one trigger, edges between existing nodes with labels
valid for their source, each required label exactly once, every node reachable from the
trigger, every cycle passes a wait that always lets time pass (duration from entry or
until_time), and message references (wait "node", predicates' message.<id>.*) name an
upstream send node.

Settings JSON (every key optional):
    {"entry_filter": predicate | null (contact.* and context.* fields),
     "reentry": "once" (default) | "once_per_days" (with "reentry_days": 1..3650) | "always",
     "goals": [{"event": "order_placed", "ends": true}, ...] (event in GoalEvent.ALL),
     "quiet_hours": {"start": "21:00", "end": "08:00"} | null (may cross midnight),
     "send_window": {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "20:00"} | null,
     "frequency_cap": true, "active_from": ISO datetime with offset | null,
     "active_until": likewise | null, "holdout_percent": 0..50 (default 0),
     "priority": 0..100 (default 50; lower runs first, see Priority)}
Times are in the contact's time zone (localtime.contact_timezone).
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from .localtime import QuietHours, SendWindow, next_allowed
from .nodes.params import DefinitionError, DefinitionIssue, ParamReader
from .predicates import Root

SCHEMA_VERSION = 1
ENTRY_FILTER_ROOTS = frozenset({Root.CONTACT, Root.CONTEXT})  # no messages before entry


class NodeType:
    TRIGGER = "trigger"
    WAIT = "wait"
    SEND_EMAIL = "send_email"
    SEND_SMS = "send_sms"
    CONDITION = "condition"
    SPLIT = "split"
    ACTION = "action"
    EXIT = "exit"
    ALL = (TRIGGER, WAIT, SEND_EMAIL, SEND_SMS, CONDITION, SPLIT, ACTION, EXIT)
    SENDS = frozenset({SEND_EMAIL, SEND_SMS})


class Reentry:
    ONCE = "once"
    ONCE_PER_DAYS = "once_per_days"
    ALWAYS = "always"
    ALL = (ONCE, ONCE_PER_DAYS, ALWAYS)


class GoalEvent:
    ORDER_PLACED = "order_placed"
    ORDER_PAID = "order_paid"
    ORDER_FULFILLED = "order_fulfilled"
    CHECKOUT_CONVERTED = "checkout_converted"
    ACCOUNT_CONFIRMED = "account_confirmed"
    ALL = (ORDER_PLACED, ORDER_PAID, ORDER_FULFILLED, CHECKOUT_CONVERTED, ACCOUNT_CONFIRMED)


class Priority:
    """Documented defaults for FlowSettings.priority (lower runs first)."""

    CHECKOUT_RECOVERY = 10
    BROWSE = 50
    NEWSLETTER = 90
    DEFAULT = 50


@dataclass(frozen=True)
class Node:
    id: str
    type: str
    params: Any  # the node type's params dataclass, e.g. nodes.wait.WaitParams
    name: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass(frozen=True)
class FlowGraph:
    schema_version: int
    nodes: Mapping[str, Node]
    edges: tuple[Edge, ...]
    trigger: Node
    _outgoing: Mapping[str, Mapping[str, str]] = field(init=False, repr=False, compare=False)
    _incoming: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        outgoing: dict[str, dict[str, str]] = {node_id: {} for node_id in self.nodes}
        incoming: dict[str, set[str]] = {node_id: set() for node_id in self.nodes}
        for edge in self.edges:
            outgoing[edge.source][edge.label] = edge.target
            incoming[edge.target].add(edge.source)
        object.__setattr__(self, "nodes", MappingProxyType(dict(self.nodes)))
        object.__setattr__(self, "_outgoing", {k: MappingProxyType(v) for k, v in outgoing.items()})
        object.__setattr__(self, "_incoming", {k: frozenset(v) for k, v in incoming.items()})

    def outgoing(self, node_id: str) -> Mapping[str, str]:
        """label -> target node id, for the node's outgoing edges."""
        return self._outgoing.get(node_id, MappingProxyType({}))

    def target(self, node_id: str, label: str) -> str | None:
        return self.outgoing(node_id).get(label)

    def upstream(self, node_id: str) -> set[str]:
        """Every node with a path to `node_id` (itself only when it is on a cycle)."""
        return walk(node_id, self._incoming)


def walk(node_id: str, adjacency: Mapping[str, Collection[str]]) -> set[str]:
    """Every node reachable from `node_id` along `adjacency` (itself only via a cycle)."""
    found: set[str] = set()
    stack = list(adjacency.get(node_id, ()))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(adjacency.get(current, ()))
    return found


def validate_graph(data: Any) -> list[DefinitionIssue]:
    """Every issue with a graph's JSON; [] when parse_graph accepts it."""
    return _build_graph(data)[1]


def parse_graph(data: Mapping[str, Any]) -> FlowGraph:
    """The typed graph; raises DefinitionError carrying every issue."""
    graph, issues = _build_graph(data)
    if graph is None:
        raise DefinitionError(issues)
    return graph


def _build_graph(data: Any) -> tuple[FlowGraph | None, list[DefinitionIssue]]:
    # Imported here: the checks module builds the types defined above.
    from .definition_checks import build_graph

    return build_graph(data)


@dataclass(frozen=True)
class Goal:
    event: str  # GoalEvent
    ends: bool = True  # False: counted as a conversion, the enrollment goes on


@dataclass(frozen=True, kw_only=True)
class FlowSettings:
    entry_filter: Mapping[str, Any] | None = None
    reentry: str = Reentry.ONCE
    reentry_days: int | None = None
    goals: tuple[Goal, ...] = ()
    quiet_hours: QuietHours | None = None
    send_window: SendWindow | None = None
    frequency_cap: bool = True
    active_from: datetime | None = None
    active_until: datetime | None = None
    holdout_percent: int = 0
    priority: int = Priority.DEFAULT

    def is_active(self, now: datetime) -> bool:
        """Whether `now` is inside the active date range (from inclusive, until exclusive)."""
        after_start = self.active_from is None or now >= self.active_from
        return after_start and (self.active_until is None or now < self.active_until)

    def allows_reentry(self, previous_entry_at: datetime | None, now: datetime) -> bool:
        """Whether a contact whose last enrollment began at `previous_entry_at` may enter
        again (one active enrollment per key is the runtime's own rule)."""
        if previous_entry_at is None or self.reentry == Reentry.ALWAYS:
            return True
        if self.reentry == Reentry.ONCE_PER_DAYS and self.reentry_days is not None:
            return now - previous_entry_at >= timedelta(days=self.reentry_days)
        return False

    def goal(self, event: str) -> Goal | None:
        return next((goal for goal in self.goals if goal.event == event), None)


def validate_settings(data: Any) -> list[DefinitionIssue]:
    """Every issue with a settings JSON; [] when parse_settings accepts it."""
    return _build_settings(data)[1]


def parse_settings(data: Mapping[str, Any] | None) -> FlowSettings:
    """Typed settings ({} or None gives the defaults); raises DefinitionError."""
    settings, issues = _build_settings(data)
    if issues:
        raise DefinitionError(issues)
    return settings


def _build_settings(data: Any) -> tuple[FlowSettings, list[DefinitionIssue]]:
    issues: list[DefinitionIssue] = []
    r = ParamReader(data, issues, node_id=None, prefix="")
    entry_filter = None
    if r.has("entry_filter"):
        entry_filter = r.predicate("entry_filter", roots=ENTRY_FILTER_ROOTS)
    reentry = r.string("reentry", default=Reentry.ONCE, choices=Reentry.ALL)
    reentry_days = None
    if reentry == Reentry.ONCE_PER_DAYS:
        reentry_days = r.integer("reentry_days", minimum=1, maximum=3650)
    goals: list[Goal] = []
    for g in r.items("goals", maximum=len(GoalEvent.ALL)):
        goal = Goal(g.string("event", choices=GoalEvent.ALL), g.boolean("ends", True))
        g.finish()
        if any(other.event == goal.event for other in goals):
            g.issue("event", "is already a goal")
        goals.append(goal)
    before = len(issues)
    quiet_hours = _quiet_hours(r.child("quiet_hours")) if r.has("quiet_hours") else None
    send_window = _send_window(r.child("send_window")) if r.has("send_window") else None
    windows_valid = len(issues) == before
    settings = FlowSettings(
        entry_filter=entry_filter,
        reentry=reentry,
        reentry_days=reentry_days,
        goals=tuple(goals),
        quiet_hours=quiet_hours,
        send_window=send_window,
        frequency_cap=r.boolean("frequency_cap", True),
        active_from=_moment(r, "active_from"),
        active_until=_moment(r, "active_until"),
        holdout_percent=r.integer("holdout_percent", minimum=0, maximum=50, default=0),
        priority=r.integer("priority", minimum=0, maximum=100, default=Priority.DEFAULT),
    )
    r.finish()
    start, end = settings.active_from, settings.active_until
    if start and end and start >= end:
        r.issue("active_until", "must be after active_from")
    if quiet_hours and send_window and windows_valid:
        try:
            next_allowed(
                datetime(2026, 1, 5, tzinfo=UTC), ZoneInfo("UTC"), quiet_hours, send_window
            )
        except ValueError:
            r.issue("send_window", "lies entirely inside quiet hours: nothing could be sent")
    return settings, issues


def _quiet_hours(r: ParamReader) -> QuietHours:
    quiet = QuietHours(start=r.clock("start"), end=r.clock("end"))
    r.finish()
    if quiet.start == quiet.end:
        r.issue("end", "must differ from start")
    return quiet


def _send_window(r: ParamReader) -> SendWindow:
    window = SendWindow(
        days=r.weekdays("days", default=list(range(7))), start=r.clock("start"), end=r.clock("end")
    )
    r.finish()
    return window


def _moment(r: ParamReader, key: str) -> datetime | None:
    value = r.raw(key)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        r.issue(key, "must be an ISO 8601 datetime with a UTC offset")
        return None
    return moment
