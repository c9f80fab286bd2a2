"""Against the real Twilio API (marker `live`): skipped unless TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN, TWILIO_TEST_FROM and TWILIO_TEST_TO are in the environment.

Twilio's test credentials work here and send nothing: with them, TWILIO_TEST_FROM=+15005550006
and any valid TWILIO_TEST_TO. With live credentials a real SMS goes to TWILIO_TEST_TO.
"""

import os

import pytest

from saleor_automation.messaging.sms.backends.base import SmsMessage
from saleor_automation.messaging.sms.backends.twilio import SmsBackend
from saleor_automation.messaging.sms.exceptions import SmsApiError
from saleor_automation.messaging.sms.status import SmsStatus

REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_TEST_FROM", "TWILIO_TEST_TO")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not all(os.environ.get(name) for name in REQUIRED),
        reason=f"set {', '.join(REQUIRED)} to run the Twilio integration tests",
    ),
]


@pytest.fixture
def backend() -> SmsBackend:
    return SmsBackend(
        account_sid=os.environ["TWILIO_ACCOUNT_SID"],
        auth_token=os.environ["TWILIO_AUTH_TOKEN"],
        sender=os.environ["TWILIO_TEST_FROM"],
    )


def test_a_message_is_accepted(backend):
    message = SmsMessage(to=os.environ["TWILIO_TEST_TO"], body="saleor-automation live test")
    assert backend.send_messages([message]) == 1
    assert message.send_result.message_id.startswith(("SM", "MM"))
    assert message.send_result.status in {SmsStatus.QUEUED, SmsStatus.SENT}


def test_an_invalid_recipient_is_refused_with_twilios_code(backend):
    with pytest.raises(SmsApiError) as raised:
        backend.send_messages([SmsMessage(to="+1000", body="never sent")])
    assert raised.value.status_code == 400
    assert raised.value.provider_code.isdigit()
