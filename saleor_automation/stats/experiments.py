"""A/B splits and the holdout: which branch converts better, and does the flow work at all.

    proportion_test(control, variant) -> ProportionTest
    split_results(branches) -> list[BranchResult]
    holdout_lift(*, treated, control) -> HoldoutResult
    flow_splits(installation, flow_id, *, since, until) -> list[SplitResult]
    flow_holdout(installation, flow_id, *, since, until) -> HoldoutResult | None

The math is plain functions of counts; the two selectors load the counts with three
aggregate queries (split steps, the messages downstream of them, holdout cohorts),
so a page asking only for one of the two pays only for it.

Rules:
- A split's branch is the label its StepRun followed (`outcome`). An enrollment counts for
  the branch when its split step was entered in the period (UTC days, both included), and
  converted when its goal conversion (Enrollment.converted_at) came at or after that step:
  a conversion before the split cannot be the branch's doing. Enrollments are counted once
  per branch even if a cycle took them through the split twice.
- The first branch of the split (in the flow's latest definition) is the control; every
  other branch is compared with it by a two-sided two-proportion z-test with the pooled
  rate (what R's prop.test without continuity correction and statsmodels'
  proportions_ztest compute). confidence = 1 - p.
- "significant" means p < 0.05 with at least MIN_SAMPLE enrollments on both sides: below
  that the normal approximation is not trustworthy, whatever p says.
- Holdout: enrollments that entered in the period, treated (holdout false) against control
  (holdout true), converted within HOLDOUT_WINDOW of entry on both sides - the window the
  goal matcher watches holdouts for, so both groups are measured over the same time.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q

from ..flows.definition import NodeType
from ..flows.goals import HOLDOUT_WINDOW
from ..flows.models import Enrollment, FlowVersion, StepRun, VersionState
from ..messaging.models import Message, MessageEvent, MessageEventKind
from ..saleor.models import Installation

__all__ = [
    "MIN_SAMPLE",
    "SIGNIFICANCE",
    "BranchCounts",
    "BranchResult",
    "HoldoutResult",
    "ProportionTest",
    "SplitResult",
    "flow_holdout",
    "flow_splits",
    "holdout_lift",
    "proportion_test",
    "split_results",
]

MIN_SAMPLE = 30  # enrollments per side below which nothing is called significant
SIGNIFICANCE = 0.05  # two-sided: "significant" means 95 % confidence


@dataclass(frozen=True)
class ProportionTest:
    """A variant's rate against a control's. `z`, `p_value` and `confidence` are None when
    either side has no enrollments (there is nothing to compare)."""

    z: float | None
    p_value: float | None
    confidence: float | None
    significant: bool
    sample_too_small: bool  # a side has fewer than MIN_SAMPLE enrollments


def rate(converted: int, entered: int) -> float | None:
    return converted / entered if entered else None


def proportion_test(control: tuple[int, int], variant: tuple[int, int]) -> ProportionTest:
    """Two-sided pooled two-proportion z-test; each side is (converted, entered)."""
    (x1, n1), (x2, n2) = control, variant
    if not 0 <= x1 <= n1 or not 0 <= x2 <= n2:
        raise ValueError("converted must be between 0 and entered")
    small = min(n1, n2) < MIN_SAMPLE
    if n1 == 0 or n2 == 0:
        return ProportionTest(None, None, None, significant=False, sample_too_small=True)
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        # Both sides all-converted or none-converted: identical, no evidence of a difference.
        return ProportionTest(0.0, 1.0, 0.0, significant=False, sample_too_small=small)
    z = (x2 / n2 - x1 / n1) / se
    p_value = math.erfc(abs(z) / math.sqrt(2))  # = 2 * (1 - Phi(|z|))
    return ProportionTest(
        z=z,
        p_value=p_value,
        confidence=1 - p_value,
        significant=p_value < SIGNIFICANCE and not small,
        sample_too_small=small,
    )


@dataclass(frozen=True)
class BranchCounts:
    label: str
    entered: int
    converted: int
    # Messages of those enrollments sent at or after the split (downstream of the branch).
    sent: int = 0
    opened: int = 0
    clicked: int = 0


@dataclass(frozen=True)
class BranchResult:
    counts: BranchCounts
    rate: float | None
    is_control: bool
    # This branch's rate minus the control's, and that relative to the control's rate;
    # None for the control itself, or when a rate is undefined (no enrollments).
    difference: float | None
    relative_difference: float | None
    test: ProportionTest | None  # None for the control


def split_results(branches: Sequence[BranchCounts]) -> list[BranchResult]:
    """Each branch against the first (the control)."""
    if not branches:
        return []
    control = branches[0]
    control_rate = rate(control.converted, control.entered)
    results = [BranchResult(control, control_rate, True, None, None, None)]
    for branch in branches[1:]:
        branch_rate = rate(branch.converted, branch.entered)
        difference = relative = None
        if branch_rate is not None and control_rate is not None:
            difference = branch_rate - control_rate
            relative = difference / control_rate if control_rate else None
        test = proportion_test(
            (control.converted, control.entered), (branch.converted, branch.entered)
        )
        results.append(BranchResult(branch, branch_rate, False, difference, relative, test))
    return results


@dataclass(frozen=True)
class HoldoutResult:
    treated_entered: int
    treated_converted: int
    treated_rate: float | None
    control_entered: int
    control_converted: int
    control_rate: float | None
    lift: float | None  # treated rate minus control rate (percentage points / 100)
    relative_lift: float | None  # lift over the control rate; None when that is 0
    test: ProportionTest


def holdout_lift(*, treated: tuple[int, int], control: tuple[int, int]) -> HoldoutResult:
    """The flow's effect: treated (converted, entered) against the held-out control."""
    treated_rate, control_rate = rate(*treated), rate(*control)
    lift = relative = None
    if treated_rate is not None and control_rate is not None:
        lift = treated_rate - control_rate
        relative = lift / control_rate if control_rate else None
    return HoldoutResult(
        treated_entered=treated[1],
        treated_converted=treated[0],
        treated_rate=treated_rate,
        control_entered=control[1],
        control_converted=control[0],
        control_rate=control_rate,
        lift=lift,
        relative_lift=relative,
        test=proportion_test(control, treated),
    )


