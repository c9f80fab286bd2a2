import pytest

from saleor_automation.flows.decisions import Send, Skip, SleepUntil
from saleor_automation.flows.nodes import send_sms

from ..builders import NOW, at, contact, context, node

MESSAGE = {"message": {"body": "Your cart misses you"}}
QUIET = {"quiet_hours": {"start": "21:00", "end": "08:00"}}


@pytest.mark.parametrize(
    ("params", "who", "now", "expected"),
    [
        ({}, {}, NOW, Send("sms")),
        ({}, {"phone": ""}, NOW, Skip("no_address")),
        ({}, {"email": ""}, NOW, Send("sms")),
        # SMS consent is its own: email consent does not cover it.
        ({}, {"sms_consent": None, "marketing_consent": True}, NOW, Skip("no_consent")),
        ({}, {"sms_consent": True, "marketing_consent": False}, NOW, Send("sms")),
        ({"marketing": False}, {"sms_consent": False}, NOW, Send("sms")),
        (
            {},
            {"timezone": "America/Los_Angeles", "country": "US"},
            at("2026-06-15T06:00:00-07:00"),
            SleepUntil(at("2026-06-15T08:00:00-07:00"), None, "quiet_hours"),
        ),
    ],
)
def test_evaluate(params, who, now, expected) -> None:
    ctx = context(settings=QUIET, contact=contact(**who))
    assert send_sms.evaluate(node("send_sms", {**MESSAGE, **params}), ctx, now) == expected
