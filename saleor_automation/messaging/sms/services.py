"""Writes of the SMS layer: the per-installation settings, and what tracking events change.

    sms_config_get(*, installation_id) -> SmsConfig
    sms_config_by_webhook_key(webhook_key) -> SmsConfig | None
    sms_config_update(*, installation_id, sender=None, default_region=None) -> SmsConfig
    sms_webhook_key_rotate(*, installation_id) -> SmsConfig
    sms_webhook_urls(*, installation_id, provider="twilio") -> dict[str, str]
    sms_event_apply(event) -> None

An opt-out keyword suppresses the number for SMS (messaging.suppression, reason sms_stop)
and an opt-in lifts the recipient's own opt-outs; both send sms_consent_changed. A status
report becomes a MessageEvent through tracking's message_event_record (the one place that
stores events and advances a message's status); a report that the number cannot receive
SMS at all also suppresses it (hard_bounce). Log lines carry ids and types only.
"""

import logging
import re
import uuid

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from ..models import Message, MessageChannel, MessageEventKind
from ..suppression import suppression_add, suppression_remove
from ..suppression_models import SuppressionReason
from ..tracking.events import message_event_record
from .exceptions import SmsInvalidNumber
from .models import SmsConfig, new_webhook_key
from .phone import phone_normalise
from .signals import sms_consent_changed
from .status import SmsEventType, SmsTrackingEvent

__all__ = [
    "EVENT_KINDS",
    "sms_config_by_webhook_key",
    "sms_config_get",
    "sms_config_update",
    "sms_event_apply",
    "sms_webhook_key_rotate",
    "sms_webhook_urls",
]

logger = logging.getLogger(__name__)

# Status reports that become MessageEvents. queued and sent add nothing the outbox row does
# not say already (status, sent_at); they still reach sms_tracking receivers.
EVENT_KINDS: dict[str, str] = {
    SmsEventType.DELIVERED: MessageEventKind.DELIVERED,
    SmsEventType.UNDELIVERED: MessageEventKind.FAILED,
    SmsEventType.FAILED: MessageEventKind.FAILED,
    SmsEventType.UNKNOWN: MessageEventKind.UNKNOWN,
}

# An alphanumeric sender id: up to 11 letters, digits and spaces, at least one letter.
_ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")
_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")


def sms_config_get(*, installation_id: int) -> SmsConfig:
    """The installation's SMS settings, created (with a fresh webhook key) on first use."""
    config = SmsConfig.objects.filter(installation_id=installation_id).first()
    if config is not None:
        return config
    try:
        with transaction.atomic():
            return SmsConfig.objects.create(installation_id=installation_id)
    except IntegrityError:  # created meanwhile by a concurrent send
        return SmsConfig.objects.get(installation_id=installation_id)


def sms_config_by_webhook_key(webhook_key: str) -> SmsConfig | None:
    return SmsConfig.objects.filter(webhook_key=webhook_key).first()


def _clean_sender(sender: str) -> str:
    sender = sender.strip()
    if not sender or _SERVICE_SID.match(sender) or _ALPHANUMERIC_SENDER.match(sender):
        return sender
    try:
        return phone_normalise(sender)
    except SmsInvalidNumber:
        raise ValidationError(
            {
                "sender": "must be a phone number with its +country code, a messaging "
                "service id (MG...) or an alphanumeric sender id of up to 11 characters"
            }
        ) from None


def sms_config_update(
    *, installation_id: int, sender: str | None = None, default_region: str | None = None
) -> SmsConfig:
    """Change the store's sender and/or default region ("" restores the deployment's).
    Raises ValidationError naming the bad field."""
    config = sms_config_get(installation_id=installation_id)
    if sender is not None:
        config.sender = _clean_sender(sender)
    if default_region is not None:
        region = default_region.strip().upper()
        if region and region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValidationError({"default_region": "is not an ISO 3166 country code"})
        config.default_region = region
    config.save(update_fields=["sender", "default_region", "updated_at"])
    return config


def sms_webhook_key_rotate(*, installation_id: int) -> SmsConfig:
    """A new webhook key: the old URLs stop working at once (a leaked key, a reinstall).
    The provider's inbound URL must then be set again from sms_webhook_urls()."""
    config = sms_config_get(installation_id=installation_id)
    config.webhook_key = new_webhook_key()
    config.save(update_fields=["webhook_key", "updated_at"])
    return config


