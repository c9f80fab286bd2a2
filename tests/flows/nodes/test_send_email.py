from datetime import timedelta

import pytest

from saleor_automation.flows.caps import CapRule
from saleor_automation.flows.decisions import Send, Skip, SleepUntil
from saleor_automation.flows.nodes import send_email

from ..builders import NOW, at, contact, context, node, parse_params

MESSAGE = {"message": {"template": "cart", "subject": "You left something"}}
QUIET = {"quiet_hours": {"start": "21:00", "end": "08:00"}}
WINDOW = {"send_window": {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "20:00"}}
DAY_CAP = CapRule(max_messages=2, window=timedelta(hours=24))


def test_params() -> None:
    parsed, issues = parse_params("send_email", MESSAGE)
    assert issues == []
    assert parsed.message == MESSAGE["message"]
    assert (parsed.marketing, parsed.outside_window) == (True, "defer")
    assert send_email.labels(parsed) == ("next",)


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({}, "params.message", "required"),
        ({"message": "Hello"}, "params.message", "object"),
        ({**MESSAGE, "marketing": "no"}, "params.marketing", "true or false"),
        ({**MESSAGE, "outside_window": "drop"}, "params.outside_window", "defer, skip"),
        ({**MESSAGE, "channel": "email"}, "params.channel", "not allowed"),
    ],
)
def test_invalid_params(params, field, fragment) -> None:
    _, issues = parse_params("send_email", params)
    assert any(i.field == field and fragment in i.message for i in issues), issues


# The contact lives in Paris (UTC+2 in June); NOW is Monday 14:00 there.
CASES = [
    ("plain marketing send", {}, {}, {}, NOW, None, Send("email")),
    ("no consent", {}, {}, {"marketing_consent": None}, NOW, None, Skip("no_consent")),
    ("refused consent", {}, {}, {"marketing_consent": False}, NOW, None, Skip("no_consent")),
    ("no address", {}, {}, {"email": ""}, NOW, None, Skip("no_address")),
    (
        "transactional ignores consent and quiet hours",
        {"marketing": False},
        QUIET,
        {"marketing_consent": False},
        at("2026-06-15T23:30:00+02:00"),
        None,
        Send("email"),
    ),
    (
        "quiet hours defer to their end",
        {},
        QUIET,
        {},
        at("2026-06-15T23:30:00+02:00"),
        None,
        SleepUntil(at("2026-06-16T08:00:00+02:00"), None, "quiet_hours"),
    ),
    (
        "quiet hours skip",
        {"outside_window": "skip"},
        QUIET,
        {},
        at("2026-06-15T23:30:00+02:00"),
        None,
        Skip("quiet_hours"),
    ),
    (
        "weekend waits for Monday's window",
        {},
        WINDOW,
        {},
        at("2026-06-20T12:00:00+02:00"),
        None,
        SleepUntil(at("2026-06-22T09:00:00+02:00"), None, "send_window"),
    ),
    (
        "after quiet hours, before the window",
        {},
        {**QUIET, **WINDOW},
        {},
        at("2026-06-15T07:00:00+02:00"),
        None,
        SleepUntil(at("2026-06-15T09:00:00+02:00"), None, "quiet_hours"),
    ),
    (
        "quiet hours in the contact's country zone (New York)",
        {},
        QUIET,
        {"timezone": None, "country": "US"},
        at("2026-06-15T22:00:00-04:00"),
        None,
        SleepUntil(at("2026-06-16T08:00:00-04:00"), None, "quiet_hours"),
    ),
    (
        "under the cap",
        {},
        {},
        {},
        NOW,
        (NOW - timedelta(hours=1), NOW - timedelta(hours=30)),
        Send("email"),
    ),
    (
        "over the cap waits for the oldest to leave the window",
        {},
        {},
        {},
        NOW,
        (NOW - timedelta(hours=1), NOW - timedelta(hours=3)),
        SleepUntil(NOW + timedelta(hours=21), None, "frequency_cap"),
    ),
    (
        "cap frees up in quiet hours: wait for their end",
        {},
        QUIET,
        {},
        NOW,
        (NOW - timedelta(hours=1), at("2026-06-14T23:00:00+02:00")),
        SleepUntil(at("2026-06-16T08:00:00+02:00"), None, "frequency_cap"),
    ),
    (
        "over the cap, skip",
        {"outside_window": "skip"},
        {},
        {},
        NOW,
        (NOW, NOW),
        Skip("frequency_cap"),
    ),
    (
        "flow outside capping",
        {},
        {"frequency_cap": False},
        {},
        NOW,
        (NOW, NOW, NOW),
        Send("email"),
    ),
    (
        "transactional ignores the cap",
        {"marketing": False},
        {},
        {},
        NOW,
        (NOW, NOW, NOW),
        Send("email"),
    ),
]


@pytest.mark.parametrize(
    ("params", "settings", "who", "now", "recent", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_evaluate(params, settings, who, now, recent, expected) -> None:
    ctx = context(
        settings=settings,
        contact=contact(**who),
        recent_marketing_sends=recent or (),
        cap=DAY_CAP if recent is not None else None,
    )
    decision = send_email.evaluate(node("send_email", {**MESSAGE, **params}), ctx, now)
    assert decision == expected


def test_no_installation_cap() -> None:
    ctx = context(recent_marketing_sends=(NOW,) * 5, cap=None)
    assert send_email.evaluate(node("send_email", MESSAGE), ctx, NOW) == Send("email")
