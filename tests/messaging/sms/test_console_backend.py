"""backends/console.py: prints the SMS with the number masked, logs no personal data."""

import io
import logging

from saleor_automation.messaging.sms.backends import get_backend
from saleor_automation.messaging.sms.backends.base import SmsMessage
from saleor_automation.messaging.sms.status import SmsStatus

CONSOLE = "saleor_automation.messaging.sms.backends.console.SmsBackend"


def test_is_the_default_backend(settings):
    settings.MESSAGING = {}
    assert get_backend().provider_name == "Console"


def test_prints_the_body_and_a_masked_number(settings, caplog):
    settings.MESSAGING = {"SMS_SENDER": "ShopName"}
    stream = io.StringIO()
    message = SmsMessage(
        to="+33612345678",
        body="Hi Ana, 10% off: CODE{X}",
        metadata={"message_key": "k"},
        status_callback="https://example.com/cb",
    )
    with caplog.at_level(logging.INFO):
        assert get_backend(CONSOLE, stream=stream).send_messages([message]) == 1
    out = stream.getvalue()
    assert "To: +33 *******78\n" in out
    assert "From: ShopName\n" in out
    assert "Segments: 1 (GSM-7, 26 characters)\n" in out
    assert "Hi Ana, 10% off: CODE{X}" in out
    assert "612345678" not in out
    assert message.send_result.status == SmsStatus.SENT
    assert message.send_result.message_id.startswith("console-")
    assert message.send_result.message_id in caplog.text
    assert "612345678" not in caplog.text
    assert "Hi Ana" not in caplog.text


def test_reports_no_status_callback():
    assert get_backend(CONSOLE).status_callback_url("key") is None
