"""Local time for contacts: their time zone, local times of day, quiet hours and send
windows, and yearly dates such as birthdays. Every instant in and out is an aware datetime
(results are in UTC); local wall-clock times are `datetime.time` values.

DST rules, used everywhere here:
- a local time that does not exist (skipped by a spring-forward gap) means the first instant
  the clock shows that time or later, which is the end of the gap: 02:30 on Berlin's
  2026-03-29 is 03:00 CEST;
- a local time that happens twice (fall-back) means its first occurrence: 02:30 on
  Berlin's 2026-10-25 is 02:30 CEST, not CET;
- whether an instant is inside quiet hours or a send window is read off the local wall
  clock at that instant.

Weekdays are Python's: 0 = Monday ... 6 = Sunday.

Yearly dates: a 29 February date falls on 28 February in years without one (the day
before March, so a birthday message is never late and never skips a year).
"""

import functools
import zoneinfo
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

__all__ = [
    "UTC",
    "QuietHours",
    "SendWindow",
    "anniversary",
    "contact_timezone",
    "country_timezones",
    "get_zone",
    "is_allowed",
    "next_allowed",
    "next_anniversary",
    "next_local_time",
    "parse_annual_date",
    "parse_clock",
    "resolve_local",
]

# zone.tab lists a country's zones in geographic order, so for a few large countries the
# first one is not where most people live; these are the only corrections needed.
MOST_POPULOUS_ZONE = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "PS": "Asia/Hebron",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
}
# Every search for the next allowed moment looks this many local days ahead: a weekly send
# window always has an allowed moment within 8 days.
SEARCH_DAYS = 9


class HasTimezone(Protocol):
    timezone: str | None
    country: str


@dataclass(frozen=True)
class QuietHours:
    """No marketing sends from `start` until `end` local time; crosses midnight when
    end < start (21:00-08:00)."""

    start: time
    end: time

    def contains(self, clock: time) -> bool:
        if self.start <= self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end


@dataclass(frozen=True)
class SendWindow:
    """Marketing sends only on `days` between `start` and `end` local time. end < start
    crosses midnight (the part after midnight belongs to the day it started on); start ==
    end means the whole day."""

    days: frozenset[int]
    start: time
    end: time

    def contains(self, local: datetime) -> bool:
        clock, weekday = local.time(), local.weekday()
        if self.start == self.end:
            return weekday in self.days
        if self.start < self.end:
            return weekday in self.days and self.start <= clock < self.end
        return (weekday in self.days and clock >= self.start) or (
            (weekday - 1) % 7 in self.days and clock < self.end
        )


def parse_quiet_hours(value: str) -> QuietHours | None:
    """ "21:00-08:00" -> QuietHours; "" or "off" -> None. Raises ValueError when malformed."""
    text = value.strip()
    if text in ("", "off"):
        return None
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError('quiet hours are "HH:MM-HH:MM", e.g. 21:00-08:00')
    hours = QuietHours(start=parse_clock(start.strip()), end=parse_clock(end.strip()))
    if hours.start == hours.end:
        raise ValueError("quiet hours must not start and end at the same time")
    return hours


def parse_clock(value: Any) -> time:
    """ "HH:MM" (24-hour) as a time; raises ValueError otherwise."""
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise ValueError("must be a time of day as HH:MM")
    hours, minutes = value[:2], value[3:]
    if not (hours.isdigit() and minutes.isdigit()):
        raise ValueError("must be a time of day as HH:MM")
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError("must be a time of day between 00:00 and 23:59")
    return time(int(hours), int(minutes))


def get_zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone called `name`, or None when it is empty or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@functools.cache
def _zone_table() -> dict[str, tuple[str, ...]]:
    # The same sources zoneinfo itself uses, in its order: the system database, then the
    # `tzdata` package.
    text = None
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            break
    if text is None:
        try:
            text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
        except (ModuleNotFoundError, FileNotFoundError):
            return {}
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        columns = line.split("\t")
        if len(columns) >= 3:
            table.setdefault(columns[0], []).append(columns[2])
    return {country: tuple(zones) for country, zones in table.items()}


def country_timezones(country: str) -> tuple[str, ...]:
    """The zones of an ISO 3166 alpha-2 country, most populous first; () when unknown."""
    zones = _zone_table().get(country.strip().upper(), ())
    preferred = MOST_POPULOUS_ZONE.get(country.strip().upper())
    if preferred in zones:
        zones = (preferred, *(zone for zone in zones if zone != preferred))
    return zones


