"""Priority between flows: nobody gets a pile of messages because they qualify for several
flows at once.

The rule (FlowSettings.priority, lower = more important; definition.Priority has the
documented defaults: checkout recovery 10, browse-style 50, newsletters 90):

- A flow's entry is *blocked* for a contact while that contact has an open enrollment in
  another active flow with a strictly lower priority number, when both flows send marketing
  messages. Flows of equal priority never block each other; a flow whose sends are all
  transactional (order confirmations...) never blocks and is never blocked. A holdout
  enrollment is finished at once and blocks nothing (in the world without the flow, the
  contact would have heard from the others).
- A blocked entry is *deferred*, not dropped: it is kept as a pending entry and tried again
  (entry gate and all) every RETRY until the blocker finishes, and given up after
  max_defer(trigger) (a day for time-bound triggers: a late cart reminder or birthday
  message is worse than none; three days otherwise).
- When one event starts several flows, they are tried in priority order (trigger_flows),
  so the most important enters first and the others see it.
- Only entry is governed: enrollments already running in a lower-priority flow go on
  (the shared frequency cap still spaces their sends).

    is_marketing_flow(graph) -> bool
    priority_blocker(*, priority, marketing, open_flows) -> int | None
    flow_blocker(*, flow, parsed, contact_id) -> int | None
    enrollment_intervals(contact_ids, *, exclude_flow_id) -> dict[int, list[OpenInterval]]
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .definition import FlowGraph, NodeType
from .models import OPEN_STATUSES, Enrollment, Flow, FlowStatus
from .nodes.trigger import TriggerEvent
from .selectors import ParsedVersion, flow_version_parsed

RETRY = timedelta(minutes=15)
MAX_DEFER = timedelta(days=3)
TIME_BOUND_MAX_DEFER = timedelta(days=1)
TIME_BOUND = frozenset({TriggerEvent.CHECKOUT_ABANDONED, TriggerEvent.DATE_FIELD})


@dataclass(frozen=True)
class OpenFlow:
    """Another flow in which the contact has an open enrollment."""

    flow_id: int
    priority: int
    marketing: bool


def is_marketing_flow(graph: FlowGraph) -> bool:
    """Whether any send node of the graph is a marketing send."""
    return any(
        node.type in NodeType.SENDS and getattr(node.params, "marketing", True)
        for node in graph.nodes.values()
    )


def max_defer(trigger: str) -> timedelta:
    return TIME_BOUND_MAX_DEFER if trigger in TIME_BOUND else MAX_DEFER


def priority_blocker(
    *, priority: int, marketing: bool, open_flows: Iterable[OpenFlow]
) -> int | None:
    """The id of the most important flow that blocks an entry, or None (the rule above)."""
    if not marketing:
        return None
    blockers = sorted(
        (other.priority, other.flow_id)
        for other in open_flows
        if other.marketing and other.priority < priority
    )
    return blockers[0][1] if blockers else None


def open_flows(
    contact_id: int, *, exclude_flow_id: int, below: int | None = None
) -> list[OpenFlow]:
    """The active flows (other than one) holding an open, non-holdout enrollment of the
    contact; with `below`, only those with a lower priority number."""
    rows = Enrollment.objects.filter(
        contact_id=contact_id,
        status__in=OPEN_STATUSES,
        holdout=False,
        flow__status=FlowStatus.ACTIVE,
    ).exclude(flow_id=exclude_flow_id)
    if below is not None:
        rows = rows.filter(flow__priority__lt=below)
    found: dict[int, OpenFlow] = {}
    for flow_id, version_id, priority in rows.values_list(
        "flow_id", "version_id", "flow__priority"
    ).distinct():
        marketing = is_marketing_flow(flow_version_parsed(version_id).graph)
        known = found.get(flow_id)
        found[flow_id] = OpenFlow(flow_id, priority, marketing or bool(known and known.marketing))
    return list(found.values())


def flow_blocker(*, flow: Flow, parsed: ParsedVersion, contact_id: int) -> int | None:
    """The flow that blocks this contact's entry into `flow` now, if any."""
    marketing = is_marketing_flow(parsed.graph)
    if not marketing:
        return None
    candidates = open_flows(contact_id, exclude_flow_id=flow.pk, below=flow.priority)
    return priority_blocker(priority=flow.priority, marketing=marketing, open_flows=candidates)


@dataclass(frozen=True)
class OpenInterval:
    """When a contact's enrollment in another flow was open (end None: still open)."""

    flow: OpenFlow
    start: datetime
    end: datetime | None

    def open_at(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or self.end > moment)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start <= end and (self.end is None or self.end > start)


def enrollment_intervals(
    contact_ids: Collection[int], *, exclude_flow_id: int
) -> dict[int, list[OpenInterval]]:
    """Per contact, the non-holdout enrollments of the other active flows (for the dry
    run, which asks what was open when)."""
    rows = Enrollment.objects.filter(
        contact_id__in=list(contact_ids), holdout=False, flow__status=FlowStatus.ACTIVE
    ).exclude(flow_id=exclude_flow_id)
    found: dict[int, list[OpenInterval]] = {}
    for contact_id, flow_id, version_id, priority, created, finished in rows.values_list(
        "contact_id", "flow_id", "version_id", "flow__priority", "created_at", "finished_at"
    ):
        marketing = is_marketing_flow(flow_version_parsed(version_id).graph)
        interval = OpenInterval(OpenFlow(flow_id, priority, marketing), created, finished)
        found.setdefault(contact_id, []).append(interval)
    return found
