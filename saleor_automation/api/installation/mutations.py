"""Changing the store's settings."""

from typing import Any

import strawberry
import strawberry_django

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
    birthday_metadata_key: str | None = strawberry.UNSET
    consent_metadata_key: str | None = strawberry.UNSET


@strawberry.type
class Mutation:
    @strawberry_django.mutation(handle_django_errors=True, extensions=SETTINGS_WRITE())
    def installation_settings_update(
        self, info: Info, input: InstallationSettingsInput
    ) -> InstallationSettingsType:
        """Time zone, frequency cap, consent default and metadata keys of the store."""
        changes: dict[str, Any] = {
            name: value for name, value in vars(input).items() if value is not strawberry.UNSET
        }
        installation = installation_settings_update(
            installation=info.context.installation, changes=changes
        )
        return InstallationSettingsType.of(installation)
