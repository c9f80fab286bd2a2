"""contacts/services/consent.py: a double opt-in confirmation becomes marketing consent, and
customer metadata that says nothing of consent does not take it back."""

from datetime import UTC, datetime

from saleor_automation.contacts.models import Contact
from saleor_automation.contacts.services.consent import contact_consent_confirm

from .conftest import body

CONFIRMED_AT = datetime(2026, 8, 22, 20, 0, tzinfo=UTC)


def test_a_confirmation_sets_consent_and_metadata_silence_keeps_it(deliver, installation):
    deliver("customer_created")  # no consent in the metadata
    contact = Contact.objects.get()
    assert contact.marketing_consent is None

    assert contact_consent_confirm(
        installation_id=installation.pk, contact_id=contact.pk, confirmed_at=CONFIRMED_AT
    )
    contact.refresh_from_db()
    assert (contact.marketing_consent, contact.consent_changed_at) == (True, CONFIRMED_AT)
    assert contact.consent_confirmed_at == CONFIRMED_AT

    silent = body("customer_updated")
    silent["user"]["metadata"] = [{"key": "birthday", "value": "1990-04-12"}]
    deliver("customer_updated", silent)
    contact.refresh_from_db()
    assert contact.marketing_consent is True and contact.birthday_month == 4

    deliver("customer_metadata_updated")  # the store says "no" later: that wins
    contact.refresh_from_db()
    assert contact.marketing_consent is False


def test_a_confirmation_is_scoped_to_its_installation(deliver, installation, other_installation):
    deliver("customer_created")
    contact = Contact.objects.get()
    assert not contact_consent_confirm(
        installation_id=other_installation.pk, contact_id=contact.pk, confirmed_at=CONFIRMED_AT
    )
    contact.refresh_from_db()
    assert contact.marketing_consent is None and contact.consent_confirmed_at is None


def test_without_a_confirmation_absent_metadata_still_means_unknown(deliver):
    deliver("customer_updated")  # consent "true"
    silent = body("customer_metadata_updated")
    silent["user"]["metadata"] = []
    deliver("customer_metadata_updated", silent)
    assert Contact.objects.get().marketing_consent is None
