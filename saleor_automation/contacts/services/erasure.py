"""Erasing a person (CUSTOMER_DELETED, ACCOUNT_DELETED) and keeping them erased.

Their contact and checkouts are deleted, their orders anonymised (amounts stay for revenue
figures) and a tombstone remembers the Saleor user id and a hash of the email with the
erasure's issuedAt: data that predates the erasure and arrives late is dropped, not mirrored.
"""

import hashlib
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from ...saleor.models import Installation
from ..models import Checkout, Contact, ErasureTombstone, Order
from .result import ApplyResult

ANONYMISED_ORDER_FIELDS = {
    "contact": None,
    "saleor_user_id": None,
    "email": "",
    "first_name": "",
    "last_name": "",
    "phone": "",
    "city": "",
    "postal_code": "",
    "anonymised": True,
}


def email_hash(installation: Installation, email: str) -> str:
    """Salted per installation so equal emails in two stores do not link up."""
    return hashlib.sha256(f"{installation.pk}:{email}".encode()).hexdigest()


def erasure_blocks(
    installation: Installation,
    *,
    user_id: str | None,
    email: str | None,
    as_of: datetime | None,
) -> bool:
    """Whether data about this person as of `as_of` predates their erasure.

    `as_of` is when the data was true: an event's issuedAt, a backfilled customer's
    updatedAt, an order's or checkout's creation. Unknown (None) counts as "before".
    """
    match = Q()
    if user_id:
        match |= Q(saleor_user_id=user_id)
    if email:
        match |= Q(email_hash=email_hash(installation, email))
    if not match:
        return False
    tombstones = ErasureTombstone.objects.filter(match, installation=installation)
    if as_of is not None:
        tombstones = tombstones.filter(erased_at__gte=as_of)
    return tombstones.exists()


def _tombstone(
    installation: Installation, user_id: str | None, hashed: str, erased_at: datetime
) -> None:
    if user_id:
        tombstone, created = ErasureTombstone.objects.select_for_update().get_or_create(
            installation=installation,
            saleor_user_id=user_id,
            defaults={"email_hash": hashed, "erased_at": erased_at},
        )
    else:
        tombstone = (
            ErasureTombstone.objects.select_for_update()
            .filter(installation=installation, saleor_user_id=None, email_hash=hashed)
            .first()
        )
        created = tombstone is None
        if created:
            ErasureTombstone.objects.create(
                installation=installation, email_hash=hashed, erased_at=erased_at
            )
    if not created:
        tombstone.erased_at = max(tombstone.erased_at, erased_at)
        tombstone.email_hash = hashed or tombstone.email_hash
        tombstone.save(update_fields=["erased_at", "email_hash"])


def person_erase(
    installation: Installation,
    *,
    user_id: str | None,
    email: str | None,
    issued_at: datetime | None,
) -> ApplyResult:
    """Erase everything about one person; `email` must already be normalised."""
    if not user_id and not email:
        return ApplyResult(ignored="erasure names no user id and no email")
    erased_at = issued_at or timezone.now()
    _tombstone(installation, user_id, email_hash(installation, email) if email else "", erased_at)

    # A guest contact with the email is the same person; a contact registered to another
    # user id is someone who took the address over, and stays.
    people = Q(saleor_user_id=user_id) if user_id else Q(pk__in=[])
    if email:
        people |= Q(email=email, saleor_user_id__isnull=True)
    contact_ids = list(
        Contact.objects.filter(people, installation=installation).values_list("pk", flat=True)
    )
    theirs = Q(contact_id__in=contact_ids)
    if user_id:
        theirs |= Q(saleor_user_id=user_id)
    if email:
        theirs |= Q(email=email, saleor_created_at__lte=erased_at)
        theirs |= Q(email=email, saleor_created_at__isnull=True)
    Checkout.objects.filter(theirs, installation=installation).delete()
    Order.objects.filter(theirs, installation=installation).update(
        **ANONYMISED_ORDER_FIELDS, updated_at=timezone.now()
    )
    Contact.objects.filter(installation=installation, pk__in=contact_ids).delete()
    return ApplyResult()
