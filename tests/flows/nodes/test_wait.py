from datetime import timedelta

import pytest

from saleor_automation.flows.decisions import AwaitEvent, Goto, SleepUntil
from saleor_automation.flows.nodes import wait
from saleor_automation.flows.nodes.params import MessageRef

from ..builders import NOW, at, contact, context, node, parse_params

DURATION = {"mode": "duration", "hours": 2}
FROM_OPEN = {"mode": "duration", "days": 1, "from": "opened", "node": "e1", "timeout_days": 3}
UNTIL_NINE = {"mode": "until_time", "time": "09:00"}
UNTIL_CLICK = {"mode": "until_event", "event": "message_clicked", "node": "e1", "timeout_hours": 6}
UNTIL_ORDER = {"mode": "until_event", "event": "order_placed", "timeout_days": 2}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"mode": "duration", "minutes": 30}, {"delay": timedelta(minutes=30), "anchor": None}),
        (
            {"mode": "duration", "days": 1, "hours": 2, "minutes": 3},
            {"delay": timedelta(hours=2, minutes=3), "days": 1},
        ),
        ({"mode": "duration", "days": 1, "from": "entry"}, {"anchor": None, "node": None}),
        (
            FROM_OPEN,
            {"delay": timedelta(0), "days": 1, "anchor": "opened", "timeout": timedelta(days=3)},
        ),
        (UNTIL_NINE, {"weekdays": frozenset(range(7))}),
        ({"mode": "until_time", "time": "18:30", "weekdays": [5, 6]}, {"weekdays": {5, 6}}),
        (UNTIL_CLICK, {"event": "message_clicked", "node": "e1", "timeout": timedelta(hours=6)}),
        (UNTIL_ORDER, {"event": "order_placed", "node": None, "timeout": timedelta(days=2)}),
    ],
)
def test_valid_params(params, expected) -> None:
    parsed, issues = parse_params("wait", params)
    assert issues == []
    for key, value in expected.items():
        assert getattr(parsed, key) == value


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({}, "params.mode", "required"),
        ({"mode": "sleep"}, "params.mode", "one of"),
        ({"mode": "duration"}, "params.minutes", "give minutes, hours, days"),
        ({"mode": "duration", "minutes": 0}, "params.minutes", "more than zero"),
        ({"mode": "duration", "days": 367}, "params.minutes", "at most 366 days"),
        ({"mode": "duration", "hours": 1.5}, "params.hours", "whole number"),
        ({"mode": "duration", "hours": True}, "params.hours", "whole number"),
        ({"mode": "duration", "hours": 1, "from": "sent"}, "params.from", "one of"),
        ({**FROM_OPEN, "node": None}, "params.node", "required"),
        ({**FROM_OPEN, "timeout_days": None}, "params.timeout_minutes", "give timeout_"),
        ({"mode": "duration", "hours": 1, "node": "e1"}, "params.node", "not allowed"),
        ({"mode": "until_time"}, "params.time", "required"),
        ({"mode": "until_time", "time": "24:00"}, "params.time", "between 00:00 and 23:59"),
        ({"mode": "until_time", "time": "9:00"}, "params.time", "HH:MM"),
        ({**UNTIL_NINE, "weekdays": [1, 9]}, "params.weekdays", "0 (Monday) to 6"),
        ({**UNTIL_NINE, "weekdays": "weekends"}, "params.weekdays", "list"),
        ({**UNTIL_NINE, "minutes": 5}, "params.minutes", "not allowed"),
        ({**UNTIL_CLICK, "event": "message_read"}, "params.event", "one of"),
        ({**UNTIL_CLICK, "node": None}, "params.node", "required"),
        ({**UNTIL_CLICK, "timeout_hours": None}, "params.timeout_minutes", "give"),
        ({**UNTIL_ORDER, "node": "e1"}, "params.node", "not allowed"),
    ],
)
def test_invalid_params(params, field, fragment) -> None:
    _, issues = parse_params("wait", params)
    assert any(i.field == field and fragment in i.message for i in issues), issues
    assert all(issue.node_id == "n" for issue in issues)


