"""Daily triggers on each contact's own calendar day: east and west of UTC, leap days,
win-back, dates in metadata."""

from datetime import UTC, date, datetime, timedelta

import pytest

from saleor_automation.flows.models import Enrollment
from saleor_automation.flows.triggers.scheduled import (
    birthday_candidates,
    date_field_occurrence,
    scheduled_triggers_run,
)

from ..db_fixtures import installation, make_contact
from .factories import customer, send, trigger_flow

__all__ = ["installation"]

ALWAYS = {"reentry": "always"}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def entered(flow) -> dict[str, str]:
    rows = Enrollment.objects.filter(flow=flow).values_list("contact__email", "entry_key")
    return dict(rows)


@pytest.fixture
def east_west(installation):
    """Auckland (UTC+12 in June) and New York (UTC-4 in June), both born on 16 June."""
    east = make_contact(installation, 1, country="NZ", birthday_month=6, birthday_day=16)
    west = make_contact(installation, 2, country="US", birthday_month=6, birthday_day=16)
    return east, west


def test_a_birthday_fires_on_each_contacts_own_day(installation, east_west):
    flow = trigger_flow(installation, "date_field", ALWAYS, field="birthday")
    scheduled_triggers_run(now=utc("2026-06-15T11:30"))  # Auckland 23:30 on the 15th
    assert entered(flow) == {}
    scheduled_triggers_run(now=utc("2026-06-15T12:30"))  # Auckland 00:30 on the 16th
    assert entered(flow) == {"person1@example.com": "2026-06-16"}
    scheduled_triggers_run(now=utc("2026-06-16T03:30"))  # New York 23:30 on the 15th
    assert len(entered(flow)) == 1
    scheduled_triggers_run(now=utc("2026-06-16T04:30"))  # New York 00:30 on the 16th
    assert entered(flow) == {
        "person1@example.com": "2026-06-16",
        "person2@example.com": "2026-06-16",
    }
    scheduled_triggers_run(now=utc("2026-06-16T20:00"))  # later runs that day add nothing
    assert Enrollment.objects.filter(flow=flow).count() == 2
    context = Enrollment.objects.filter(flow=flow).first().context
    assert context["date_field"] == {"field": "birthday", "date": "2026-06-16"}


def test_days_before_and_a_missed_day_caught_up_once(installation, east_west):
    flow = trigger_flow(installation, "date_field", ALWAYS, field="birthday", days_before=3)
    london = make_contact(installation, 3, country="GB", birthday_month=6, birthday_day=16)
    scheduled_triggers_run(now=utc("2026-06-12T11:00"))  # Auckland: 23:00 on the 12th
    assert entered(flow) == {}
    scheduled_triggers_run(now=utc("2026-06-12T12:30"))  # Auckland: the 13th
    assert entered(flow) == {"person1@example.com": "2026-06-16"}
    # The task did not run again until New York's 14th (a day late: caught up) and
    # London's 15th (two days late: skipped).
    scheduled_triggers_run(now=utc("2026-06-15T03:00"))
    assert entered(flow) == {
        "person1@example.com": "2026-06-16",
        "person2@example.com": "2026-06-16",
    }
    assert london.email not in entered(flow)


def test_a_29_february_birthday_falls_on_28_february_in_common_years(installation):
    person = make_contact(installation, 1, birthday_month=2, birthday_day=29)  # no country: UTC
    flow = trigger_flow(installation, "date_field", ALWAYS, field="birthday")
    scheduled_triggers_run(now=utc("2027-02-27T12:00"))
    assert entered(flow) == {}
    scheduled_triggers_run(now=utc("2027-02-28T00:10"))
    assert entered(flow) == {person.email: "2027-02-28"}
    scheduled_triggers_run(now=utc("2028-02-28T12:00"))  # a leap year: not yet
    assert len(entered(flow)) == 1
    scheduled_triggers_run(now=utc("2028-02-29T12:00"))
    assert Enrollment.objects.filter(flow=flow, entry_key="2028-02-29").count() == 1


