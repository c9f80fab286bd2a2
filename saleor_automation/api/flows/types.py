"""Flows, their versions, validation issues, the dry-run report, stats and templates."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto, relay
from strawberry.scalars import JSON

from ...flows.definition import validate_graph, validate_settings
from ...flows.models import Flow, FlowStatus, FlowVersion, VersionState
from ...flows.nodes.params import DefinitionIssue
from ...flows.selectors import flow_version_list
from ...flows.simulation import SimulationReport
from ...flows.templates import FlowTemplate
from ...stats.counters import COUNT_METRICS
from ...stats.selectors import FlowActivity, flow_activity
from ..context import Info
from .experiments import (
    FlowHoldoutResultType,
    FlowSplitResultType,
    resolve_holdout,
    resolve_splits,
)

FlowStatusEnum = strawberry.enum(FlowStatus, name="FlowStatus")
VersionStateEnum = strawberry.enum(VersionState, name="FlowVersionState")


@strawberry.type(name="FlowIssue")
class FlowIssueType:
    """One problem of a graph or settings; `node_id` null: the flow as a whole."""

    node_id: str | None
    field: str
    message: str

    @classmethod
    def of(cls, issue: DefinitionIssue) -> "FlowIssueType":
        return cls(node_id=issue.node_id, field=issue.field, message=issue.message)


@strawberry.type(name="FlowValidationIssues")
class FlowValidationIssues:
    """A draft that was not saved or activated, with what is wrong, node by node."""

    issues: list[FlowIssueType]


@strawberry_django.type(FlowVersion, name="FlowVersion")
class FlowVersionType(relay.Node):
    number: auto
    state: VersionStateEnum
    graph: JSON
    settings: JSON
    created_at: auto
    activated_at: auto

    @strawberry_django.field(only=["graph", "settings"])
    def issues(self, info: Info) -> list[FlowIssueType]:
        """What keeps this version from being activated (always empty once activated)."""
        version: FlowVersion = self  # type: ignore[assignment]
        found = validate_graph(version.graph) + validate_settings(version.settings)
        return [FlowIssueType.of(issue) for issue in found]


VERSIONS_ATTR = "versions_newest_first"


def _versions(info: Info) -> Prefetch:
    # Versions share their flow's installation; the flows are already the caller's.
    return Prefetch(
        "versions", queryset=FlowVersion.objects.order_by("-number"), to_attr=VERSIONS_ATTR
    )


def _flow_versions(info: Info, flow: Flow) -> list[FlowVersion]:
    prefetched = getattr(flow, VERSIONS_ATTR, None)
    if prefetched is not None:
        return prefetched
    return list(flow_version_list(installation=info.context.installation, flow_id=flow.pk))


@strawberry_django.type(Flow, name="Flow")
class FlowType(relay.Node):
    name: auto
    status: FlowStatusEnum
    priority: auto
    created_at: auto
    updated_at: auto

    # All three read the flow's versions prefetched for the whole page in one query (the
    # optimizer merges the hints); a flow resolved on its own falls back to one query.
    @strawberry_django.field(
        only=["active_version_id", "installation_id"], prefetch_related=[_versions]
    )
    def active_version(self, info: Info) -> FlowVersionType | None:
        flow: Flow = self  # type: ignore[assignment]
        if flow.active_version_id is None:
            return None
        active = [v for v in _flow_versions(info, flow) if v.pk == flow.active_version_id]
        return active[0] if active else None  # type: ignore[return-value]

    @strawberry_django.field(only=["installation_id"], prefetch_related=[_versions])
    def draft_version(self, info: Info) -> FlowVersionType | None:
        """The version being edited; null until the first edit after an activation."""
        flow: Flow = self  # type: ignore[assignment]
        drafts = [v for v in _flow_versions(info, flow) if v.state == VersionState.DRAFT]
        return drafts[0] if drafts else None  # type: ignore[return-value]

    @strawberry_django.field(only=["installation_id"], prefetch_related=[_versions])
    def versions(self, info: Info) -> list[FlowVersionType]:
        """Every version, newest first."""
        flow: Flow = self  # type: ignore[assignment]
        return _flow_versions(info, flow)  # type: ignore[return-value]


@strawberry.type
class NodeCount:
    node_id: str
    count: int


@strawberry.type
class KeyCount:
    key: str
    count: int


@strawberry.type
class NodeReasonCount:
    node_id: str
    reason: str
    count: int


@strawberry.type
class Money:
    currency: str
    amount: Decimal


@strawberry.type(name="SimulationReport")
class SimulationReportType:
    """What the draft would have done over the stored history (flows/simulation.py)."""

    flow_id: relay.GlobalID
    version_id: relay.GlobalID
    start: datetime
    end: datetime
    horizon_days: float
    events_read: int
    triggered: int
    entries: list[KeyCount]
    enrollments: int
    holdouts: int
    not_due_yet: int
    baseline_members: int
    sends: list[NodeCount]
    actions: list[NodeCount]
    skips: list[NodeReasonCount]
    deferrals: list[KeyCount]
    finished: list[KeyCount]
    conversions: int
    revenue: list[Money]
    holdout_conversions: int
    overlaps: list[KeyCount]

    @classmethod
    def of(cls, report: SimulationReport) -> "SimulationReportType":
        def counts(counter: dict, make: type) -> list:
            field = "node_id" if make is NodeCount else "key"
            return [make(**{field: str(k), "count": v}) for k, v in sorted(counter.items())]

        return cls(
            flow_id=relay.GlobalID("Flow", str(report.flow_id)),
            version_id=relay.GlobalID("FlowVersion", str(report.version_id)),
            start=report.start,
            end=report.end,
            horizon_days=report.horizon.total_seconds() / 86400,
            events_read=report.events_read,
            triggered=report.triggered,
            entries=counts(report.entries, KeyCount),
            enrollments=report.enrollments,
            holdouts=report.holdouts,
            not_due_yet=report.not_due_yet,
            baseline_members=report.baseline_members,
            sends=counts(report.sends, NodeCount),
            actions=counts(report.actions, NodeCount),
            skips=[
                NodeReasonCount(node_id=node, reason=reason, count=count)
                for (node, reason), count in sorted(report.skips.items())
            ],
            deferrals=counts(report.deferrals, KeyCount),
            finished=counts(report.finished, KeyCount),
            conversions=report.conversions,
            revenue=[Money(currency=c, amount=a) for c, a in sorted(report.revenue.items())],
            holdout_conversions=report.holdout_conversions,
            overlaps=[
                KeyCount(key=str(relay.GlobalID("Flow", str(flow_id))), count=count)
                for flow_id, count in sorted(report.overlaps.items())
            ],
        )


def _money(amounts: dict[str, Decimal]) -> list[Money]:
    return [Money(currency=c, amount=a) for c, a in sorted(amounts.items())]


@strawberry.type
class _Counts:
    """The counters every stats row has (stats.counters.COUNT_METRICS)."""

    entered: int
    sent: int
    delivered: int
    opened: int
    clicked: int
    bounced: int
    complained: int
    unsubscribed: int


@strawberry.type
class _Attributed:
    attributed_orders: int = strawberry.field(
        description="Orders attributed to these messages (stats.attribution), each once; "
        "a cancelled order no longer counts."
    )
    revenue: list[Money] = strawberry.field(
        description="Attributed net revenue per currency (refunds deducted), on the days "
        "the orders were placed."
    )


@strawberry.type
class _Conversions(_Attributed):
    converted: int = strawberry.field(
        description="Enrollments that reached a goal (the conversion rate's numerator)."
    )
    holdout_converted: int = strawberry.field(
        description="Holdout (control group) enrollments that reached a goal."
    )


@strawberry.type(name="FlowNodeStats")
class FlowNodeStatsType(_Counts, _Attributed):
    """One node's counts over the period, the orders its messages won and their revenue;
    `waiting` is live (enrollments at the node now)."""

    node_id: str
    waiting: int


@strawberry.type(name="FlowStatsTotals")
class FlowStatsTotalsType(_Counts, _Conversions):
    """The flow's node counts and revenue summed, its goal conversions (the holdout ones
    are the control group's) and its attributed orders, each order once."""

    waiting: int


