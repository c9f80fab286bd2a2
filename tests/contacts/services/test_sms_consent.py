"""SMS consent is separate from email consent: from its own metadata key or the recipient's
STOP/START reply; phones are kept in E.164 so a reply finds its contact."""

from datetime import UTC, datetime, timedelta

import pytest

from saleor_automation.contacts.models import Contact
from saleor_automation.messaging.sms.signals import sms_consent_changed
from tests.contacts.conftest import body

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _reply(installation, phone: str, opted_in: bool, at: datetime) -> None:
    sms_consent_changed.send(
        sender=None,
        installation_id=installation.pk,
        phone=phone,
        opted_in=opted_in,
        source="sms:twilio",
        occurred_at=at,
        provider_message_id="SM1",
    )


def test_metadata_sets_sms_consent_apart_from_email_consent(installation, deliver):
    payload = body("customer_updated")
    payload["user"]["defaultShippingAddress"]["phone"] = "(503) 555-0123"  # national format
    payload["user"]["metadata"].append({"key": "sms_consent", "value": "false"})

    deliver("customer_updated", payload)

    contact = Contact.objects.get()
    assert contact.phone == "+15035550123"
    assert (contact.marketing_consent, contact.sms_consent) == (True, False)


def test_stop_and_start_replies_set_it_and_an_older_reply_loses(installation, deliver):
    deliver("customer_updated")
    contact = Contact.objects.get()
    assert contact.sms_consent is None  # nothing said: SMS marketing stays off

    _reply(installation, "+15035550123", True, AT)
    _reply(installation, "+15035550123", False, AT - timedelta(minutes=1))  # late STOP

    contact.refresh_from_db()
    assert (contact.sms_consent, contact.sms_consent_changed_at) == (True, AT)
    _reply(installation, "+15035550123", False, AT + timedelta(minutes=1))
    contact.refresh_from_db()
    assert contact.sms_consent is False


def test_a_reply_never_reaches_another_installations_contact(
    installation, other_installation, deliver
):
    deliver("customer_updated")

    _reply(other_installation, "+15035550123", True, AT)

    assert Contact.objects.get().sms_consent is None
