"""backends/twilio.py with only Twilio mocked (httpx.MockTransport): the exact form sent,
the response parsed, errors raised with Twilio's own words; and the channel end to end."""

import base64
import uuid

import httpx
import pytest

from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import message_send, messages_queue
from saleor_automation.messaging.sms import channel
from saleor_automation.messaging.sms.backends import get_backend
from saleor_automation.messaging.sms.backends.base import SmsMessage
from saleor_automation.messaging.sms.exceptions import (
    SmsApiError,
    SmsConfigurationError,
    SmsInvalidNumber,
    SmsRecipientOptedOut,
    SmsRecipientRejected,
    SmsUnsupportedFeature,
)
from saleor_automation.messaging.sms.models import SmsConfig
from saleor_automation.messaging.sms.status import SmsStatus
from saleor_automation.messaging.suppression import is_suppressed, suppression_add
from tests.flows.db_fixtures import NOW, make_contact, make_installation

from .cases import APP_BASE_URL, MockHttpBackendCase, load_sample

TWILIO = "saleor_automation.messaging.sms.backends.twilio.SmsBackend"
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token"
SERVICE_SID = "MG" + "a" * 32
CREATED = load_sample("twilio", "message_created")


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.APP_BASE_URL = APP_BASE_URL
    settings.MESSAGING = {
        "SMS_BACKEND": TWILIO,
        "SMS_SENDER": "+15017122661",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
    }


class TestTwilioBackend(MockHttpBackendCase):
    default_status = 201
    default_json = CREATED

    def send(self, **fields) -> SmsMessage:
        message = SmsMessage(**{"to": "+33612345678", "body": "Hi Ana", **fields})
        assert get_backend().send_messages([message]) == 1
        return message

    def test_posts_the_exact_form_to_the_messages_resource(self):
        message = self.send(
            status_callback=f"{APP_BASE_URL}/webhooks/sms/twilio/k/status",
            metadata={"message_key": "abc"},
        )
        request = self.last_request
        assert request.method == "POST"
        assert str(request.url) == (
            f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        )
        credentials = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        assert request.headers["authorization"] == f"Basic {credentials}"
        assert self.form() == {
            "To": "+33612345678",
            "Body": "Hi Ana",
            "From": "+15017122661",
            "StatusCallback": f"{APP_BASE_URL}/webhooks/sms/twilio/k/status?message_key=abc",
        }
        assert message.send_result.message_id == "SM11111111111111111111111111111111"
        assert message.send_result.status == SmsStatus.QUEUED
        assert message.send_result.provider_response == CREATED

    def test_a_messaging_service_goes_as_messaging_service_sid(self):
        self.send(sender=SERVICE_SID)
        form = self.form()
        assert form["MessagingServiceSid"] == SERVICE_SID
        assert "From" not in form

    def test_the_message_sender_wins_over_the_default(self):
        self.send(sender="ShopName")
        assert self.form()["From"] == "ShopName"

    def test_provider_extra_passes_through(self):
        self.send(provider_extra={"ValidityPeriod": 600})
        assert self.form()["ValidityPeriod"] == "600"

    def test_metadata_needs_a_status_callback(self):
        with pytest.raises(SmsUnsupportedFeature, match="metadata"):
            self.send(metadata={"message_key": "abc"})
        assert not self.requests

    def test_one_connection_serves_a_batch(self, monkeypatch):
        opened = []
        original = httpx.Client.__init__

        def counting(client, *args, **kwargs):
            opened.append(client)
            original(client, *args, **kwargs)

        monkeypatch.setattr(httpx.Client, "__init__", counting)
        messages = [SmsMessage(to="+33612345678", body=str(n)) for n in range(3)]
        assert get_backend().send_messages(messages) == 3
        assert len(self.requests) == 3
        assert len(opened) == 1

    def test_an_error_answer_raises_with_twilios_code_and_message(self):
        self.set_response(400, load_sample("twilio", "error_invalid_to"))
        with pytest.raises(SmsApiError) as raised:
            self.send()
        error = raised.value
        assert (error.status_code, error.provider_code) == (400, "21211")
        assert "is not a valid phone number" in str(error)
        # Twilio quotes the number; the error (stored on the row, logged) does not.
        assert "+33612345678" not in str(error)
        assert "+33 *******78" in error.provider_message

    def test_an_opted_out_recipient_is_its_own_error(self):
        self.set_response(400, load_sample("twilio", "error_unsubscribed"))
        with pytest.raises(SmsRecipientOptedOut, match="21610"):
            self.send()

    def test_an_unreachable_twilio_is_an_api_error(self):
        self.set_transport_error(httpx.ConnectTimeout("timed out"))
        with pytest.raises(SmsApiError, match="could not be reached: ConnectTimeout"):
            self.send()

    def test_a_non_json_answer_is_an_api_error(self):
        self.set_response(201, text="<html>proxy</html>")
        with pytest.raises(SmsApiError, match="invalid JSON"):
            self.send()

    def test_a_failed_status_in_the_answer_raises(self):
        self.set_response(201, {**CREATED, "status": "failed"})
        with pytest.raises(SmsRecipientRejected, match="failed"):
            self.send()

    def test_fail_silently_counts_instead_of_raising(self):
        self.set_response(400, load_sample("twilio", "error_invalid_to"))
        message = SmsMessage(to="+33612345678", body="x")
        assert get_backend(fail_silently=True).send_messages([message]) == 0

    def test_missing_credentials_name_the_setting(self, settings):
        settings.MESSAGING = {"SMS_BACKEND": TWILIO, "TWILIO_ACCOUNT_SID": ACCOUNT_SID}
        with pytest.raises(SmsConfigurationError, match="TWILIO_AUTH_TOKEN"):
            get_backend()


