"""A store's email identity: who email comes from and what its footer says.

    email_profile(installation_id) -> EmailProfile
    email_settings_update(*, installation, **fields) -> EmailSettings

A field the store left blank falls back to the deployment's setting (EMAIL_FROM_NAME,
DEFAULT_FROM_EMAIL, EMAIL_REPLY_TO, EMAIL_POSTAL_ADDRESS, EMAIL_CHECKOUT_URL,
EMAIL_PRODUCT_URL); the sender name then falls back to the shop's name as Saleor reported
it at install.
"""

from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError

from ..saleor.models import Installation
from .rendering.context import CHECKOUT_URL_SLOT, PRODUCT_URL_SLOT
from .sender_models import EmailSettings

EDITABLE = (
    "from_name",
    "from_email",
    "reply_to",
    "postal_address",
    "checkout_url",
    "product_url",
)
# URL settings -> the slot each must contain.
URL_SLOTS = {"checkout_url": CHECKOUT_URL_SLOT, "product_url": PRODUCT_URL_SLOT}


@dataclass(frozen=True)
class EmailProfile:
    from_name: str
    from_email: str
    reply_to: str
    postal_address: str
    checkout_url: str  # with "{token}"; "" when the store has none
    product_url: str  # with "{slug}" (and maybe "{channel}"); "" when the store has none
    store_name: str

    @property
    def from_header(self) -> str:
        """The From header: the name and address (Django encodes a name that is not ASCII)."""
        return formataddr((self.from_name, self.from_email)) if self.from_name else self.from_email


def email_profile(installation_id: int) -> EmailProfile:
    """The installation's settings over the deployment defaults (two indexed reads)."""
    row = EmailSettings.objects.filter(installation_id=installation_id).first()
    shop_name = (
        Installation.objects.filter(pk=installation_id).values_list("shop_name", flat=True).first()
        or ""
    )

    def pick(field: str, default: str) -> str:
        value = getattr(row, field, "") if row is not None else ""
        return value or default

    return EmailProfile(
        from_name=pick("from_name", settings.EMAIL_FROM_NAME or shop_name),
        from_email=pick("from_email", settings.DEFAULT_FROM_EMAIL),
        reply_to=pick("reply_to", settings.EMAIL_REPLY_TO),
        postal_address=pick("postal_address", settings.EMAIL_POSTAL_ADDRESS),
        checkout_url=pick("checkout_url", settings.EMAIL_CHECKOUT_URL),
        product_url=pick("product_url", settings.EMAIL_PRODUCT_URL),
        store_name=shop_name or settings.EMAIL_FROM_NAME,
    )


def email_settings_update(*, installation: Installation, **fields: str) -> EmailSettings:
    """Set some of the installation's email settings ("" restores the default). Raises
    ValidationError naming the bad field."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: "is not an email setting" for name in sorted(unknown)})
    row, _ = EmailSettings.objects.get_or_create(installation=installation)
    for name, value in fields.items():
        setattr(row, name, (value or "").strip())
    row.full_clean(exclude=["installation"])
    for name, slot in URL_SLOTS.items():
        value = getattr(row, name)
        if value and (slot not in value or not value.startswith(("https://", "http://"))):
            raise ValidationError({name: f"must be an http(s) URL containing {slot}"})
    row.save()
    return row
