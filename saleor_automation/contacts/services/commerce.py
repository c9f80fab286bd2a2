"""What checkouts and orders share: who the buyer is, and money fields."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ...saleor import payloads
from ...saleor.models import Installation
from ..models import Contact
from .contacts import (
    address_values,
    contact_fill_blanks,
    contact_resolve,
    is_staff_user,
    normalise_email,
)
from .erasure import erasure_blocks


@dataclass(frozen=True)
class Buyer:
    user_id: str | None
    email: str | None  # normalised
    erased: bool
    staff: bool


def buyer_identify(
    installation: Installation,
    user: payloads.UserRef | None,
    email: str | None,
    created: datetime | None,
) -> Buyer:
    """The person behind a checkout or order created at `created`."""
    user_id = user.id if user else None
    # The user's own email names the person; the order email may be typed for one purchase.
    identity = normalise_email((user.email if user else None) or email)
    erased = erasure_blocks(installation, user_id=user_id, email=identity, as_of=created)
    staff = bool(user and user.is_staff) or is_staff_user(installation, user_id)
    return Buyer(user_id=user_id, email=identity, erased=erased, staff=staff)


def buyer_contact(
    installation: Installation,
    buyer: Buyer,
    user: payloads.UserRef | None,
    language_code: str | None,
    *addresses: payloads.Address | None,
) -> Contact | None:
    """The buyer's contact, created if needed and enriched where its profile is blank."""
    if buyer.erased or buyer.staff or not (buyer.user_id or buyer.email):
        return None
    contact = contact_resolve(
        installation, user_id=buyer.user_id, email=buyer.email, authoritative=False
    )
    if contact is not None:
        values = address_values(*addresses)
        if user is not None:
            values["first_name"] = user.first_name or values["first_name"]
            values["last_name"] = user.last_name or values["last_name"]
        values["language_code"] = language_code
        contact_fill_blanks(contact, values)
    return contact


def amount(money: payloads.Money | None, default: Decimal) -> Decimal:
    """The amount, or `default` (what is stored) when Saleor hid it."""
    return money.amount if money is not None and money.amount is not None else default


def gross(price: payloads.TaxedMoney | None) -> payloads.Money | None:
    return price.gross if price is not None else None
