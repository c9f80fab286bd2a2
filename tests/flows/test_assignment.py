from collections import Counter

import pytest

from saleor_automation.flows.assignment import BUCKETS, bucket, in_holdout, split_branch

KEYS = [f"5:{contact_id}" for contact_id in range(10_000)]


@pytest.mark.parametrize("percent", [0, 1, 10, 25, 50, 100])
def test_holdout_distribution(percent) -> None:
    held = sum(in_holdout(key, percent) for key in KEYS)
    assert abs(held / len(KEYS) * 100 - percent) <= 2


@pytest.mark.parametrize(
    "branches",
    [
        [("A", 50), ("B", 50)],
        [("A", 20), ("B", 30), ("C", 50)],
        [("A", 33), ("B", 33), ("C", 34)],
        [("control", 10), ("treatment", 90)],
        [("never", 0), ("always", 100)],
    ],
)
def test_split_distribution(branches) -> None:
    counts = Counter(split_branch(key, branches) for key in KEYS)
    for label, percent in branches:
        assert abs(counts[label] / len(KEYS) * 100 - percent) <= 2, counts
    assert set(counts) <= {label for label, _ in branches}


def test_deterministic() -> None:
    assert [in_holdout(key, 30) for key in KEYS[:100]] == [
        in_holdout(key, 30) for key in KEYS[:100]
    ]
    branches = [("A", 50), ("B", 50)]
    assert [split_branch(k, branches) for k in KEYS[:100]] == [
        split_branch(k, branches) for k in KEYS[:100]
    ]
    assert 0 <= bucket("anything") < BUCKETS
    # A fixed key keeps its bucket across releases: assignments must never move.
    assert bucket("5:42") == bucket("5:42", salt="")


def test_holdout_and_split_are_independent() -> None:
    held = [key for key in KEYS if in_holdout(key, 50)]
    counts = Counter(split_branch(key, [("A", 50), ("B", 50)]) for key in held)
    assert abs(counts["A"] / len(held) - 0.5) < 0.03


@pytest.mark.parametrize("percent", [-1, 101])
def test_holdout_percent_range(percent) -> None:
    with pytest.raises(ValueError):
        in_holdout("k", percent)


@pytest.mark.parametrize("branches", [[], [("A", 50)], [("A", 60), ("B", 50)]])
def test_split_needs_100_percent(branches) -> None:
    with pytest.raises(ValueError):
        split_branch("k", branches)