class TestTwilioChannel(MockHttpBackendCase):
    """messaging.sms.channel.send through the Twilio backend, from an outbox row."""

    default_status = 201
    default_json = CREATED

    @pytest.fixture
    def contact(self, db):
        installation = make_installation()
        return make_contact(installation, phone="06 12 34 56 78", country="FR")

    def queue(self, contact, **fields) -> Message:
        values = {
            "installation_id": contact.installation_id,
            "contact": contact,
            "node_id": "s1",
            "channel": "sms",
            "idempotency_key": uuid.uuid4(),
            "to_address": contact.phone,
            "body_text": "Your cart misses you",
            "created_at": NOW,
        }
        (message,) = messages_queue([Message(**{**values, **fields})])
        return message

    def test_sends_in_e164_with_the_stores_sender_and_callback(self, contact):
        SmsConfig.objects.create(
            installation_id=contact.installation_id, sender=SERVICE_SID, webhook_key="k" * 32
        )
        message = self.queue(contact)
        assert channel.send(message) == "SM11111111111111111111111111111111"
        assert self.form() == {
            "To": "+33612345678",
            "Body": "Your cart misses you",
            "MessagingServiceSid": SERVICE_SID,
            "StatusCallback": (
                f"{APP_BASE_URL}/webhooks/sms/twilio/{'k' * 32}/status"
                f"?message_key={message.idempotency_key}"
            ),
        }

    def test_an_invalid_number_is_a_clear_error_and_no_request(self, contact):
        message = self.queue(contact, to_address="12")
        with pytest.raises(SmsInvalidNumber, match=r"^not a valid phone number for FR$"):
            channel.send(message)
        assert not self.requests

    def test_a_twilio_refusal_carries_its_reason_without_the_number(self, contact):
        self.set_response(400, load_sample("twilio", "error_invalid_to"))
        with pytest.raises(SmsApiError, match=r"^Twilio API response 400: 21211 ") as raised:
            channel.send(self.queue(contact))
        assert "+33612345678" not in str(raised.value)

    def test_a_suppressed_number_is_refused_in_e164_whatever_its_spelling(self, contact):
        suppression_add(contact.installation_id, "sms", "+33612345678", "sms_stop")
        with pytest.raises(SmsRecipientOptedOut, match="opted out"):
            channel.send(self.queue(contact, to_address="06 12 34 56 78"))
        assert not self.requests

    def test_twilios_opt_out_refusal_is_remembered(self, contact):
        self.set_response(400, load_sample("twilio", "error_unsubscribed"))
        with pytest.raises(SmsRecipientOptedOut):
            channel.send(self.queue(contact))
        assert is_suppressed(contact.installation_id, "sms", "+33612345678")

    def test_through_the_outbox_the_row_is_sent_with_twilios_sid(self, contact):
        message = self.queue(contact)
        assert message_send(message.pk, now=NOW) == MessageStatus.SENT
        message.refresh_from_db()
        assert message.provider_message_id == "SM11111111111111111111111111111111"
        assert self.form()["To"] == "+33612345678"

    def test_through_the_outbox_an_invalid_number_fails_the_row(self, contact):
        message = self.queue(contact, to_address="12")
        assert message_send(message.pk, now=NOW) == MessageStatus.FAILED
        message.refresh_from_db()
        assert message.error == "SmsInvalidNumber: not a valid phone number for FR"
        assert not self.requests
