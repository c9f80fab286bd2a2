"""webhooks/twilio.py: X-Twilio-Signature, status callbacks -> MessageEvents, replies ->
STOP/START on the suppression list and sms_consent_changed."""

import base64
import hashlib
import hmac
import uuid

import pytest

from saleor_automation.messaging.models import Message, MessageEvent, MessageStatus
from saleor_automation.messaging.services import message_send, messages_queue
from saleor_automation.messaging.sms.models import SmsConfig
from saleor_automation.messaging.sms.status import SmsEventType
from saleor_automation.messaging.sms.webhooks.twilio import EMPTY_TWIML, twilio_signature
from saleor_automation.messaging.suppression import is_suppressed
from saleor_automation.messaging.suppression_models import Suppression
from tests.flows.db_fixtures import NOW, make_contact, make_installation

from .cases import APP_BASE_URL, SignatureSuite, load_sample

AUTH_TOKEN = "test-auth-token"
PHONE = "+33612345678"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.APP_BASE_URL = APP_BASE_URL
    settings.MESSAGING = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}


def reference_signature(url: str, params: dict[str, str]) -> str:
    """Twilio's documented algorithm, written out independently of the code under test."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(AUTH_TOKEN.encode(), data.encode(), hashlib.sha1).digest())


class TwilioCase(SignatureSuite):
    signature_header = "HTTP_X_TWILIO_SIGNATURE"

    def sign(self, url: str, params: dict[str, str]) -> str:
        return reference_signature(url, params).decode()

    def send_signed(self, client, config, params, query=""):
        path = self.path(config, query)
        return self.post(client, path, params, self.sign(APP_BASE_URL + path, params))


def test_the_signature_matches_twilios_algorithm():
    params = {"To": PHONE, "Body": "STOP", "From": "+15017122661"}
    url = f"{APP_BASE_URL}/webhooks/sms/twilio/k/inbound"
    assert twilio_signature(AUTH_TOKEN, url, params) == reference_signature(url, params).decode()


class TestTwilioInboundWebhook(TwilioCase):
    webhook_url_name = "sms:twilio-inbound"

    def sample_params(self) -> dict[str, str]:
        return load_sample("twilio", "inbound_stop")

    def reply(self, client, config, body, **extra):
        params = {**self.sample_params(), "Body": body, **extra}
        return self.send_signed(client, config, params)

    def test_stop_then_start_suppresses_then_lifts(self, client, sms_config):
        installation_id = sms_config.installation_id
        response = self.reply(client, sms_config, "STOP")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml"
        assert response.content.decode() == EMPTY_TWIML
        assert is_suppressed(installation_id, "sms", PHONE)
        assert Suppression.objects.get().source == "sms:twilio"

        self.reply(client, sms_config, " start! ")
        assert not is_suppressed(installation_id, "sms", PHONE)
        assert self.consent_changes() == [(PHONE, False), (PHONE, True)]
        consent = self.consent_receiver.mock_calls[0].kwargs
        assert consent["installation_id"] == installation_id
        assert consent["source"] == "sms:twilio"
        assert consent["provider_message_id"] == "SM22222222222222222222222222222222"
        types = [(e.event_type, e.keyword) for e in self.tracked_events()]
        assert types == [(SmsEventType.OPTED_OUT, "STOP"), (SmsEventType.OPTED_IN, "START")]

    @pytest.mark.parametrize("word", ["stop", "STOPALL", "Unsubscribe", "cancel", "END", "quit"])
    def test_every_opt_out_keyword(self, client, sms_config, word):
        self.reply(client, sms_config, word)
        assert is_suppressed(sms_config.installation_id, "sms", PHONE)

    @pytest.mark.parametrize("word", ["YES", "unstop"])
    def test_every_opt_in_keyword(self, client, sms_config, word):
        self.reply(client, sms_config, "STOP")
        self.reply(client, sms_config, word)
        assert not is_suppressed(sms_config.installation_id, "sms", PHONE)

    def test_help_and_other_replies_change_nothing_but_are_reported(self, client, sms_config):
        self.reply(client, sms_config, "HELP")
        self.reply(client, sms_config, "please stop sending me deals")
        assert not Suppression.objects.exists()
        assert self.consent_changes() == []
        events = self.tracked_events()
        assert [(e.event_type, e.keyword) for e in events] == [
            (SmsEventType.INBOUND, "HELP"),
            (SmsEventType.INBOUND, ""),
        ]
        assert events[1].body == "please stop sending me deals"

    def test_advanced_opt_out_type_wins_over_our_keywords(self, client, sms_config):
        # A custom opt-out keyword the store configured in its Messaging Service.
        self.reply(client, sms_config, "ARRET", OptOutType="STOP")
        assert is_suppressed(sms_config.installation_id, "sms", PHONE)

    def test_a_marketing_sms_is_skipped_while_suppressed(self, client, sms_config):
        contact = make_contact(
            sms_config.installation, phone=PHONE, country="FR", marketing_consent=True
        )
        self.reply(client, sms_config, "STOP")
        (message,) = messages_queue(
            [
                Message(
                    installation_id=contact.installation_id,
                    contact=contact,
                    channel="sms",
                    idempotency_key=uuid.uuid4(),
                    to_address=PHONE,
                    body_text="20% off today",
                    created_at=NOW,
                )
            ]
        )
        assert message_send(message.pk, now=NOW) == MessageStatus.SKIPPED

    def test_an_invalid_signature_changes_nothing(self, client, sms_config):
        path = self.path(sms_config)
        params = {**self.sample_params(), "Body": "STOP"}
        response = self.post(client, path, params, "bm90IGEgc2lnbmF0dXJl")
        assert response.status_code == 400
        assert not Suppression.objects.exists()
        assert self.consent_changes() == []


class TestTwilioStatusWebhook(TwilioCase):
    webhook_url_name = "sms:twilio-status"

    def sample_params(self) -> dict[str, str]:
        return load_sample("twilio", "status_delivered")

    @pytest.fixture
    def sent(self, sms_config):
        contact = make_contact(sms_config.installation, phone=PHONE, country="FR")
        return Message.objects.create(
            installation_id=contact.installation_id,
            contact=contact,
            channel="sms",
            idempotency_key=uuid.uuid4(),
            to_address=PHONE,
            body_text="Your cart misses you",
            created_at=NOW,
            status=MessageStatus.SENT,
            sent_at=NOW,
            provider_message_id="SM11111111111111111111111111111111",
        )

    def test_delivered_becomes_a_delivered_event(self, client, sms_config, sent):
        query = f"message_key={sent.idempotency_key}"
        assert self.send_signed(client, sms_config, self.sample_params(), query).status_code == 200
        event = MessageEvent.objects.get()
        assert (event.message_id, event.kind) == (sent.pk, "delivered")
        assert event.data == {"provider": "twilio", "provider_status": "delivered"}
        sent.refresh_from_db()
        assert sent.status == MessageStatus.DELIVERED
        (tracked,) = self.tracked_events()
        assert tracked.message_key == str(sent.idempotency_key)
        assert tracked.recipient == PHONE

    def test_a_redelivered_callback_is_stored_once(self, client, sms_config, sent):
        query = f"message_key={sent.idempotency_key}"
        for _ in range(2):
            self.send_signed(client, sms_config, self.sample_params(), query)
        assert MessageEvent.objects.count() == 1

    def test_without_our_key_the_message_is_found_by_twilios_sid(self, client, sms_config, sent):
        self.send_signed(client, sms_config, self.sample_params())
        assert MessageEvent.objects.get().message_id == sent.pk

    def test_undelivered_is_a_failed_event_with_twilios_code(self, client, sms_config, sent):
        params = load_sample("twilio", "status_undelivered")
        self.send_signed(client, sms_config, params, f"message_key={sent.idempotency_key}")
        event = MessageEvent.objects.get()
        assert event.kind == "failed"
        assert event.data["error_code"] == "30003"
        assert event.data["provider_status"] == "undelivered"
        sent.refresh_from_db()
        assert sent.status == MessageStatus.FAILED

    def test_an_unknown_handset_suppresses_the_number(self, client, sms_config, sent):
        params = {**load_sample("twilio", "status_undelivered"), "ErrorCode": "30005"}
        self.send_signed(client, sms_config, params, f"message_key={sent.idempotency_key}")
        assert Suppression.objects.get().reason == "hard_bounce"
        assert is_suppressed(sms_config.installation_id, "sms", PHONE, marketing=False)

    def test_a_temporary_failure_suppresses_nothing(self, client, sms_config, sent):
        params = load_sample("twilio", "status_undelivered")  # 30003: handset unreachable
        self.send_signed(client, sms_config, params, f"message_key={sent.idempotency_key}")
        assert not Suppression.objects.exists()

    def test_queued_and_sent_are_reported_but_not_stored(self, client, sms_config, sent):
        for status in ("queued", "sent"):
            params = {**self.sample_params(), "MessageStatus": status, "SmsStatus": status}
            self.send_signed(client, sms_config, params)
        assert not MessageEvent.objects.exists()
        assert [e.event_type for e in self.tracked_events()] == ["queued", "sent"]

    def test_an_unknown_status_is_kept_as_unknown(self, client, sms_config, sent):
        params = {**self.sample_params(), "MessageStatus": "read", "SmsStatus": "read"}
        self.send_signed(client, sms_config, params)
        event = MessageEvent.objects.get()
        assert (event.kind, event.data["provider_status"]) == ("unknown", "read")

    def test_another_stores_message_is_not_touched(self, client, sms_config, sent):
        # The same key and sid, reported through another store's URL: not this message.
        other = SmsConfig.objects.create(
            installation=make_installation("https://other.example.com/graphql/")
        )
        query = f"message_key={sent.idempotency_key}"
        assert self.send_signed(client, other, self.sample_params(), query).status_code == 200
        assert not MessageEvent.objects.exists()

    def test_the_default_https_port_in_the_signed_url_is_accepted(self, client, sms_config, sent):
        path = self.path(sms_config)
        params = self.sample_params()
        signature = self.sign("https://automation.example.com:443" + path, params)
        assert self.post(client, path, params, signature).status_code == 200
