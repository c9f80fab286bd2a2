from datetime import timedelta

import pytest

from saleor_automation.flows.caps import CapRule, cap_next_allowed, parse_cap_rule

from .builders import NOW

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("max_messages", "window", "sends", "expected"),
    [
        (1, DAY, [], NOW),
        (1, DAY, [NOW - 2 * DAY], NOW),
        (1, DAY, [NOW - 3 * HOUR], NOW + 21 * HOUR),
        # Exactly a window ago no longer counts.
        (1, DAY, [NOW - DAY], NOW),
        (2, DAY, [NOW - HOUR], NOW),
        (2, DAY, [NOW - HOUR, NOW - 5 * HOUR], NOW + 19 * HOUR),
        # Three sends against a cap of two: the second newest has to leave.
        (2, DAY, [NOW - 10 * HOUR, NOW - HOUR, NOW - 5 * HOUR], NOW + 19 * HOUR),
        (3, 7 * DAY, [NOW - d * DAY for d in (1, 2, 3, 8)], NOW + 4 * DAY),
        # Order of the input does not matter.
        (2, DAY, [NOW - 5 * HOUR, NOW - HOUR], NOW + 19 * HOUR),
    ],
)
def test_cap_next_allowed(max_messages, window, sends, expected) -> None:
    rule = CapRule(max_messages, window)
    assert cap_next_allowed(sends, rule, NOW) == expected
    assert cap_next_allowed(iter(sends), rule, NOW) == expected


@pytest.mark.parametrize(("max_messages", "window"), [(0, DAY), (1, timedelta(0)), (1, -DAY)])
def test_invalid_rules(max_messages, window) -> None:
    with pytest.raises(ValueError):
        CapRule(max_messages, window)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"max_messages": 3, "window_hours": 24}, CapRule(3, DAY)),
        ({"max_messages": 1, "window_days": 7}, CapRule(1, 7 * DAY)),
        ({"max_messages": 2, "window_days": 1, "window_hours": 12}, CapRule(2, 36 * HOUR)),
    ],
)
def test_parse_cap_rule(data, expected) -> None:
    assert parse_cap_rule(data) == expected


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({}, "max_messages"),
        ({"max_messages": 0, "window_hours": 1}, "max_messages"),
        ({"max_messages": True, "window_hours": 1}, "max_messages"),
        ({"max_messages": 1}, "window_hours"),
        ({"max_messages": 1, "window_hours": -1}, "window_hours"),
        ({"max_messages": 1, "window_days": "7"}, "window_days"),
    ],
)
def test_parse_cap_rule_rejects(data, fragment) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_cap_rule(data)
