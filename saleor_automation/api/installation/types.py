"""The store's settings for all its flows, as stored and as in effect."""

import strawberry
from django.conf import settings

from ...contacts.metadata import metadata_keys
from ...flows.policy import installation_policy
from ...saleor.models import Installation


@strawberry.type
class EffectiveSettings:
    """The values in force: the store's own choice, else the deployment default."""

    timezone: str
    frequency_cap_messages: int
    frequency_cap_hours: int
    assume_marketing_consent: bool
    birthday_metadata_key: str
    consent_metadata_key: str


@strawberry.type(name="InstallationSettings")
class InstallationSettingsType:
    """The store's own choices; null means "the deployment default" (see `effective`)."""

    saleor_api_url: str
    shop_name: str
    timezone: str | None
    frequency_cap_messages: int | None
    frequency_cap_hours: int | None
    assume_marketing_consent: bool | None
    birthday_metadata_key: str | None
    consent_metadata_key: str | None
    effective: EffectiveSettings

    @classmethod
    def of(cls, installation: Installation) -> "InstallationSettingsType":
        policy = installation_policy(installation)
        keys = metadata_keys(installation)
        cap = policy.cap
        return cls(
            saleor_api_url=installation.saleor_api_url,
            shop_name=installation.shop_name,
            timezone=installation.timezone or None,
            frequency_cap_messages=installation.frequency_cap_messages,
            frequency_cap_hours=installation.frequency_cap_hours,
            assume_marketing_consent=installation.assume_marketing_consent,
            birthday_metadata_key=installation.birthday_metadata_key or None,
            consent_metadata_key=installation.consent_metadata_key or None,
            effective=EffectiveSettings(
                timezone=policy.timezone,
                # No cap in force reads as 0 messages, as FREQUENCY_CAP_MESSAGES=0 does.
                frequency_cap_messages=cap.max_messages if cap else 0,
                frequency_cap_hours=(
                    settings.FREQUENCY_CAP_HOURS
                    if installation.frequency_cap_hours is None
                    else installation.frequency_cap_hours
                ),
                assume_marketing_consent=policy.assume_consent,
                birthday_metadata_key=keys.birthday,
                consent_metadata_key=keys.consent,
            ),
        )