def contact_timezone(contact: HasTimezone, installation_timezone: str) -> ZoneInfo:
    """The contact's own zone if valid, else their country's most populous zone, else the
    installation's zone, else UTC."""
    zone = get_zone(contact.timezone)
    if zone is None and contact.country:
        for name in country_timezones(contact.country)[:1]:
            zone = get_zone(name)
    return zone or get_zone(installation_timezone) or ZoneInfo("UTC")


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def resolve_local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of local `clock` on `day` (DST rules in the module docstring)."""
    naive = datetime.combine(day, clock)
    # fold=0 is the first occurrence of an ambiguous time, as wanted.
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if _wall(first, tz) == naive:
        return first
    # In a gap the two folds land on either side of the transition; the transition is the
    # first instant whose wall clock reaches `naive`. Transitions fall on whole seconds.
    other = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = int(min(first, other).timestamp()), int(max(first, other).timestamp())
    while low < high:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), tz) >= naive:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(low, UTC)


def add_local_days(instant: datetime, days: int, tz: ZoneInfo) -> datetime:
    """`days` calendar days after `instant` on the same local wall clock in `tz`: a wait of
    a day that crosses a DST change still ends at the hour it began (23 or 25 hours).
    A wall clock that does not exist on the target day (a DST gap) resolves as in
    resolve_local."""
    _require_aware(instant)
    if not days:
        return instant
    wall = _wall(instant, tz)
    return resolve_local(wall.date() + timedelta(days=days), wall.time(), tz)


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")


def next_local_time(
    now: datetime, tz: ZoneInfo, clock: time, weekdays: Collection[int] | None = None
) -> datetime:
    """The first instant strictly after `now` at local `clock` on one of `weekdays` (any
    day when None or empty). Strictly after, so a wait in a loop always lets time pass."""
    _require_aware(now)
    today = now.astimezone(tz).date()
    for offset in range(-1, SEARCH_DAYS):
        day = today + timedelta(days=offset)
        if weekdays and day.weekday() not in weekdays:
            continue
        candidate = resolve_local(day, clock, tz)
        if candidate > now:
            return candidate
    raise ValueError("weekdays must be between 0 (Monday) and 6 (Sunday)")


def is_allowed(
    instant: datetime, tz: ZoneInfo, quiet_hours: QuietHours | None, send_window: SendWindow | None
) -> bool:
    """Whether a marketing message may go out at `instant`."""
    local = _wall(instant, tz)
    if quiet_hours is not None and quiet_hours.contains(local.time()):
        return False
    return send_window is None or send_window.contains(local)


def next_allowed(
    now: datetime, tz: ZoneInfo, quiet_hours: QuietHours | None, send_window: SendWindow | None
) -> datetime:
    """`now` if a marketing message may go out now, else the first instant it may.

    Allowed periods can only begin at `now`, at the end of quiet hours, at the start of a
    send window or at local midnight (where a whole-day window begins), so those are the
    only candidates to test.
    """
    _require_aware(now)
    if is_allowed(now, tz, quiet_hours, send_window):
        return now
    clocks = {time(0, 0)}
    if quiet_hours is not None:
        clocks.add(quiet_hours.end)
    if send_window is not None:
        clocks.add(send_window.start)
    today = now.astimezone(tz).date()
    candidates: set[datetime] = set()
    for offset in range(-1, SEARCH_DAYS):
        day = today + timedelta(days=offset)
        for clock in clocks:
            candidates.add(resolve_local(day, clock, tz))
            # The second occurrence too: quiet hours that end inside a repeated hour end
            # again after the clock goes back.
            second = datetime.combine(day, clock).replace(tzinfo=tz, fold=1)
            candidates.add(second.astimezone(UTC))
    for candidate in sorted(candidates):
        if candidate > now and is_allowed(candidate, tz, quiet_hours, send_window):
            return candidate
    raise ValueError("the send window lies entirely inside quiet hours")


def anniversary(month: int, day: int, year: int) -> date:
    """The date of a yearly (month, day) in `year`: 29 Feb is 28 Feb in common years."""
    if (month, day) == (2, 29):
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return date(year, month, day)


def next_anniversary(month: int, day: int, on_or_after: date) -> date:
    """The first date of a yearly (month, day) on or after `on_or_after`."""
    this_year = anniversary(month, day, on_or_after.year)
    if this_year >= on_or_after:
        return this_year
    return anniversary(month, day, on_or_after.year + 1)


def parse_annual_date(value: Any) -> tuple[int, int] | None:
    """(month, day) of a date, a datetime, or a string "YYYY-MM-DD", "MM-DD" or "--MM-DD"
    (how birthdays are kept in customer metadata); None when it is none of those."""
    if isinstance(value, date):
        return value.month, value.day
    if not isinstance(value, str):
        return None
    parts = value.strip().removeprefix("--").split("-")
    year = 2000  # a leap year, so a yearless 02-29 is accepted
    if len(parts) == 3 and len(parts[0]) == 4 and parts[0].isdigit():
        year = int(parts.pop(0))
    if len(parts) != 2 or not all(part.isdigit() and 1 <= len(part) <= 2 for part in parts):
        return None
    month, day = int(parts[0]), int(parts[1])
    try:
        date(year, month, day)
    except ValueError:
        return None
    return month, day
