"""A/B split results and holdout lift, as fields of FlowStats (stats/experiments.py has
the rules). Each is computed only when asked for."""

from typing import Any

import strawberry

from ...stats.experiments import (
    BranchResult,
    HoldoutResult,
    ProportionTest,
    SplitResult,
    flow_holdout,
    flow_splits,
)
from ..context import Info


@strawberry.type
class _Confidence:
    """A two-sided two-proportion z-test of a rate against its control's. z, pValue and
    confidence (1 - pValue) are null when a side has no enrollments. `significant`: 95 %
    confidence with at least 30 enrollments on both sides (`sampleTooSmall` says when
    there were fewer)."""

    z: float | None
    p_value: float | None
    confidence: float | None
    significant: bool
    sample_too_small: bool


def _test_fields(test: ProportionTest | None) -> dict[str, Any]:
    if test is None:
        return {
            "z": None,
            "p_value": None,
            "confidence": None,
            "significant": False,
            "sample_too_small": False,
        }
    return {
        "z": test.z,
        "p_value": test.p_value,
        "confidence": test.confidence,
        "significant": test.significant,
        "sample_too_small": test.sample_too_small,
    }


@strawberry.type(name="FlowSplitBranch")
class FlowSplitBranchType(_Confidence):
    """One branch of a split: the enrollments that took it in the period, those of them
    that reached the flow's goal after the split, and the messages they were sent after it.
    Rates are fractions (0.25 = 25 %); `difference` is this rate minus the control's,
    `relativeDifference` that over the control's rate (null when it is 0). The control
    itself has no difference and no test: those fields are null, `significant` false."""

    label: str
    is_control: bool
    entered: int
    converted: int
    rate: float | None
    sent: int
    opened: int
    clicked: int
    difference: float | None
    relative_difference: float | None

    @classmethod
    def of(cls, result: BranchResult) -> "FlowSplitBranchType":
        counts = result.counts
        return cls(
            label=counts.label,
            is_control=result.is_control,
            entered=counts.entered,
            converted=counts.converted,
            rate=result.rate,
            sent=counts.sent,
            opened=counts.opened,
            clicked=counts.clicked,
            difference=result.difference,
            relative_difference=result.relative_difference,
            **_test_fields(result.test),
        )


@strawberry.type(name="FlowSplitResult")
class FlowSplitResultType:
    """A split node's branches, the first one (in the flow's definition) the control."""

    node_id: str
    branches: list[FlowSplitBranchType]

    @classmethod
    def of(cls, result: SplitResult) -> "FlowSplitResultType":
        return cls(
            node_id=result.node_id,
            branches=[FlowSplitBranchType.of(branch) for branch in result.branches],
        )


@strawberry.type(name="FlowHoldoutResult")
class FlowHoldoutResultType(_Confidence):
    """Treated enrollments against the held-out control group, both entered in the period
    and converted within the holdout window (30 days) of entry. `lift` is the treated rate
    minus the control rate, `relativeLift` that over the control rate (null when it is 0)."""

    treated_entered: int
    treated_converted: int
    treated_rate: float | None
    control_entered: int
    control_converted: int
    control_rate: float | None
    lift: float | None
    relative_lift: float | None

    @classmethod
    def of(cls, result: HoldoutResult) -> "FlowHoldoutResultType":
        return cls(
            treated_entered=result.treated_entered,
            treated_converted=result.treated_converted,
            treated_rate=result.treated_rate,
            control_entered=result.control_entered,
            control_converted=result.control_converted,
            control_rate=result.control_rate,
            lift=result.lift,
            relative_lift=result.relative_lift,
            **_test_fields(result.test),
        )


def resolve_splits(root: Any, info: Info) -> list[FlowSplitResultType]:
    """A/B split results per split node over the period (empty without splits)."""
    if root.flow_pk is None:
        return []
    splits = flow_splits(
        info.context.installation, root.flow_pk, since=root.since, until=root.until
    )
    return [FlowSplitResultType.of(split) for split in splits]


def resolve_holdout(root: Any, info: Info) -> FlowHoldoutResultType | None:
    """Holdout lift over the period; null when no enrollment was held out in it."""
    if root.flow_pk is None:
        return None
    result = flow_holdout(
        info.context.installation, root.flow_pk, since=root.since, until=root.until
    )
    return FlowHoldoutResultType.of(result) if result is not None else None
