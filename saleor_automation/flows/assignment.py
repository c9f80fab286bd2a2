"""Deterministic cohort assignment: holdouts and A/B splits.

Both hash a key with sha256 into one of 10,000 buckets, so an assignment never changes on
retry, needs no stored random state and is the same on every worker. The two use different
salts so that being held out says nothing about which split branch a contact gets.

Keys the runtime should use:
- holdout: f"{flow_id}:{contact_id}", so a contact who re-enters a flow stays on the same
  side of the holdout and the comparison stays clean;
- split: f"{enrollment_id}:{node_id}" (what nodes/split.py passes).
"""

import hashlib
from collections.abc import Sequence

__all__ = ["BUCKETS", "bucket", "in_holdout", "split_branch"]

BUCKETS = 10_000  # 0.01 % resolution: percentages are whole numbers, so this is exact


def bucket(key: str, salt: str = "") -> int:
    """The key's bucket in [0, BUCKETS)."""
    digest = hashlib.sha256(f"{salt}{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def in_holdout(enrollment_key: str, percent: int) -> bool:
    """True for about `percent` % of keys (0-100)."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    return bucket(enrollment_key, salt="holdout:") < percent * BUCKETS // 100


def split_branch(key: str, branches: Sequence[tuple[str, int]]) -> str:
    """The label of the branch `key` falls in; `branches` are (label, percent) pairs whose
    percentages sum to 100. Order matters: keep the order the flow defines."""
    if not branches or sum(percent for _, percent in branches) != 100:
        raise ValueError("branch percentages must sum to 100")
    position = bucket(key, salt="split:")
    upper = 0
    for label, percent in branches:
        upper += percent * BUCKETS // 100
        if position < upper:
            return label
    raise AssertionError("unreachable: the bounds add up to BUCKETS")
