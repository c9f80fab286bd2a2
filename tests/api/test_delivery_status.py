"""installationSettings.delivery: the providers in use and the store's last send and
failure, for the settings page."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from saleor_automation.contacts.models import Contact
from saleor_automation.messaging.models import Message, MessageStatus

from .conftest import make_installation

pytestmark = pytest.mark.django_db

QUERY = """{ installationSettings { delivery {
  email { provider backend sends tracking lastSentAt lastFailureAt lastFailure }
  sms { provider sends tracking lastSentAt } } } }"""


def _message(installation, channel="email", **fields):
    contact, _ = Contact.objects.get_or_create(installation=installation, email="a@example.com")
    return Message.objects.create(
        installation=installation,
        contact=contact,
        channel=channel,
        idempotency_key=uuid.uuid4(),
        to_address="a@example.com" if channel == "email" else "+33612345678",
        **fields,
    )


def test_development_backends_say_they_send_nothing(as_staff, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.MESSAGING = {}
    settings.ANYMAIL = {"WEBHOOK_SECRET": []}
    data = as_staff(QUERY).data["installationSettings"]["delivery"]
    assert data["email"] == {
        "provider": "Console (prints, sends nothing)",
        "backend": "django.core.mail.backends.console.EmailBackend",
        "sends": False,
        "tracking": False,
        "lastSentAt": None,
        "lastFailureAt": None,
        "lastFailure": "",
    }
    assert data["sms"] == {
        "provider": "Console (prints, sends nothing)",
        "sends": False,
        "tracking": None,
        "lastSentAt": None,
    }


def test_an_esp_with_tracking_and_the_stores_own_last_send_and_failure(
    as_staff, settings, installation, signing_key
):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": ["user:secret"]}
    settings.MESSAGING = {
        "SMS_BACKEND": "saleor_automation.messaging.sms.backends.twilio.SmsBackend"
    }
    now = timezone.now()
    _message(installation, status=MessageStatus.SENT, sent_at=now - timedelta(hours=2))
    _message(installation, status=MessageStatus.FAILED, error="Postmark: inactive recipient")
    _message(installation, "sms", status=MessageStatus.SENT, sent_at=now - timedelta(hours=5))
    other = make_installation(signing_key, "shop-other", app_pk=9)
    _message(other, status=MessageStatus.SENT, sent_at=now)  # another store's: not ours

    data = as_staff(QUERY).data["installationSettings"]["delivery"]

    email = data["email"]
    assert (email["provider"], email["sends"], email["tracking"]) == (
        "Postmark (anymail)",
        True,
        True,
    )
    assert email["lastSentAt"] == (now - timedelta(hours=2)).isoformat()
    assert email["lastFailure"] == "Postmark: inactive recipient"
    assert email["lastFailureAt"] is not None
    assert data["sms"]["provider"] == "Twilio" and data["sms"]["sends"] is True
    assert data["sms"]["lastSentAt"] == (now - timedelta(hours=5)).isoformat()