def test_win_back_fires_on_each_contacts_day_once_per_lapse(installation):
    last = utc("2026-05-16T11:00")  # Auckland: the 16th at 23:00; New York: the 16th at 07:00
    east = make_contact(installation, 1, country="NZ", last_order_at=last, order_count=1)
    west = make_contact(installation, 2, country="US", last_order_at=last, order_count=1)
    make_contact(installation, 3, last_order_at=utc("2024-01-01T00:00"), order_count=1)
    make_contact(installation, 4)  # never ordered
    flow = trigger_flow(installation, "no_order_for_days", ALWAYS, days=30)
    scheduled_triggers_run(now=utc("2026-06-14T12:30"))  # Auckland: the 15th
    assert entered(flow) == {east.email: last.isoformat()}
    scheduled_triggers_run(now=utc("2026-06-15T03:30"))  # New York: still the 14th
    assert len(entered(flow)) == 1
    scheduled_triggers_run(now=utc("2026-06-15T04:30"))  # New York: the 15th
    assert entered(flow) == {east.email: last.isoformat(), west.email: last.isoformat()}
    context = Enrollment.objects.get(flow=flow, contact=west).context
    assert context["no_order"] == {"days": 30, "last_order_at": last.isoformat()}


def test_a_date_kept_in_customer_metadata(installation):
    flow = trigger_flow(installation, "date_field", ALWAYS, field="wedding_day", days_before=3)
    updated = utc("2026-06-01T08:00")
    body = customer(updated=updated, metadata={"wedding_day": "2019-06-20"}, country="US")
    send(installation, "customer_created", body)
    scheduled_triggers_run(now=utc("2026-06-17T03:00"))  # New York: the 16th
    assert entered(flow) == {}
    scheduled_triggers_run(now=utc("2026-06-17T05:00"))  # New York: the 17th
    assert entered(flow) == {"jane.doe@example.com": "2026-06-20"}


@pytest.mark.parametrize(
    ("month_day", "days_before", "today", "expected"),
    [
        ((6, 16), 0, date(2026, 6, 16), date(2026, 6, 16)),
        ((6, 16), 0, date(2026, 6, 17), date(2026, 6, 16)),  # caught up
        ((6, 16), 0, date(2026, 6, 18), None),
        ((1, 2), 5, date(2026, 12, 28), date(2027, 1, 2)),  # across the new year
        ((2, 29), 0, date(2027, 2, 28), date(2027, 2, 28)),
        ((2, 29), 0, date(2028, 2, 28), None),
        ((2, 29), 0, date(2028, 2, 29), date(2028, 2, 29)),
        ((2, 29), 1, date(2027, 2, 27), date(2027, 2, 28)),
    ],
)
def test_date_field_occurrence(month_day, days_before, today, expected):
    assert date_field_occurrence(*month_day, days_before, today) == expected


def test_birthday_candidates_cover_every_zone_and_the_leap_day():
    pairs = birthday_candidates(utc("2027-02-27T12:00"), 0)
    assert pairs == {(2, 25), (2, 26), (2, 27), (2, 28), (2, 29)}
    assert (2, 29) not in birthday_candidates(utc("2028-02-27T12:00"), 0)
    assert birthday_candidates(utc("2026-06-15T12:00"), 1) >= {(6, 15), (6, 16), (6, 17)}


def test_one_run_never_enters_twice(installation, east_west):
    flow = trigger_flow(installation, "date_field", ALWAYS, field="birthday")
    now = utc("2026-06-16T12:00")
    first = scheduled_triggers_run(now=now)
    second = scheduled_triggers_run(now=now + timedelta(minutes=15))
    assert first == {"entered": 2}
    assert second == {}
    assert Enrollment.objects.filter(flow=flow).count() == 2
