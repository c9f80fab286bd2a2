"""Mailgun tracking webhooks (signed with the webhook signing key, plus basic auth when a
WEBHOOK_SECRET is set) -> MessageEvents, statuses, suppressions."""

import pytest

from saleor_automation.messaging.models import MessageEvent, MessageStatus
from saleor_automation.messaging.suppression import is_suppressed, suppression_reasons
from tests.flows.db_fixtures import contact, installation
from tests.messaging.sent_messages import sent_message

from .payloads import as_json, basic_auth, mailgun_event

__all__ = ["contact", "installation"]  # fixtures used by name

URL = "/webhooks/esp/mailgun/tracking/"
HEADER_ID = "20260615121713.1.DF5966851B4BAA99@example.org"
PROVIDER_ID = f"<{HEADER_ID}>"  # anymail's Mailgun backend returns the id in brackets


@pytest.fixture
def message(contact):
    return sent_message(contact, provider_message_id=PROVIDER_ID)


def post(client, payload, auth=None):
    headers = basic_auth() if auth is None else auth
    return client.post(URL, as_json(payload), content_type="application/json", **headers)


def test_delivered_is_stored_and_moves_the_status(client, message):
    assert post(client, mailgun_event("delivered", HEADER_ID, {})).status_code == 200
    event = MessageEvent.objects.get()
    assert (event.message_id, event.kind, event.data["esp"]) == (message.pk, "delivered", "Mailgun")
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_matched_by_our_key_in_user_variables(client, contact):
    message = sent_message(contact)
    variables = {"message_key": str(message.idempotency_key)}
    post(client, mailgun_event("opened", "unknown@example.org", variables))
    assert MessageEvent.objects.get().message_id == message.pk


def test_a_redelivery_with_a_new_token_is_stored_once(client, message):
    post(client, mailgun_event("delivered", HEADER_ID, {}, token="a" * 50))
    post(client, mailgun_event("delivered", HEADER_ID, {}, token="b" * 50))
    assert MessageEvent.objects.count() == 1


def test_a_permanent_failure_is_a_hard_bounce(client, message, contact):
    payload = mailgun_event(
        "failed",
        HEADER_ID,
        {},
        severity="permanent",
        reason="bounce",
        **{"delivery-status": {"code": 550, "message": "5.1.1 No such user", "description": ""}},
    )
    post(client, payload)
    assert MessageEvent.objects.get().kind == "bounced"
    message.refresh_from_db()
    assert message.status == MessageStatus.BOUNCED
    assert suppression_reasons(contact.installation_id, "email", contact.email) == {"hard_bounce"}


def test_a_temporary_failure_is_deferred_and_suppresses_nothing(client, message, contact):
    post(client, mailgun_event("failed", HEADER_ID, {}, severity="temporary", reason="generic"))
    assert MessageEvent.objects.get().kind == "deferred"
    assert not is_suppressed(contact.installation_id, "email", contact.email)


def test_complaint_and_unsubscribe_suppress_marketing(client, message, contact):
    post(client, mailgun_event("complained", HEADER_ID, {}))
    post(client, mailgun_event("unsubscribed", HEADER_ID, {}))
    assert suppression_reasons(contact.installation_id, "email", contact.email) == {
        "complaint",
        "unsubscribed",
    }
    assert not is_suppressed(contact.installation_id, "email", contact.email, marketing=False)


def test_a_click_keeps_its_url(client, message):
    post(client, mailgun_event("clicked", HEADER_ID, {}, url="https://shop.example.com/p/1"))
    assert MessageEvent.objects.get().data["url"] == "https://shop.example.com/p/1"


def test_a_bad_signature_is_refused_and_stores_nothing(client, message):
    payload = mailgun_event("complained", HEADER_ID, {}, key="not-the-signing-key")
    assert post(client, payload).status_code == 400
    assert not MessageEvent.objects.exists()
    assert not is_suppressed(message.installation_id, "email", message.to_address)


def test_missing_basic_auth_is_refused_when_a_secret_is_set(client, message):
    assert post(client, mailgun_event("delivered", HEADER_ID, {}), auth={}).status_code == 400
    assert not MessageEvent.objects.exists()


def test_signature_alone_is_enough_without_a_webhook_secret(client, message, settings):
    settings.ANYMAIL = {
        "MAILGUN_WEBHOOK_SIGNING_KEY": settings.ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"]
    }
    assert post(client, mailgun_event("delivered", HEADER_ID, {}), auth={}).status_code == 200
    assert MessageEvent.objects.count() == 1
