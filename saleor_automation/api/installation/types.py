"""The store's settings for all its flows, as stored and as in effect."""

from datetime import datetime

import strawberry
from django.conf import settings

from ...contacts.metadata import metadata_keys
from ...flows.policy import installation_policy
from ...messaging.delivery_status import ChannelStatus, delivery_status
from ...messaging.sender import email_profile
from ...messaging.sender_models import EmailSettings
from ...saleor.models import Installation
from ...stats.attribution import attribution_settings


@strawberry.type
class EffectiveSettings:
    """The values in force: the store's own choice, else the deployment default."""

    timezone: str
    frequency_cap_messages: int
    frequency_cap_hours: int
    assume_marketing_consent: bool
    quiet_hours: str = strawberry.field(
        description='Store-wide quiet hours in force, "HH:MM-HH:MM"; "" for none.'
    )
    double_opt_in: bool
    birthday_metadata_key: str
    consent_metadata_key: str
    checkout_url: str
    product_url: str
    from_name: str
    from_email: str
    reply_to: str
    postal_address: str
    attribution_model: str
    attribution_click_days: int
    attribution_open_days: int


@strawberry.type(name="ChannelDeliveryStatus")
class ChannelDeliveryStatusType:
    """How one channel's messages leave (set by the deployment's environment)."""

    provider: str = strawberry.field(description='For people: "Postmark (anymail)", "Twilio".')
    backend: str = strawberry.field(description="The backend's dotted path.")
    sends: bool = strawberry.field(
        description="False for development backends that deliver nothing (console, files)."
    )
    tracking: bool | None = strawberry.field(
        description="Email: provider tracking webhooks are authenticated (opens, bounces "
        "and complaints can be received). Null for channels without them."
    )
    last_sent_at: datetime | None = strawberry.field(description="The store's last send.")
    last_failure_at: datetime | None
    last_failure: str = strawberry.field(description="The provider's reason, or empty.")

    @classmethod
    def of(cls, status: ChannelStatus) -> "ChannelDeliveryStatusType":
        return cls(
            provider=status.provider,
            backend=status.backend,
            sends=status.sends,
            tracking=status.tracking,
            last_sent_at=status.last_sent_at,
            last_failure_at=status.last_failure_at,
            last_failure=status.last_failure,
        )


@strawberry.type(name="DeliveryStatus")
class DeliveryStatusType:
    email: ChannelDeliveryStatusType
    sms: ChannelDeliveryStatusType


def resolve_delivery(root: "InstallationSettingsType") -> DeliveryStatusType:
    status = delivery_status(root.installation_pk)
    return DeliveryStatusType(
        email=ChannelDeliveryStatusType.of(status.email),
        sms=ChannelDeliveryStatusType.of(status.sms),
    )


@strawberry.type(name="InstallationSettings")
class InstallationSettingsType:
    """The store's own choices; null means "the deployment default" (see `effective`)."""

    saleor_api_url: str
    shop_name: str
    timezone: str | None
    frequency_cap_messages: int | None
    frequency_cap_hours: int | None
    assume_marketing_consent: bool | None
    quiet_hours: str | None = strawberry.field(
        description=(
            'No marketing sends between these local times of each contact, "HH:MM-HH:MM" '
            '(e.g. 21:00-08:00, may cross midnight), or "off"; flows with quiet hours of '
            "their own use those. Null: the deployment default (QUIET_HOURS)."
        )
    )
    double_opt_in: bool | None = strawberry.field(
        description=(
            "New subscribers must confirm through a link in a confirmation email before "
            "marketing consent counts (the Welcome series sends it)."
        )
    )
    birthday_metadata_key: str | None
    consent_metadata_key: str | None
    checkout_url: str | None = strawberry.field(
        description="Storefront page that resumes a checkout, with {token} for its token."
    )
    product_url: str | None = strawberry.field(
        description=(
            "Storefront product page, with {slug} for the product's slug and optionally "
            "{channel} for the channel's: where recommended products link to."
        )
    )
    from_name: str | None = strawberry.field(description="The sender's name in From.")
    from_email: str | None = strawberry.field(description="The sender's address in From.")
    reply_to: str | None
    postal_address: str | None = strawberry.field(
        description="The store's postal address, shown in the footer of marketing emails."
    )
    attribution_model: str | None = strawberry.field(
        description='Which touches win an order\'s revenue: "click" (the last message '
        'clicked within attributionClickDays before the order) or "click_or_open" (also '
        "messages opened within attributionOpenDays). Vouchers and cart recoveries always "
        "attribute directly."
    )
    attribution_click_days: int | None
    attribution_open_days: int | None
    effective: EffectiveSettings
    delivery: DeliveryStatusType = strawberry.field(
        resolver=resolve_delivery,
        description="The email and SMS providers in use and the store's last send and failure.",
    )
    installation_pk: strawberry.Private[int] = 0

    @classmethod
    def of(cls, installation: Installation) -> "InstallationSettingsType":
        policy = installation_policy(installation)
        keys = metadata_keys(installation)
        cap = policy.cap
        attribution = attribution_settings(installation)
        own = EmailSettings.objects.filter(installation=installation).first()
        profile = email_profile(installation.pk)
        return cls(
            installation_pk=installation.pk,
            saleor_api_url=installation.saleor_api_url,
            shop_name=installation.shop_name,
            timezone=installation.timezone or None,
            frequency_cap_messages=installation.frequency_cap_messages,
            frequency_cap_hours=installation.frequency_cap_hours,
            assume_marketing_consent=installation.assume_marketing_consent,
            quiet_hours=installation.quiet_hours or None,
            double_opt_in=installation.double_opt_in,
            birthday_metadata_key=installation.birthday_metadata_key or None,
            consent_metadata_key=installation.consent_metadata_key or None,
            checkout_url=(own.checkout_url if own else "") or None,
            product_url=(own.product_url if own else "") or None,
            from_name=(own.from_name if own else "") or None,
            from_email=(own.from_email if own else "") or None,
            reply_to=(own.reply_to if own else "") or None,
            postal_address=(own.postal_address if own else "") or None,
            attribution_model=installation.attribution_model or None,
            attribution_click_days=installation.attribution_click_days,
            attribution_open_days=installation.attribution_open_days,
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
                quiet_hours=(
                    f"{policy.quiet_hours.start:%H:%M}-{policy.quiet_hours.end:%H:%M}"
                    if policy.quiet_hours
                    else ""
                ),
                double_opt_in=policy.double_opt_in,
                birthday_metadata_key=keys.birthday,
                consent_metadata_key=keys.consent,
                checkout_url=profile.checkout_url,
                product_url=profile.product_url,
                from_name=profile.from_name,
                from_email=profile.from_email,
                reply_to=profile.reply_to,
                postal_address=profile.postal_address,
                attribution_model=attribution.model,
                attribution_click_days=attribution.click_window.days,
                attribution_open_days=attribution.open_window.days,
            ),
        )