@pytest.mark.parametrize(
    ("params", "labels", "timed", "refs"),
    [
        (DURATION, ("next",), True, []),
        (FROM_OPEN, ("next", "timeout"), False, [MessageRef("params.node", "e1", "opened")]),
        (UNTIL_NINE, ("next",), True, []),
        (UNTIL_CLICK, ("event", "timeout"), False, [MessageRef("params.node", "e1", "clicked")]),
        (UNTIL_ORDER, ("event", "timeout"), False, []),
    ],
)
def test_graph_facts(params, labels, timed, refs) -> None:
    parsed, _ = parse_params("wait", params)
    assert wait.labels(parsed) == labels
    assert wait.lets_time_pass(parsed) is timed
    assert list(wait.refs(parsed)) == refs


def test_duration_sleeps_from_entry() -> None:
    entered = NOW - timedelta(minutes=30)
    decision = wait.evaluate(node("wait", DURATION), context(node_entered_at=entered), NOW)
    assert decision == SleepUntil(entered + timedelta(hours=2), "next", reason="wait")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Paris moves to summer time on 29 March 2026: a day is 23 hours long there.
        ({"mode": "duration", "days": 1}, "2026-03-29T09:00:00+02:00"),
        ({"mode": "duration", "days": 1, "hours": 1}, "2026-03-29T10:00:00+02:00"),
        ({"mode": "duration", "hours": 24}, "2026-03-29T10:00:00+02:00"),  # elapsed time
    ],
)
def test_days_are_calendar_days_on_the_contacts_clock(params, expected) -> None:
    entered = at("2026-03-28T09:00:00+01:00")
    ctx = context(contact=contact(timezone="Europe/Paris"), node_entered_at=entered)
    decision = wait.evaluate(node("wait", params), ctx, entered)
    assert decision == SleepUntil(at(expected), "next", reason="wait")


def test_duration_already_over_goes_on() -> None:
    ctx = context(node_entered_at=NOW - timedelta(hours=2))
    assert wait.evaluate(node("wait", DURATION), ctx, NOW) == Goto("next")


OPENED_AT = NOW - timedelta(hours=5)


@pytest.mark.parametrize(
    ("messages", "entered", "expected"),
    [
        # Opened: sleep a day from the open, however long ago the wait began.
        (
            {"e1": {"sent": OPENED_AT, "opened": OPENED_AT}},
            NOW,
            SleepUntil(OPENED_AT + timedelta(days=1), "next", reason="wait"),
        ),
        ({"e1": {"opened": NOW - timedelta(days=2)}}, NOW, Goto("next")),
        # Not opened yet: wait for the open, then evaluate again.
        (
            {"e1": {"sent": OPENED_AT, "delivered": OPENED_AT}},
            NOW - timedelta(days=1),
            AwaitEvent(
                kind="message.opened",
                until=NOW + timedelta(days=2),
                match={"node": "e1"},
                on_event=None,
                on_timeout="timeout",
            ),
        ),
        ({"e2": {"opened": OPENED_AT}}, NOW - timedelta(days=3), Goto("timeout")),
    ],
)
def test_duration_from_a_message_event(messages, entered, expected) -> None:
    ctx = context(messages=messages, node_entered_at=entered)
    assert wait.evaluate(node("wait", FROM_OPEN), ctx, NOW) == expected


