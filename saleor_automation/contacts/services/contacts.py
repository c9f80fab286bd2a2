"""Contacts: finding the one contact per person, merging, and applying customer payloads.

A person is one contact per installation and normalised email; a registered customer also
carries the Saleor user id. Guest checkouts and orders create contacts by email; when the
customer behind that email shows up, the guest contact becomes (or merges into) theirs.
Staff users are never contacts.
"""

import contextlib
from datetime import datetime

from django.utils import timezone

from ...messaging.sms.exceptions import SmsInvalidNumber
from ...messaging.sms.phone import phone_normalise
from ...saleor import payloads
from ...saleor.models import Installation
from ..exceptions import ContactConflict
from ..metadata import metadata_keys, parse_birthday, parse_consent
from ..models import Checkout, Contact, Order, StaffUser
from ..signals import contact_merged
from .erasure import erasure_blocks
from .facts import contact_facts_refresh
from .result import ApplyResult, is_stale

# Filled from checkouts and orders only while blank: the customer's profile is the authority.
BLANK_FILLED_FIELDS = (
    "first_name",
    "last_name",
    "language_code",
    "phone",
    "country",
    "city",
    "postal_code",
)


def normalise_email(value: str | None) -> str | None:
    """Emails compare stripped and lower-cased (Saleor itself lower-cases the domain only)."""
    if value is None:
        return None
    value = value.strip().lower()
    return value or None


def is_staff_user(installation: Installation, user_id: str | None) -> bool:
    return bool(user_id) and (
        StaffUser.objects.filter(installation=installation, saleor_user_id=user_id).exists()
    )


def _locked(installation: Installation):  # -> QuerySet[Contact]
    return Contact.objects.select_for_update().filter(installation=installation)


def contact_resolve(
    installation: Installation,
    *,
    user_id: str | None,
    email: str | None,
    authoritative: bool,
) -> Contact | None:
    """The contact (locked, created if needed) of a person seen as user id and/or email.

    `authoritative` means the email is the user's current one (a customer payload): a guest
    contact holding it is merged in and the contact moves to it. Otherwise (checkouts and
    orders, whose email may be old or typed for one purchase) the user id wins and the
    email only finds a contact when the user id has none. None when neither identifies one.
    """
    email = normalise_email(email)
    by_id = _locked(installation).filter(saleor_user_id=user_id).first() if user_id else None
    if by_id is not None and not (authoritative and email and email != by_id.email):
        return by_id
    by_email = _locked(installation).filter(email=email).first() if email else None
    if by_email is not None and user_id and by_email.saleor_user_id not in (None, user_id):
        raise ContactConflict("the email belongs to another registered contact")
    if by_id is not None:
        if by_email is not None:
            contact_merge(source=by_email, target=by_id)
        by_id.email = email
        by_id.save(update_fields=["email", "updated_at"])
        return by_id
    if by_email is not None:
        if user_id and by_email.saleor_user_id is None:
            by_email.saleor_user_id = user_id
            by_email.save(update_fields=["saleor_user_id", "updated_at"])
        return by_email
    if not email:
        return None
    contact, _ = Contact.objects.select_for_update().get_or_create(
        installation=installation, email=email, defaults={"saleor_user_id": user_id}
    )
    return contact


def contact_merge(*, source: Contact, target: Contact) -> None:
    """Fold a guest contact into another contact of the same person and delete it."""
    assert source.installation_id == target.installation_id
    contact_merged.send(
        sender=Contact, installation=target.installation, source=source, target=target
    )
    scope = {"installation_id": target.installation_id, "contact": source}
    Order.objects.filter(**scope).update(contact=target)
    Checkout.objects.filter(**scope).update(contact=target)
    for field in BLANK_FILLED_FIELDS:
        if not getattr(target, field):
            setattr(target, field, getattr(source, field))
    if target.birthday_month is None and source.birthday_month is not None:
        target.birthday_month = source.birthday_month
        target.birthday_day = source.birthday_day
        target.birthday_year = source.birthday_year
    if target.marketing_consent is None and source.marketing_consent is not None:
        target.marketing_consent = source.marketing_consent
        target.consent_changed_at = source.consent_changed_at
        target.consent_confirmed_at = source.consent_confirmed_at
    source.delete()
    target.save()
    contact_facts_refresh(target)


def contact_fill_blanks(contact: Contact, values: dict[str, str | None]) -> None:
    """Fill empty profile fields from commerce data (checkout or order addresses)."""
    changed = [
        field for field in BLANK_FILLED_FIELDS if values.get(field) and not getattr(contact, field)
    ]
    for field in changed:
        setattr(contact, field, values[field])
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])


def address_values(*addresses: payloads.Address | None) -> dict[str, str | None]:
    """Profile values from the first address that has each one."""
    values: dict[str, str | None] = dict.fromkeys(
        ("first_name", "last_name", "phone", "country", "city", "postal_code")
    )
    for address in addresses:
        if address is None:
            continue
        found = {
            "first_name": address.first_name,
            "last_name": address.last_name,
            "phone": address.phone,
            "country": address.country.code if address.country else None,
            "city": address.city,
            "postal_code": address.postal_code,
        }
        for field, value in found.items():
            values[field] = values[field] or value or None
    if values["phone"]:
        # E.164, so an SMS STOP from the provider finds the contact by its number.
        # An invalid number is kept as given: the send path reports it.
        with contextlib.suppress(SmsInvalidNumber):
            values["phone"] = phone_normalise(values["phone"], values["country"] or "")
    return values