@dataclass(frozen=True)
class SplitResult:
    node_id: str
    branches: list[BranchResult]


def _bounds(since: date, until: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(since, time.min, tzinfo=UTC),
        datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _split_labels(graphs: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Split node id -> branch labels in definition order, newest version first (a label
    only an older version had comes after the current ones). Read from the raw JSON: a
    version is valid when activated, but this must never fail on one."""
    labels: dict[str, list[str]] = {}
    for graph in graphs:
        for node in graph.get("nodes") or []:
            if not isinstance(node, dict) or node.get("type") != NodeType.SPLIT:
                continue
            known = labels.setdefault(str(node.get("id")), [])
            for branch in (node.get("params") or {}).get("branches") or []:
                label = branch.get("label") if isinstance(branch, dict) else None
                if isinstance(label, str) and label not in known:
                    known.append(label)
    return labels


def _split_counts(
    installation: Installation, flow_id: int, start: datetime, end: datetime
) -> dict[tuple[str, str], dict[str, int]]:
    steps = StepRun.objects.filter(
        installation=installation,
        enrollment__flow_id=flow_id,
        node_type=NodeType.SPLIT,
        entered_at__gte=start,
        entered_at__lt=end,
    )
    counts: dict[tuple[str, str], dict[str, int]] = {}
    rows = (
        steps.values("node_id", "outcome")
        .annotate(
            entered=Count("enrollment_id", distinct=True),
            converted=Count(
                "enrollment_id",
                distinct=True,
                filter=Q(enrollment__converted_at__gte=F("entered_at")),
            ),
        )
        .order_by()
    )
    for row in rows:
        counts[(row["node_id"], row["outcome"])] = {
            "entered": row["entered"],
            "converted": row["converted"],
        }

    def event(kind: str) -> Exists:
        return Exists(MessageEvent.objects.filter(message_id=OuterRef("pk"), kind=kind))

    # The messages of those enrollments queued at or after their split step: what each
    # branch sent. One row per (split, branch).
    messages = (
        Message.objects.filter(
            installation=installation,
            enrollment__flow_id=flow_id,
            enrollment__steps__node_type=NodeType.SPLIT,
            enrollment__steps__entered_at__gte=start,
            enrollment__steps__entered_at__lt=end,
            created_at__gte=F("enrollment__steps__entered_at"),
        )
        .annotate(was_opened=event(MessageEventKind.OPENED))
        .annotate(was_clicked=event(MessageEventKind.CLICKED))
        .values(split=F("enrollment__steps__node_id"), branch=F("enrollment__steps__outcome"))
        .annotate(
            sent=Count("id", distinct=True, filter=Q(sent_at__isnull=False)),
            opened=Count("id", distinct=True, filter=Q(was_opened=True)),
            clicked=Count("id", distinct=True, filter=Q(was_clicked=True)),
        )
        .order_by()
    )
    for row in messages:
        key = (row["split"], row["branch"])
        if key in counts:
            counts[key].update(sent=row["sent"], opened=row["opened"], clicked=row["clicked"])
    return counts


def _holdout_counts(
    installation: Installation, flow_id: int, start: datetime, end: datetime
) -> dict[bool, tuple[int, int]]:
    rows = (
        Enrollment.objects.filter(
            installation=installation, flow_id=flow_id, created_at__gte=start, created_at__lt=end
        )
        .values("holdout")
        .annotate(
            entered=Count("id"),
            converted=Count(
                "id",
                filter=Q(
                    converted_at__isnull=False,
                    converted_at__lte=F("created_at") + HOLDOUT_WINDOW,
                ),
            ),
        )
        .order_by()
    )
    return {row["holdout"]: (row["converted"], row["entered"]) for row in rows}


def flow_splits(
    installation: Installation, flow_id: int, *, since: date, until: date
) -> list[SplitResult]:
    """Each split node of the flow's activated versions, its branches compared with the
    control, for a period (UTC days, both included). Three queries."""
    start, end = _bounds(since, until)
    graphs = (
        FlowVersion.objects.filter(installation=installation, flow_id=flow_id)
        .exclude(state=VersionState.DRAFT)
        .order_by("-number")
        .values_list("graph", flat=True)
    )
    labels = _split_labels(list(graphs))
    counts = _split_counts(installation, flow_id, start, end)
    for node_id, label in counts:
        known = labels.setdefault(node_id, [])
        if label not in known:
            known.append(label)
    splits = []
    for node_id, node_labels in sorted(labels.items()):
        none = {"entered": 0, "converted": 0}
        branches = [
            BranchCounts(label=label, **counts.get((node_id, label), none)) for label in node_labels
        ]
        splits.append(SplitResult(node_id=node_id, branches=split_results(branches)))
    return splits


def flow_holdout(
    installation: Installation, flow_id: int, *, since: date, until: date
) -> HoldoutResult | None:
    """Treated against held-out enrollments that entered in the period; None when none was
    held out (no control group to compare with). One query."""
    start, end = _bounds(since, until)
    cohorts = _holdout_counts(installation, flow_id, start, end)
    if not cohorts.get(True):
        return None
    return holdout_lift(treated=cohorts.get(False, (0, 0)), control=cohorts[True])
