"""Changing the store's settings."""

from typing import Any

import strawberry
import strawberry_django
from django.db import transaction

from ...messaging.sender import email_settings_update
from ...saleor.installation_settings import installation_settings_update
from ..context import Info
from ..permissions import SETTINGS_WRITE
from .types import InstallationSettingsType


@strawberry.input
class InstallationSettingsInput:
    """Only the fields given change; null puts a field back to the deployment default."""

    timezone: str | None = strawberry.UNSET
    frequency_cap_messages: int | None = strawberry.UNSET
    frequency_cap_hours: int | None = strawberry.UNSET
    assume_marketing_consent: bool | None = strawberry.UNSET
    quiet_hours: str | None = strawberry.UNSET
    double_opt_in: bool | None = strawberry.UNSET
    birthday_metadata_key: str | None = strawberry.UNSET
    consent_metadata_key: str | None = strawberry.UNSET
    attribution_model: str | None = strawberry.UNSET
    attribution_click_days: int | None = strawberry.UNSET
    attribution_open_days: int | None = strawberry.UNSET
    checkout_url: str | None = strawberry.UNSET
    product_url: str | None = strawberry.UNSET
    from_name: str | None = strawberry.UNSET
    from_email: str | None = strawberry.UNSET
    reply_to: str | None = strawberry.UNSET
    postal_address: str | None = strawberry.UNSET


# Input fields kept with the store's email settings (messaging/sender.py), not on the
# installation row.
EMAIL_FIELDS = (
    "checkout_url",
    "product_url",
    "from_name",
    "from_email",
    "reply_to",
    "postal_address",
)


@strawberry.type
class Mutation:
    @strawberry_django.mutation(handle_django_errors=True, extensions=SETTINGS_WRITE())
    def installation_settings_update(
        self, info: Info, input: InstallationSettingsInput
    ) -> InstallationSettingsType:
        """Time zone, frequency cap, consent default, metadata keys, storefront URLs and
        sender of the store."""
        changes: dict[str, Any] = {
            name: value for name, value in vars(input).items() if value is not strawberry.UNSET
        }
        email = {name: changes.pop(name) or "" for name in EMAIL_FIELDS if name in changes}
        installation = info.context.installation
        # One transaction: a bad value in either part changes nothing.
        with transaction.atomic():
            installation = installation_settings_update(installation=installation, changes=changes)
            if email:
                email_settings_update(installation=installation, **email)
        return InstallationSettingsType.of(installation)
