"""Postmark tracking webhooks (basic auth only) -> MessageEvents, statuses, suppressions."""

import uuid

import pytest

from saleor_automation.messaging.models import MessageEvent, MessageStatus
from saleor_automation.messaging.suppression import is_suppressed, suppression_reasons
from tests.flows.db_fixtures import contact, installation
from tests.messaging.sent_messages import sent_message

from .payloads import (
    as_json,
    basic_auth,
    postmark_bounce,
    postmark_delivery,
    postmark_open,
    postmark_spam_complaint,
)

__all__ = ["contact", "installation"]  # fixtures used by name

URL = "/webhooks/esp/postmark/tracking/"
PROVIDER_ID = "883953f4-6105-42a2-a16a-77a8eac79483"


@pytest.fixture
def message(contact):
    return sent_message(contact, provider_message_id=PROVIDER_ID)


def post(client, payload, auth=None):
    headers = basic_auth() if auth is None else auth
    return client.post(URL, as_json(payload), content_type="application/json", **headers)


def key_of(message) -> dict[str, str]:
    return {"message_key": str(message.idempotency_key)}


def test_delivery_is_stored_and_moves_the_status(client, message):
    assert post(client, postmark_delivery(PROVIDER_ID, {})).status_code == 200
    event = MessageEvent.objects.get()
    assert (event.message_id, event.kind) == (message.pk, "delivered")
    assert event.data["esp"] == "Postmark"
    assert event.occurred_at.isoformat().startswith("2026-06-15T12:05:54")
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_matched_by_our_key_in_metadata_when_the_provider_id_is_unknown(client, contact):
    message = sent_message(contact)  # no provider id recorded
    post(client, postmark_delivery(str(uuid.uuid4()), key_of(message)))
    assert MessageEvent.objects.get().message_id == message.pk


def test_the_same_event_twice_is_stored_once(client, message):
    payload = postmark_open(PROVIDER_ID, key_of(message), "2026-06-15T12:30:00.1234567Z")
    assert post(client, payload).status_code == 200
    assert post(client, payload).status_code == 200
    assert MessageEvent.objects.filter(kind="opened").count() == 1
    # A second open, later, is another event.
    post(client, postmark_open(PROVIDER_ID, key_of(message), "2026-06-15T13:00:00Z"))
    assert MessageEvent.objects.filter(kind="opened").count() == 2


def test_a_hard_bounce_suppresses_everything(client, message, contact):
    post(client, postmark_bounce(PROVIDER_ID, key_of(message)))
    event = MessageEvent.objects.get()
    assert (event.kind, event.data["reject_reason"]) == ("bounced", "bounced")
    assert "Content" not in str(event.data)  # the raw payload is not kept
    message.refresh_from_db()
    assert message.status == MessageStatus.BOUNCED
    assert is_suppressed(contact.installation_id, "email", contact.email, marketing=False)
    assert suppression_reasons(contact.installation_id, "email", contact.email) == {"hard_bounce"}


def test_a_soft_bounce_suppresses_nothing(client, message, contact):
    post(client, postmark_bounce(PROVIDER_ID, key_of(message), kind="SoftBounce"))
    assert MessageEvent.objects.get().kind == "bounced"
    assert not is_suppressed(contact.installation_id, "email", contact.email)


def test_a_transient_failure_is_kept_as_deferred(client, message):
    post(client, postmark_bounce(PROVIDER_ID, key_of(message), kind="Transient"))
    assert MessageEvent.objects.get().kind == "deferred"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_a_spam_complaint_suppresses_marketing(client, message, contact):
    post(client, postmark_spam_complaint(PROVIDER_ID, key_of(message)))
    assert MessageEvent.objects.get().kind == "complained"
    assert suppression_reasons(contact.installation_id, "email", contact.email) == {"complaint"}
    assert is_suppressed(contact.installation_id, "email", contact.email)
    assert not is_suppressed(contact.installation_id, "email", contact.email, marketing=False)


def test_an_unknown_record_type_is_kept(client, message):
    post(client, postmark_delivery(PROVIDER_ID, {}, RecordType="SomethingNew"))
    event = MessageEvent.objects.get()
    assert (event.kind, event.data["esp_event_type"]) == ("unknown", "unknown")


def test_an_event_of_no_message_of_ours_is_acknowledged_and_ignored(client, message):
    assert post(client, postmark_delivery("someone-elses-id", {})).status_code == 200
    assert not MessageEvent.objects.exists()


def test_the_status_never_moves_backwards(client, message):
    post(client, postmark_bounce(PROVIDER_ID, key_of(message)))
    post(client, postmark_delivery(PROVIDER_ID, key_of(message)))
    message.refresh_from_db()
    assert message.status == MessageStatus.BOUNCED
    assert MessageEvent.objects.count() == 2


@pytest.mark.parametrize(
    "auth",
    [{}, basic_auth("anymail-hook:wrong"), {"HTTP_AUTHORIZATION": "Bearer anymail-hook"}],
)
def test_bad_auth_is_refused_and_stores_nothing(client, message, auth):
    response = post(client, postmark_bounce(PROVIDER_ID, key_of(message)), auth=auth)
    assert response.status_code == 400
    assert not MessageEvent.objects.exists()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_without_a_webhook_secret_basic_auth_only_esps_are_refused(client, message, settings):
    settings.ANYMAIL = {}
    with pytest.warns(Warning, match="insecure"):
        response = post(client, postmark_delivery(PROVIDER_ID, {}), auth={})
    assert response.status_code == 400
    assert not MessageEvent.objects.exists()


def test_an_interrupted_send_that_was_delivered_gets_its_sent_time(client, contact):
    message = sent_message(
        contact, provider_message_id=PROVIDER_ID, status=MessageStatus.FAILED_UNKNOWN, sent_at=None
    )
    post(client, postmark_delivery(PROVIDER_ID, {}))
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert message.sent_at.isoformat().startswith("2026-06-15T12:05:54")