@strawberry.type(name="FlowStatsDay")
class FlowStatsDayType(_Counts, _Conversions):
    """One UTC day's counts (zeros for a day without activity)."""

    day: date


def _activity(root: Any, info: Info) -> FlowActivity:
    if root.flow_pk is None:
        return FlowActivity(first=None, last=None)
    return flow_activity(info.context.installation, root.flow_pk)


def resolve_first_activity(root: Any, info: Info) -> date | None:
    return _activity(root, info).first


def resolve_last_activity(root: Any, info: Info) -> date | None:
    return _activity(root, info).last


@strawberry.type(name="FlowStats")
class FlowStatsType:
    """A flow's counters from `since` to `until` (UTC days, both included)."""

    since: date
    until: date
    nodes: list[FlowNodeStatsType]
    total: FlowStatsTotalsType
    timeseries: list[FlowStatsDayType]
    first_activity: date | None = strawberry.field(
        resolver=resolve_first_activity,
        description="The first UTC day anything happened in the flow (all time).",
    )
    last_activity: date | None = strawberry.field(
        resolver=resolve_last_activity,
        description="The last UTC day anything happened in the flow (all time).",
    )
    splits: list[FlowSplitResultType] = strawberry.field(resolver=resolve_splits)
    holdout: FlowHoldoutResultType | None = strawberry.field(resolver=resolve_holdout)
    # Set by the flowStats query: what splits and holdout read (api/flows/experiments.py).
    flow_pk: strawberry.Private[int | None] = None

    @classmethod
    def of(
        cls, *, since: date, until: date, stats: dict[str, Any], series: list[dict[str, Any]]
    ) -> "FlowStatsType":
        def counts(row: dict[str, Any]) -> dict[str, int]:
            return {metric: row[metric] for metric in COUNT_METRICS}

        def attributed(row: dict[str, Any]) -> dict[str, Any]:
            return {
                "attributed_orders": row["attributed_orders"],
                "revenue": _money(row["revenue"]),
            }

        def conversions(row: dict[str, Any]) -> dict[str, Any]:
            return {
                "converted": row["converted"],
                "holdout_converted": row["holdout_converted"],
                **attributed(row),
            }

        total = stats["total"]
        return cls(
            since=since,
            until=until,
            nodes=[
                FlowNodeStatsType(
                    node_id=node_id, waiting=row["waiting"], **counts(row), **attributed(row)
                )
                for node_id, row in sorted(stats["nodes"].items())
            ],
            total=FlowStatsTotalsType(
                waiting=total["waiting"], **counts(total), **conversions(total)
            ),
            timeseries=[
                FlowStatsDayType(day=row["day"], **counts(row), **conversions(row))
                for row in series
            ],
        )


@strawberry.type(name="FlowTemplate")
class FlowTemplateType:
    """A ready-made flow; flowCreateFromTemplate makes a draft of it."""

    key: str
    name: str
    description: str
    priority: int

    @classmethod
    def of(cls, template: FlowTemplate) -> "FlowTemplateType":
        return cls(
            key=template.key,
            name=template.name,
            description=template.description,
            priority=template.priority,
        )
