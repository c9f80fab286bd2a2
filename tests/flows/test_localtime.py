"""Local times across zones east and west of UTC, DST both ways, and leap days."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from saleor_automation.flows.localtime import (
    UTC,
    QuietHours,
    SendWindow,
    anniversary,
    contact_timezone,
    country_timezones,
    get_zone,
    is_allowed,
    next_allowed,
    next_anniversary,
    next_local_time,
    parse_annual_date,
    parse_clock,
    resolve_local,
)

from .builders import at, contact

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("00:00", time(0, 0)), ("09:05", time(9, 5)), ("23:59", time(23, 59))],
)
def test_parse_clock(value, expected) -> None:
    assert parse_clock(value) == expected


@pytest.mark.parametrize("value", ["24:00", "9:00", "09:60", "0900", "ab:cd", "", None, 900])
def test_parse_clock_rejects(value) -> None:
    with pytest.raises(ValueError):
        parse_clock(value)


@pytest.mark.parametrize(
    ("zone", "day", "clock", "expected"),
    [
        ("Asia/Tokyo", date(2026, 1, 1), time(9), "2026-01-01T00:00:00+00:00"),
        ("Pacific/Auckland", date(2026, 1, 1), time(9), "2025-12-31T20:00:00+00:00"),  # NZDT
        ("Pacific/Auckland", date(2026, 7, 1), time(9), "2026-06-30T21:00:00+00:00"),  # NZST
        ("America/Los_Angeles", date(2026, 1, 1), time(9), "2026-01-01T17:00:00+00:00"),
        ("America/Los_Angeles", date(2026, 7, 1), time(9), "2026-07-01T16:00:00+00:00"),
        # Spring forward: the gap's times mean the end of the gap.
        ("Europe/Berlin", date(2026, 3, 29), time(2, 0), "2026-03-29T01:00:00+00:00"),
        ("Europe/Berlin", date(2026, 3, 29), time(2, 59), "2026-03-29T01:00:00+00:00"),
        ("Europe/Berlin", date(2026, 3, 29), time(3, 0), "2026-03-29T01:00:00+00:00"),
        ("Europe/Berlin", date(2026, 3, 29), time(1, 59), "2026-03-29T00:59:00+00:00"),
        ("America/New_York", date(2026, 3, 8), time(2, 30), "2026-03-08T07:00:00+00:00"),
        # Fall back: the first occurrence.
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), "2026-10-25T00:30:00+00:00"),
        ("America/New_York", date(2026, 11, 1), time(1, 30), "2026-11-01T05:30:00+00:00"),
        # Auckland springs forward at 02:00 on 2026-09-27.
        ("Pacific/Auckland", date(2026, 9, 27), time(2, 30), "2026-09-26T14:00:00+00:00"),
    ],
)
def test_resolve_local(zone, day, clock, expected) -> None:
    assert resolve_local(day, clock, ZoneInfo(zone)) == at(expected)


@pytest.mark.parametrize(
    ("zone", "now", "clock", "weekdays", "expected"),
    [
        ("Asia/Tokyo", "2026-06-15T08:59:00+09:00", time(9), None, "2026-06-15T09:00:00+09:00"),
        ("Asia/Tokyo", "2026-06-15T09:00:00+09:00", time(9), None, "2026-06-16T09:00:00+09:00"),
        (
            "Pacific/Auckland",
            "2026-06-15T12:00:00+00:00",
            time(9),
            None,
            "2026-06-16T09:00:00+12:00",
        ),
        (
            "America/Los_Angeles",
            "2026-06-15T23:30:00-07:00",
            time(9),
            None,
            "2026-06-16T09:00:00-07:00",
        ),
        # Monday now; only Fridays and Sundays allowed.
        (
            "America/Los_Angeles",
            "2026-06-15T10:00:00-07:00",
            time(9),
            [4, 6],
            "2026-06-19T09:00:00-07:00",
        ),
        # Sunday 10:00 in Tokyo is still Saturday in UTC: the local weekday counts.
        ("Asia/Tokyo", "2026-06-14T01:00:00+00:00", time(18), [6], "2026-06-14T18:00:00+09:00"),
        (
            "Europe/Berlin",
            "2026-03-28T20:00:00+01:00",
            time(2, 30),
            None,
            "2026-03-29T03:00:00+02:00",
        ),
        (
            "Europe/Berlin",
            "2026-10-24T20:00:00+02:00",
            time(2, 30),
            None,
            "2026-10-25T02:30:00+02:00",
        ),
        # Between the two 02:30s of the fall-back night: the next day's.
        (
            "Europe/Berlin",
            "2026-10-25T02:45:00+02:00",
            time(2, 30),
            None,
            "2026-10-26T02:30:00+01:00",
        ),
        (
            "America/New_York",
            "2026-03-07T22:00:00-05:00",
            time(9),
            None,
            "2026-03-08T09:00:00-04:00",
        ),
        (
            "America/New_York",
            "2026-10-31T22:00:00-04:00",
            time(9),
            None,
            "2026-11-01T09:00:00-05:00",
        ),
        # A whole week ahead when today's time has passed and only today's weekday is allowed.
        ("Europe/Berlin", "2026-06-15T10:00:00+02:00", time(9), [0], "2026-06-22T09:00:00+02:00"),
    ],
)
def test_next_local_time(zone, now, clock, weekdays, expected) -> None:
    result = next_local_time(at(now), ZoneInfo(zone), clock, weekdays)
    assert result == at(expected)
    assert result.tzinfo == UTC


def test_next_local_time_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_local_time(datetime(2026, 1, 1), BERLIN, time(9))


QUIET = QuietHours(time(21), time(8))
WEEKDAYS = SendWindow(frozenset(range(5)), time(9), time(20))


@pytest.mark.parametrize(
    ("zone", "now", "quiet", "window", "expected"),
    [
        ("Europe/Paris", "2026-06-15T12:00:00+02:00", QUIET, None, "2026-06-15T12:00:00+02:00"),
        ("Europe/Paris", "2026-06-15T21:00:00+02:00", QUIET, None, "2026-06-16T08:00:00+02:00"),
        ("Europe/Paris", "2026-06-15T23:30:00+02:00", QUIET, None, "2026-06-16T08:00:00+02:00"),
        ("Europe/Paris", "2026-06-16T00:30:00+02:00", QUIET, None, "2026-06-16T08:00:00+02:00"),
        ("Europe/Paris", "2026-06-16T07:59:00+02:00", QUIET, None, "2026-06-16T08:00:00+02:00"),
        ("Europe/Paris", "2026-06-16T08:00:00+02:00", QUIET, None, "2026-06-16T08:00:00+02:00"),
        # Quiet hours that do not cross midnight.
        (
            "Europe/Paris",
            "2026-06-15T13:00:00+02:00",
            QuietHours(time(12), time(14)),
            None,
            "2026-06-15T14:00:00+02:00",
        ),
        ("Asia/Tokyo", "2026-06-15T12:00:00+00:00", QUIET, None, "2026-06-16T08:00:00+09:00"),
        ("Pacific/Auckland", "2026-06-15T12:00:00+00:00", QUIET, None, "2026-06-16T08:00:00+12:00"),
        (
            "America/Los_Angeles",
            "2026-06-15T12:00:00+00:00",
            QUIET,
            None,
            "2026-06-15T08:00:00-07:00",
        ),
        # Quiet nights over DST: the morning is 08:00 on the new offset.
        ("Europe/Berlin", "2026-03-28T22:00:00+01:00", QUIET, None, "2026-03-29T08:00:00+02:00"),
        ("Europe/Berlin", "2026-10-24T22:00:00+02:00", QUIET, None, "2026-10-25T08:00:00+01:00"),
        ("America/New_York", "2026-03-07T23:00:00-05:00", QUIET, None, "2026-03-08T08:00:00-04:00"),
        ("America/New_York", "2026-10-31T23:00:00-04:00", QUIET, None, "2026-11-01T08:00:00-05:00"),
        # Quiet hours ending inside the spring gap end when the clock jumps past them.
        (
            "Europe/Berlin",
            "2026-03-29T01:30:00+01:00",
            QuietHours(time(21), time(2, 30)),
            None,
            "2026-03-29T03:00:00+02:00",
        ),
        # ... and ending inside the repeated hour end at its first and again at its second.
        (
            "Europe/Berlin",
            "2026-10-25T01:00:00+02:00",
            QuietHours(time(21), time(2, 30)),
            None,
            "2026-10-25T02:30:00+02:00",
        ),
        (
            "Europe/Berlin",
            "2026-10-25T02:10:00+01:00",
            QuietHours(time(21), time(2, 30)),
            None,
            "2026-10-25T02:30:00+01:00",
        ),
        # Send windows: the weekend waits for Monday 09:00.
        ("Europe/Paris", "2026-06-20T12:00:00+02:00", None, WEEKDAYS, "2026-06-22T09:00:00+02:00"),
        ("Europe/Paris", "2026-06-19T20:00:00+02:00", None, WEEKDAYS, "2026-06-22T09:00:00+02:00"),
        ("Europe/Paris", "2026-06-16T08:00:00+02:00", None, WEEKDAYS, "2026-06-16T09:00:00+02:00"),
        ("Europe/Paris", "2026-06-16T19:59:00+02:00", None, WEEKDAYS, "2026-06-16T19:59:00+02:00"),
        # A window crossing midnight belongs to the day it starts on (Friday night here).
        (
            "Europe/Paris",
            "2026-06-20T01:00:00+02:00",
            None,
            SendWindow(frozenset({4}), time(20), time(2)),
            "2026-06-20T01:00:00+02:00",
        ),
        (
            "Europe/Paris",
            "2026-06-20T03:00:00+02:00",
            None,
            SendWindow(frozenset({4}), time(20), time(2)),
            "2026-06-26T20:00:00+02:00",
        ),
        # start == end: the whole day.
        (
            "Europe/Paris",
            "2026-06-21T15:00:00+02:00",
            None,
            SendWindow(frozenset({0}), time(0), time(0)),
            "2026-06-22T00:00:00+02:00",
        ),
        # Both: open 07:00-22:00 but quiet from 21:00 to 08:00.
        (
            "Europe/Paris",
            "2026-06-16T21:30:00+02:00",
            QUIET,
            SendWindow(frozenset(range(7)), time(7), time(22)),
            "2026-06-17T08:00:00+02:00",
        ),
        ("Europe/Paris", "2026-06-19T21:30:00+02:00", QUIET, WEEKDAYS, "2026-06-22T09:00:00+02:00"),
    ],
)
def test_next_allowed(zone, now, quiet, window, expected) -> None:
    result = next_allowed(at(now), ZoneInfo(zone), quiet, window)
    assert result == at(expected)
    assert is_allowed(result, ZoneInfo(zone), quiet, window)
    if result > at(now):
        # Nothing in between was allowed (checked minute by minute).
        moment = at(now)
        while moment < result:
            assert not is_allowed(moment, ZoneInfo(zone), quiet, window), moment
            moment += timedelta(minutes=1)


def test_next_allowed_without_rules_is_now() -> None:
    now = at("2026-06-15T03:00:00+00:00")
    assert next_allowed(now, BERLIN, None, None) == now


def test_next_allowed_when_nothing_ever_is() -> None:
    window = SendWindow(frozenset({0}), time(9), time(10))
    with pytest.raises(ValueError, match="inside quiet hours"):
        next_allowed(at("2026-06-15T12:00:00+00:00"), BERLIN, QuietHours(time(8), time(11)), window)


@pytest.mark.parametrize(
    ("tz", "country", "installation", "expected"),
    [
        ("Asia/Tokyo", "FR", "UTC", "Asia/Tokyo"),
        ("Not/AZone", "JP", "UTC", "Asia/Tokyo"),
        ("../etc/passwd", "JP", "UTC", "Asia/Tokyo"),
        (None, "jp", "UTC", "Asia/Tokyo"),
        (None, "US", "UTC", "America/New_York"),
        (None, "AU", "UTC", "Australia/Sydney"),
        (None, "BR", "UTC", "America/Sao_Paulo"),
        (None, "CA", "UTC", "America/Toronto"),
        (None, "RU", "UTC", "Europe/Moscow"),
        (None, "NZ", "UTC", "Pacific/Auckland"),
        (None, "", "Europe/Berlin", "Europe/Berlin"),
        (None, "XX", "Europe/Berlin", "Europe/Berlin"),
        ("", "", "Bad/Zone", "UTC"),
    ],
)
def test_contact_timezone(tz, country, installation, expected) -> None:
    assert contact_timezone(contact(timezone=tz, country=country), installation) == ZoneInfo(
        expected
    )


def test_country_timezones() -> None:
    assert country_timezones("FR") == ("Europe/Paris",)
    assert country_timezones("us")[0] == "America/New_York"
    assert "America/Los_Angeles" in country_timezones("US")
    assert country_timezones("AU")[0] == "Australia/Sydney"
    assert set(country_timezones("AU")) >= {"Australia/Lord_Howe", "Australia/Perth"}
    assert country_timezones("XX") == ()


def test_get_zone() -> None:
    assert get_zone("Europe/Paris") == ZoneInfo("Europe/Paris")
    assert get_zone("") is None
    assert get_zone(None) is None
    assert get_zone("Nowhere/Special") is None


@pytest.mark.parametrize(
    ("month", "day", "year", "expected"),
    [
        (2, 29, 2028, date(2028, 2, 29)),
        (2, 29, 2027, date(2027, 2, 28)),
        (2, 29, 2100, date(2100, 2, 28)),  # not a leap year
        (2, 29, 2000, date(2000, 2, 29)),
        (2, 28, 2027, date(2027, 2, 28)),
        (12, 31, 2026, date(2026, 12, 31)),
    ],
)
def test_anniversary(month, day, year, expected) -> None:
    assert anniversary(month, day, year) == expected


@pytest.mark.parametrize(
    ("month", "day", "on_or_after", "expected"),
    [
        (2, 29, date(2027, 1, 10), date(2027, 2, 28)),
        (2, 29, date(2027, 2, 28), date(2027, 2, 28)),
        (2, 29, date(2027, 3, 1), date(2028, 2, 29)),
        (2, 29, date(2028, 2, 29), date(2028, 2, 29)),
        (3, 1, date(2028, 2, 29), date(2028, 3, 1)),
        (6, 15, date(2026, 6, 16), date(2027, 6, 15)),
        (1, 1, date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_next_anniversary(month, day, on_or_after, expected) -> None:
    assert next_anniversary(month, day, on_or_after) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1990-02-28", (2, 28)),
        ("2000-02-29", (2, 29)),
        ("02-29", (2, 29)),
        ("--12-01", (12, 1)),
        ("7-4", (7, 4)),
        (date(1985, 7, 4), (7, 4)),
        (datetime(1985, 7, 4, 12), (7, 4)),
        ("1991-02-29", None),
        ("02-30", None),
        ("13-01", None),
        ("birthday", None),
        ("0000-01-01", None),
        ("", None),
        (None, None),
        (19900228, None),
    ],
)
def test_parse_annual_date(value, expected) -> None:
    assert parse_annual_date(value) == expected
