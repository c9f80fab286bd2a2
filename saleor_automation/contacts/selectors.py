"""Reads over contacts and mirrors; every one is scoped to an installation."""

from decimal import Decimal

from django.db.models import QuerySet

from ..saleor.models import Installation
from .backfill_models import BackfillRun, BackfillStatus
from .models import Checkout, Contact, ContactSpend, Order
from .services.contacts import normalise_email


def contact_get(
    installation: Installation,
    *,
    email: str | None = None,
    saleor_user_id: str | None = None,
) -> Contact | None:
    """The contact with this email or Saleor user id (exactly one must be given)."""
    if (email is None) == (saleor_user_id is None):
        raise ValueError("pass exactly one of email and saleor_user_id")
    contacts = Contact.objects.filter(installation=installation)
    if email is not None:
        return contacts.filter(email=normalise_email(email)).first()
    return contacts.filter(saleor_user_id=saleor_user_id).first()


def contact_list(installation: Installation) -> QuerySet[Contact]:
    return Contact.objects.filter(installation=installation).order_by("id")


def contact_spend(contact: Contact) -> dict[str, Decimal]:
    """Spend per currency (gross minus refunds of counted orders)."""
    rows = ContactSpend.objects.filter(installation_id=contact.installation_id, contact=contact)
    return {row.currency: row.amount for row in rows}


def order_get(installation: Installation, saleor_id: str) -> Order | None:
    return Order.objects.filter(installation=installation, saleor_id=saleor_id).first()


def order_list_for_contact(contact: Contact) -> QuerySet[Order]:
    return Order.objects.filter(installation_id=contact.installation_id, contact=contact).order_by(
        "saleor_created_at", "id"
    )


def checkout_get(installation: Installation, saleor_id: str) -> Checkout | None:
    return Checkout.objects.filter(installation=installation, saleor_id=saleor_id).first()


def backfill_run_list(installation: Installation) -> QuerySet[BackfillRun]:
    """The installation's imports, latest first, with their progress per resource."""
    return BackfillRun.objects.filter(installation=installation).order_by("-started_at", "-id")


def backfill_run_running(installation: Installation) -> BackfillRun | None:
    return backfill_run_list(installation).filter(status=BackfillStatus.RUNNING).first()
