"""Reading the counters.

    flow_stats(installation, flow_id, *, since, until) -> {"nodes", "total", "revenue", ...}
    flow_timeseries(installation, flow_id, since, until) -> [{"day", metrics..., "revenue"}]
    flow_activity(installation, flow_id) -> FlowActivity (first and last day with activity)

Days are UTC dates, both bounds included. Counts are ints, revenue Decimals per currency.
"waiting" is live (enrollments waiting at the node now), not a counter. Nodes have
attributed_orders and revenue; the flow adds its goal conversions (converted,
holdout_converted) and counts attributed_orders once per order (not the nodes' sum).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum

from ..flows.models import Enrollment, EnrollmentStatus
from ..saleor.models import Installation
from .counters import (
    CONVERSION_METRICS,
    COUNT_METRICS,
    FLOW_ROW_METRICS,
    ORDER_METRICS,
    REVENUE_METRICS,
)
from .models import StatsCounter


def _rows(
    installation: Installation,
    flow_id: int,
    since: date,
    until: date,
    *group: str,
    flow_rows_only: bool = False,
):
    rows = StatsCounter.objects.filter(
        installation=installation, flow_id=flow_id, day__gte=since, day__lte=until
    )
    if flow_rows_only:  # the flow's own entries and orders, not the nodes' ones summed
        rows = rows.exclude(Q(metric__in=FLOW_ROW_METRICS) & ~Q(node_id=""))
    return rows.values(*group, "metric", "currency").annotate(total=Sum("value")).order_by()


def _zeros() -> dict[str, Any]:
    counts: dict[str, Any] = dict.fromkeys((*COUNT_METRICS, *CONVERSION_METRICS, *ORDER_METRICS), 0)
    counts.update({metric: {} for metric in REVENUE_METRICS})
    return counts


def _add(target: dict[str, Any], metric: str, currency: str, total: Decimal) -> None:
    if metric in REVENUE_METRICS:
        target[metric][currency] = target[metric].get(currency, Decimal(0)) + total
    elif metric in target:
        target[metric] += int(total)


def flow_waiting(installation: Installation, flow_id: int) -> dict[str, int]:
    """Enrollments waiting at each node now."""
    rows = (
        Enrollment.objects.filter(
            installation=installation, flow_id=flow_id, status=EnrollmentStatus.WAITING
        )
        .values("current_node")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["current_node"]: row["n"] for row in rows}


def flow_stats(
    installation: Installation, flow_id: int, *, since: date, until: date
) -> dict[str, Any]:
    """Per-node counts ({node_id: {metric: n, "waiting": n}}, attributed orders and revenue)
    and the flow's totals (node counts and revenue summed, goal conversions, attributed orders
    counted once per order, waiting)."""
    nodes: dict[str, dict[str, Any]] = {}
    total = _zeros()
    for row in _rows(installation, flow_id, since, until, "node_id"):
        if row["node_id"]:
            node = nodes.setdefault(row["node_id"], {**_zeros(), "waiting": 0})
            _add(node, row["metric"], row["currency"], row["total"])
            if row["metric"] in FLOW_ROW_METRICS:
                continue  # the flow's own (node "") row counts each entry and order once
        _add(total, row["metric"], row["currency"], row["total"])
    waiting = flow_waiting(installation, flow_id)
    for node_id, n in waiting.items():
        nodes.setdefault(node_id, {**_zeros(), "waiting": 0})["waiting"] = n
    total["waiting"] = sum(waiting.values())
    for node in nodes.values():
        for metric in CONVERSION_METRICS:
            node.pop(metric)  # goal conversions belong to the flow, not to a node
    return {"nodes": nodes, "total": total}


def flow_timeseries(
    installation: Installation, flow_id: int, since: date, until: date
) -> list[dict[str, Any]]:
    """One entry per day from since to until (days without activity are zeros)."""
    days: dict[date, dict[str, Any]] = defaultdict(_zeros)
    for row in _rows(installation, flow_id, since, until, "day", flow_rows_only=True):
        _add(days[row["day"]], row["metric"], row["currency"], row["total"])
    series = []
    day = since
    while day <= until:
        series.append({"day": day, **days[day]})
        day += timedelta(days=1)
    return series


@dataclass(frozen=True)
class FlowActivity:
    """The first and last UTC day the flow's counters saw anything (all time); None for a
    flow nothing happened in yet."""

    first: date | None
    last: date | None


def flow_activity(installation: Installation, flow_id: int) -> FlowActivity:
    # Rows are only kept while non-zero (stats.counters), so any row is real activity.
    bounds = StatsCounter.objects.filter(installation=installation, flow_id=flow_id).aggregate(
        first=Min("day"), last=Max("day")
    )
    return FlowActivity(first=bounds["first"], last=bounds["last"])
