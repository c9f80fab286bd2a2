"""Frequency caps: at most `max_messages` marketing messages to one contact per rolling
`window`, shared by every flow that takes part in capping.

The window is half-open: a message sent exactly `window` ago no longer counts, so with
"1 per 24 h" a message at 10:00 allows the next one at 10:00 the next day.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

__all__ = ["CapRule", "cap_next_allowed", "parse_cap_rule"]


@dataclass(frozen=True)
class CapRule:
    max_messages: int
    window: timedelta

    def __post_init__(self) -> None:
        if self.max_messages < 1:
            raise ValueError("max_messages must be at least 1")
        if self.window <= timedelta(0):
            raise ValueError("window must be positive")


def parse_cap_rule(data: Mapping[str, Any]) -> CapRule:
    """A cap from installation settings JSON: {"max_messages": 3, "window_hours": 24} (or
    "window_days"). Raises ValueError naming the bad key."""
    max_messages = data.get("max_messages")
    if not isinstance(max_messages, int) or isinstance(max_messages, bool) or max_messages < 1:
        raise ValueError("max_messages: must be an integer of at least 1")
    hours, days = data.get("window_hours", 0), data.get("window_days", 0)
    for key, value in (("window_hours", hours), ("window_days", days)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{key}: must be a non-negative integer")
    window = timedelta(hours=hours, days=days)
    if not window:
        raise ValueError("window_hours: give window_hours or window_days")
    return CapRule(max_messages=max_messages, window=window)


def cap_next_allowed(recent_sends: Iterable[datetime], rule: CapRule, now: datetime) -> datetime:
    """`now` when another message fits under the cap, else the first moment it will.

    Assumes nothing else is sent meanwhile; a deferred send re-checks when it wakes.
    """
    in_window = sorted(sent for sent in recent_sends if sent > now - rule.window)
    if len(in_window) < rule.max_messages:
        return now
    # Once the message `max_messages` places from the newest leaves the window, one fewer than
    # the cap remains in it.
    return in_window[len(in_window) - rule.max_messages] + rule.window
