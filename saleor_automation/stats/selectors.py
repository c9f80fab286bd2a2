"""Reading the counters.

    flow_stats(installation, flow_id, *, since, until) -> {"nodes", "total", "revenue", ...}
    flow_timeseries(installation, flow_id, since, until) -> [{"day", metrics..., "revenue"}]

Days are UTC dates, both bounds included. Counts are ints, revenue Decimals per currency.
"waiting" is live (enrollments waiting at the node now), not a counter.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from ..flows.models import Enrollment, EnrollmentStatus
from ..saleor.models import Installation
from .counters import CONVERSION_METRICS, COUNT_METRICS, REVENUE_METRICS
from .models import StatsCounter


def _rows(installation: Installation, flow_id: int, since: date, until: date, *group: str):
    return (
        StatsCounter.objects.filter(
            installation=installation, flow_id=flow_id, day__gte=since, day__lte=until
        )
        .values(*group, "metric", "currency")
        .annotate(total=Sum("value"))
        .order_by()
    )


def _zeros() -> dict[str, Any]:
    counts: dict[str, Any] = dict.fromkeys((*COUNT_METRICS, *CONVERSION_METRICS), 0)
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
    """Per-node counts ({node_id: {metric: n, "waiting": n}}) and the flow's totals
    (node counts summed, conversions, revenue per currency, waiting)."""
    nodes: dict[str, dict[str, Any]] = {}
    total = _zeros()
    for row in _rows(installation, flow_id, since, until, "node_id"):
        if row["node_id"]:
            node = nodes.setdefault(row["node_id"], {**_zeros(), "waiting": 0})
            _add(node, row["metric"], row["currency"], row["total"])
        _add(total, row["metric"], row["currency"], row["total"])
    waiting = flow_waiting(installation, flow_id)
    for node_id, n in waiting.items():
        nodes.setdefault(node_id, {**_zeros(), "waiting": 0})["waiting"] = n
    total["waiting"] = sum(waiting.values())
    for node in nodes.values():
        for metric in (*CONVERSION_METRICS, *REVENUE_METRICS):
            node.pop(metric)  # conversions belong to the flow, not to a node
    return {"nodes": nodes, "total": total}


def flow_timeseries(
    installation: Installation, flow_id: int, since: date, until: date
) -> list[dict[str, Any]]:
    """One entry per day from since to until (days without activity are zeros)."""
    days: dict[date, dict[str, Any]] = defaultdict(_zeros)
    for row in _rows(installation, flow_id, since, until, "day"):
        _add(days[row["day"]], row["metric"], row["currency"], row["total"])
    series = []
    day = since
    while day <= until:
        series.append({"day": day, **days[day]})
        day += timedelta(days=1)
    return series
