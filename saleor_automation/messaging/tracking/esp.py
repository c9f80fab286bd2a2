"""Anymail's normalised tracking events -> our MessageEvents.

    esp_event_record(event, *, esp_name, now=None) -> MessageEvent | None
    message_for_esp_event(event) -> Message | None

An event is joined to our Message by our idempotency key in the message's ESP metadata
(set by the send path) or else by the ESP's message id. Unknown event types are kept as
"unknown", never dropped. Hard bounces, complaints and unsubscribes suppress the address.

The raw ESP payload (event.esp_event) never reaches a log: it is full of addresses. Log
lines carry the ESP name, the event type and our message id only.
"""

import hashlib
import json
import logging
import uuid
from datetime import datetime
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from django.db import transaction
from django.utils import timezone

from ..models import Message, MessageChannel, MessageEvent, MessageEventKind
from ..suppression import suppression_add
from ..suppression_models import SuppressionReason
from .events import message_event_record

logger = logging.getLogger(__name__)

# The metadata keys the send path may put our idempotency key under (anymail passes
# message.metadata to the ESP, which sends it back with every event).
METADATA_KEYS = ("message_key", "idempotency_key")

KINDS: dict[str, str] = {
    EventType.DELIVERED: MessageEventKind.DELIVERED,
    EventType.OPENED: MessageEventKind.OPENED,
    EventType.CLICKED: MessageEventKind.CLICKED,
    EventType.BOUNCED: MessageEventKind.BOUNCED,
    EventType.DEFERRED: MessageEventKind.DEFERRED,
    EventType.COMPLAINED: MessageEventKind.COMPLAINED,
    EventType.UNSUBSCRIBED: MessageEventKind.UNSUBSCRIBED,
    EventType.REJECTED: MessageEventKind.REJECTED,
    EventType.FAILED: MessageEventKind.FAILED,
    # queued, sent, autoresponded, subscribed and anything newer: kept as "unknown", with
    # the ESP's type in data["esp_event_type"].
}

# An ESP's own word for a bounce that anymail reports as BOUNCED/bounced but that is not
# permanent: Postmark's SoftBounce (a full mailbox) "might also receive HardBounce later".
SOFT_BOUNCE_TYPES = {"Postmark": {"SoftBounce"}}
_HARD_REASONS = {RejectReason.BOUNCED, RejectReason.INVALID}
# The longest text kept from an ESP's description or MTA response.
TEXT_LIMIT = 500


def _is_hard_bounce(event: AnymailTrackingEvent, esp_name: str) -> bool:
    if event.reject_reason not in _HARD_REASONS:
        return False
    if event.event_type == EventType.REJECTED:
        # The ESP refused to send to an address it knows to be bad (its own suppression list).
        return True
    if event.event_type != EventType.BOUNCED:
        return False
    esp_type = event.esp_event.get("Type") if isinstance(event.esp_event, dict) else None
    return esp_type not in SOFT_BOUNCE_TYPES.get(esp_name, set())


def suppression_reason(event: AnymailTrackingEvent, esp_name: str) -> str | None:
    """The suppression an event calls for, if any."""
    if _is_hard_bounce(event, esp_name):
        return SuppressionReason.HARD_BOUNCE
    if event.event_type == EventType.COMPLAINED or event.reject_reason == RejectReason.SPAM:
        return SuppressionReason.COMPLAINT
    if event.event_type == EventType.UNSUBSCRIBED or (
        event.event_type == EventType.REJECTED and event.reject_reason == RejectReason.UNSUBSCRIBED
    ):
        return SuppressionReason.UNSUBSCRIBED
    return None


def message_for_esp_event(event: AnymailTrackingEvent) -> Message | None:
    """Our message behind an event: by the idempotency key in its metadata, else by the
    ESP's message id."""
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    for key in METADATA_KEYS:
        value = metadata.get(key)
        if not value:
            continue
        try:
            idempotency_key = uuid.UUID(str(value))
        except ValueError:
            continue
        message = (
            Message.objects.select_related("installation")
            .filter(idempotency_key=idempotency_key)
            .first()
        )
        if message is not None:
            return message
    if event.message_id:
        return (
            Message.objects.select_related("installation")
            .filter(channel=MessageChannel.EMAIL, provider_message_id=str(event.message_id))
            .order_by("-pk")
            .first()
        )
    return None


def _dedupe_key(event: AnymailTrackingEvent) -> str:
    """What makes a redelivered event the same event. The ESP's timestamp first: event ids
    are not stable across retries for every ESP (anymail takes Mailgun's per-POST signature
    token as the id), while the time an event happened is. Then the id; then a hash of the
    payload."""
    if event.timestamp is not None:
        return f"t:{event.timestamp.isoformat()}"
    if event.event_id:
        return f"i:{event.event_id}"
    try:
        raw = json.dumps(event.esp_event, sort_keys=True, default=str)
    except (TypeError, ValueError):
        raw = repr(event.esp_event)
    return "h:" + hashlib.sha256(raw.encode()).hexdigest()


def _data(event: AnymailTrackingEvent, esp_name: str) -> dict[str, Any]:
    """What is kept of an event (erased with the message): no raw payload."""
    data: dict[str, Any] = {"esp": esp_name, "esp_event_type": str(event.event_type)}
    if event.event_id:
        data["esp_event_id"] = str(event.event_id)[:128]
    if event.reject_reason:
        data["reject_reason"] = str(event.reject_reason)
    if event.click_url:
        data["url"] = str(event.click_url)
    for name in ("description", "mta_response", "user_agent"):
        value = getattr(event, name, None)
        if value:
            data[name] = str(value)[:TEXT_LIMIT]
    return data


def esp_event_record(
    event: AnymailTrackingEvent, *, esp_name: str, now: datetime | None = None
) -> MessageEvent | None:
    """Store one tracking event from an ESP webhook; None when it matches none of our
    messages or was stored already. Any exception makes the webhook answer 500, so the ESP
    retries and the transaction leaves nothing half done."""
    message = message_for_esp_event(event)
    if message is None:
        # A test webhook from the ESP's dashboard, or mail this app did not send.
        logger.info("%s %s event matches no message: ignored", esp_name, event.event_type)
        return None
    kind = KINDS.get(event.event_type, MessageEventKind.UNKNOWN)
    occurred_at = event.timestamp or now or timezone.now()
    reason = suppression_reason(event, esp_name)
    with transaction.atomic():
        recorded = message_event_record(
            message,
            kind,
            occurred_at=occurred_at,
            dedupe_key=_dedupe_key(event),
            data=_data(event, esp_name),
        )
        if recorded is not None and reason is not None:
            suppression_add(
                message.installation_id,
                message.channel,
                message.to_address,
                reason,
                source=f"esp:{esp_name.lower()}",
                contact_id=message.contact_id,
            )
    if recorded is not None:
        logger.info("%s %s event of message %s stored", esp_name, kind, message.pk)
    return recorded