@pytest.mark.parametrize(
    ("tz", "country", "entered", "params", "expected"),
    [
        # East of UTC: 21:00 in Tokyo, so 09:00 tomorrow.
        ("Asia/Tokyo", "JP", NOW, UNTIL_NINE, "2026-06-16T09:00:00+09:00"),
        # Auckland (winter, +12): already Tuesday 00:00, so 09:00 the same local day.
        ("Pacific/Auckland", "NZ", NOW, UNTIL_NINE, "2026-06-16T09:00:00+12:00"),
        # West of UTC: 05:00 in Los Angeles, so 09:00 today.
        ("America/Los_Angeles", "US", NOW, UNTIL_NINE, "2026-06-15T09:00:00-07:00"),
        (
            "America/Los_Angeles",
            "US",
            NOW,
            {**UNTIL_NINE, "weekdays": [5]},
            "2026-06-20T09:00:00-07:00",
        ),
        # Exactly 09:00 local: strictly after, so tomorrow.
        (
            "Europe/Paris",
            "FR",
            at("2026-06-15T09:00:00+02:00"),
            UNTIL_NINE,
            "2026-06-16T09:00:00+02:00",
        ),
        # Berlin spring forward: 02:30 does not exist on 2026-03-29; the clock reaches it at 03:00.
        (
            "Europe/Berlin",
            "DE",
            at("2026-03-28T12:00:00+00:00"),
            {"mode": "until_time", "time": "02:30"},
            "2026-03-29T03:00:00+02:00",
        ),
        # Berlin fall back: 02:30 happens twice on 2026-10-25; the first one (CEST) counts.
        (
            "Europe/Berlin",
            "DE",
            at("2026-10-24T12:00:00+00:00"),
            {"mode": "until_time", "time": "02:30"},
            "2026-10-25T02:30:00+02:00",
        ),
        (
            "America/New_York",
            "US",
            at("2026-03-07T12:00:00+00:00"),
            {"mode": "until_time", "time": "02:15"},
            "2026-03-08T03:00:00-04:00",
        ),
        (
            "America/New_York",
            "US",
            at("2026-10-31T12:00:00+00:00"),
            {"mode": "until_time", "time": "01:30"},
            "2026-11-01T01:30:00-04:00",
        ),
        # No zone of their own: the country's (Japan), then the installation's (UTC here).
        (None, "JP", NOW, UNTIL_NINE, "2026-06-16T09:00:00+09:00"),
        ("Mars/Olympus", "", NOW, UNTIL_NINE, "2026-06-16T09:00:00+00:00"),
    ],
)
def test_until_time(tz, country, entered, params, expected) -> None:
    ctx = context(contact=contact(timezone=tz, country=country), node_entered_at=entered)
    decision = wait.evaluate(node("wait", params), ctx, entered)
    assert decision == SleepUntil(at(expected), "next", reason="wait")
    assert decision.until.utcoffset() == timedelta(0)


def test_until_time_uses_the_installation_zone_as_last_resort() -> None:
    ctx = context(
        contact=contact(timezone=None, country=""), installation_timezone="America/Los_Angeles"
    )
    decision = wait.evaluate(node("wait", UNTIL_NINE), ctx, NOW)
    assert decision == SleepUntil(at("2026-06-15T09:00:00-07:00"), "next", reason="wait")


def test_until_time_evaluated_late_goes_on() -> None:
    ctx = context(node_entered_at=at("2026-06-15T08:00:00+02:00"))  # Paris
    assert wait.evaluate(node("wait", UNTIL_NINE), ctx, NOW) == Goto("next")


@pytest.mark.parametrize(
    ("params", "messages", "last_order_at", "expected"),
    [
        (UNTIL_CLICK, {"e1": {"clicked": NOW - timedelta(days=9)}}, None, Goto("event")),
        (
            UNTIL_CLICK,
            {"e1": {"opened": NOW}},
            None,
            AwaitEvent(
                kind="message.clicked", until=NOW + timedelta(hours=6), match={"node": "e1"}
            ),
        ),
        (UNTIL_ORDER, {}, NOW + timedelta(seconds=1), Goto("event")),
        (UNTIL_ORDER, {}, NOW, Goto("event")),
        (
            UNTIL_ORDER,
            {},
            NOW - timedelta(days=1),  # the order before entering does not count
            AwaitEvent(kind="order.placed", until=NOW + timedelta(days=2)),
        ),
    ],
)
def test_until_event(params, messages, last_order_at, expected) -> None:
    ctx = context(messages=messages, contact=contact(last_order_at=last_order_at))
    decision = wait.evaluate(node("wait", params), ctx, NOW)
    assert decision == expected
    if isinstance(decision, AwaitEvent):
        assert (decision.on_event, decision.on_timeout) == ("event", "timeout")


def test_until_event_timed_out() -> None:
    ctx = context(node_entered_at=NOW - timedelta(hours=6))
    assert wait.evaluate(node("wait", UNTIL_CLICK), ctx, NOW) == Goto("timeout")