def _staff_apply(installation: Installation, customer: payloads.Customer) -> ApplyResult:
    marker, created = StaffUser.objects.select_for_update().get_or_create(
        installation=installation, saleor_user_id=customer.id
    )
    if not created and is_stale(marker.saleor_updated_at, None, customer.updated_at, None):
        return ApplyResult(ignored="staff user", stale=True)
    marker.saleor_updated_at = customer.updated_at or marker.saleor_updated_at
    marker.save()
    contact = _locked(installation).filter(saleor_user_id=customer.id).first()
    if contact is not None:
        scope = {"installation": installation, "contact": contact}
        Order.objects.filter(**scope).update(contact=None)
        Checkout.objects.filter(**scope).update(contact=None)
        contact.delete()
    return ApplyResult(ignored="staff user")


def _profile(contact: Contact, customer: payloads.Customer, changed_at: datetime) -> None:
    for field in ("first_name", "last_name", "language_code"):
        value = getattr(customer, field)
        if value is not None:
            setattr(contact, field, value)
    for field in ("is_active", "is_confirmed", "date_joined"):
        value = getattr(customer, field)
        if value is not None:
            setattr(contact, field, value)
    location = address_values(customer.default_shipping_address, customer.default_billing_address)
    for field in ("phone", "country", "city", "postal_code"):
        if location[field]:
            setattr(contact, field, location[field])
    if customer.metadata is None:  # hidden by a permission error: unknown, keep what we have
        return
    keys = metadata_keys(contact.installation)
    birthday = parse_birthday(customer.metadata_value(keys.birthday))
    contact.birthday_month = birthday.month if birthday else None
    contact.birthday_day = birthday.day if birthday else None
    contact.birthday_year = birthday.year if birthday else None
    consent = parse_consent(customer.metadata_value(keys.consent))
    if consent is None and contact.consent_confirmed_at is not None:
        # Confirmed through a double opt-in link; the store's metadata just does not say.
        consent = contact.marketing_consent
    if consent != contact.marketing_consent:
        contact.marketing_consent = consent
        contact.consent_changed_at = changed_at
    sms_consent = parse_consent(customer.metadata_value(keys.sms_consent))
    # Absent from metadata: keep what a START/STOP reply recorded.
    if sms_consent is not None and sms_consent != contact.sms_consent:
        contact.sms_consent = sms_consent
        contact.sms_consent_changed_at = changed_at


def customer_apply(
    installation: Installation, customer: payloads.Customer, *, issued_at: datetime | None
) -> ApplyResult:
    """Create or update the contact of a Saleor customer (issued_at is None for backfill)."""
    if customer.is_staff:
        return _staff_apply(installation, customer)
    staff = StaffUser.objects.filter(installation=installation, saleor_user_id=customer.id).first()
    if staff is not None:
        if is_stale(staff.saleor_updated_at, None, customer.updated_at, None):
            return ApplyResult(ignored="staff user", stale=True)
        staff.delete()  # no longer staff: a customer from now on
    as_of = issued_at or customer.updated_at
    if erasure_blocks(installation, user_id=customer.id, email=None, as_of=as_of):
        return ApplyResult(ignored="erased person")
    existing = _locked(installation).filter(saleor_user_id=customer.id).first()
    if existing is not None and is_stale(
        existing.profile_updated_at, existing.profile_issued_at, customer.updated_at, issued_at
    ):
        return ApplyResult(contact=existing, stale=True)
    contact = contact_resolve(
        installation, user_id=customer.id, email=customer.email, authoritative=True
    )
    if contact is None:
        return ApplyResult(ignored="customer email not visible")
    _profile(contact, customer, changed_at=as_of or timezone.now())
    contact.profile_updated_at = customer.updated_at or contact.profile_updated_at
    contact.profile_issued_at = issued_at or contact.profile_issued_at
    contact.save()
    return ApplyResult(contact=contact)


def customer_email_change(
    installation: Installation,
    *,
    user_id: str,
    new_email: str | None,
    issued_at: datetime | None,
) -> ApplyResult:
    """ACCOUNT_EMAIL_CHANGED: move the customer's contact to the new email."""
    if not normalise_email(new_email):
        return ApplyResult(ignored="new email not visible")
    if is_staff_user(installation, user_id):
        return ApplyResult(ignored="staff user")
    if erasure_blocks(installation, user_id=user_id, email=None, as_of=issued_at):
        return ApplyResult(ignored="erased person")
    existing = _locked(installation).filter(saleor_user_id=user_id).first()
    if existing is not None and is_stale(
        existing.profile_updated_at, existing.profile_issued_at, issued_at, issued_at
    ):
        return ApplyResult(contact=existing, stale=True)
    contact = contact_resolve(installation, user_id=user_id, email=new_email, authoritative=True)
    if contact is None:
        return ApplyResult(ignored="new email not visible")
    if issued_at is not None:
        # The user row changed at about issuedAt: customer payloads rendered before the
        # change (older updatedAt) must not move the contact back to the old email.
        contact.profile_updated_at = max(filter(None, (contact.profile_updated_at, issued_at)))
        contact.profile_issued_at = max(filter(None, (contact.profile_issued_at, issued_at)))
        contact.save(update_fields=["profile_updated_at", "profile_issued_at", "updated_at"])
    return ApplyResult(contact=contact)