def sms_webhook_urls(*, installation_id: int, provider: str = "twilio") -> dict[str, str]:
    """The public URLs to give the provider for this store: "inbound" (replies, STOP/START:
    set it on the number or messaging service) and "status" (delivery reports: the app
    sends it with each message)."""
    key = sms_config_get(installation_id=installation_id).webhook_key
    return {
        kind: settings.APP_BASE_URL + reverse(f"sms:{provider}-{kind}", args=[key])
        for kind in ("inbound", "status")
    }


def sms_event_apply(event: SmsTrackingEvent) -> None:
    """What one verified event changes. Safe to run twice for a redelivered webhook."""
    if event.event_type in (SmsEventType.OPTED_OUT, SmsEventType.OPTED_IN):
        _consent_apply(event)
    elif event.event_type in EVENT_KINDS:
        _status_record(event)
    else:
        # queued/sent (two per message: debug), HELP and other replies (kept out of the
        # database: a reply's text is personal data with no use here).
        logger.debug(
            "%s %s event for installation %s (nothing to store)",
            event.provider,
            event.keyword or event.event_type,
            event.installation_id,
        )


def _consent_apply(event: SmsTrackingEvent) -> None:
    opted_in = event.event_type == SmsEventType.OPTED_IN
    source = f"sms:{event.provider.lower()}"
    if opted_in:
        # The recipient's own opt-outs only (STOP, an unsubscribe link); never an
        # operator's block.
        changed = bool(
            suppression_remove(
                event.installation_id, MessageChannel.SMS, event.recipient, source=source
            )
        )
    else:
        changed = suppression_add(
            event.installation_id,
            MessageChannel.SMS,
            event.recipient,
            SuppressionReason.SMS_STOP,
            source=source,
        )
    logger.info(
        "%s %s for installation %s (%s)",
        event.provider,
        event.keyword or event.event_type,
        event.installation_id,
        "applied" if changed else "already so",
    )
    # Every keyword is a statement of consent, sent even when the list did not change: a
    # store may have re-consented the person through its own channels since the last STOP.
    sms_consent_changed.send(
        sender=SmsTrackingEvent,
        installation_id=event.installation_id,
        phone=event.recipient,
        opted_in=opted_in,
        source=source,
        occurred_at=event.timestamp,
        provider_message_id=event.message_id,
    )


def _message_for(event: SmsTrackingEvent) -> Message | None:
    """By our key from the callback URL first: it is there before the send's worker has
    stored the provider's id, and status reports can arrive that fast."""
    try:
        key = uuid.UUID(event.message_key) if event.message_key else None
    except ValueError:
        key = None
    rows = Message.objects.filter(installation_id=event.installation_id, channel=MessageChannel.SMS)
    if key is not None:
        message = rows.filter(idempotency_key=key).first()
        if message is not None:
            return message
    if event.message_id:
        return rows.filter(provider_message_id=event.message_id).order_by("-pk").first()
    return None


def _status_record(event: SmsTrackingEvent) -> None:
    message = _message_for(event)
    if message is None:
        logger.info(
            "%s %s report matches no message of installation %s: ignored",
            event.provider,
            event.event_type,
            event.installation_id,
        )
        return
    data = {"provider": event.provider.lower(), "provider_status": event.provider_status}
    if event.error_code:
        data["error_code"] = event.error_code
    if event.description:
        data["description"] = event.description[:500]
    recorded = message_event_record(
        message,
        EVENT_KINDS[event.event_type],
        occurred_at=event.timestamp,
        # The provider sends each status of a message once (and again only as a retry).
        dedupe_key=f"{event.provider.lower()}:{event.provider_status or event.event_type}",
        data=data,
    )
    if recorded is None:
        return
    logger.info("%s %s of message %s stored", event.provider, event.event_type, message.pk)
    if event.permanent:
        # Like an email hard bounce: every further send would fail and cost money.
        suppression_add(
            message.installation_id,
            MessageChannel.SMS,
            event.recipient or message.to_address,
            SuppressionReason.HARD_BOUNCE,
            source=f"sms:{event.provider.lower()}",
            contact_id=message.contact_id,
        )
