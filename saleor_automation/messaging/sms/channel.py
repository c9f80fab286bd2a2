"""The SMS channel: one outbox Message out through the configured backend.

    send(message) -> str      the provider's message id; raises an SmsError when nothing
                              went out (SmsInvalidNumber, SmsApiError, ...)

The number is normalised to E.164 here, at the boundary, read in the contact's country (then
the store's default region, then the deployment's SMS_DEFAULT_REGION). The store's sender
(SmsConfig.sender, else the deployment's SMS_SENDER) and the status callback URL with the
message's key go with it, so delivery reports find their way back to this row.
"""

import logging

from ..models import Message, MessageChannel
from ..suppression import is_suppressed, suppression_add
from ..suppression_models import SuppressionReason
from .backends import get_backend
from .backends.base import SmsMessage
from .exceptions import SmsApiError, SmsRecipientOptedOut
from .phone import phone_normalise
from .services import sms_config_get
from .settings import get_messaging_setting

__all__ = ["message_region", "send"]

logger = logging.getLogger(__name__)

SUPPRESSED = "the recipient opted out of SMS from this store"


def message_region(message: Message, default_region: str = "") -> str:
    """The region a message's number is read in when it has no +country code."""
    # By the relation's name: messaging reads the contact's country without importing
    # contacts, the layer above it.
    country = (
        Message.objects.filter(pk=message.pk).values_list("contact__country", flat=True).first()
        if message.pk
        else None
    )
    return (
        country or default_region or get_messaging_setting("sms_default_region", default="")
    ).upper()


def send(message: Message) -> str:
    config = sms_config_get(installation_id=message.installation_id)
    to = phone_normalise(message.to_address, message_region(message, config.default_region))
    # The send path checks suppression on the address as stored; a STOP is stored in E.164,
    # which a contact's number typed nationally ("06 12...") only matches once normalised.
    if is_suppressed(message.installation_id, MessageChannel.SMS, to, marketing=message.marketing):
        raise SmsRecipientOptedOut(SUPPRESSED)
    backend = get_backend()
    sms = SmsMessage(
        to=to,
        body=message.body_text,
        sender=config.sender or None,
        metadata={"message_key": str(message.idempotency_key)},
        status_callback=backend.status_callback_url(config.webhook_key),
    )
    try:
        backend.send_messages([sms])
    except SmsRecipientOptedOut:
        # The provider knows of a STOP this app missed (its inbound URL was not set up yet,
        # or the opt-out reached the provider another way): remember it.
        suppression_add(
            message.installation_id,
            MessageChannel.SMS,
            to,
            SuppressionReason.SMS_STOP,
            source=f"sms:{backend.provider_name.lower()}",
            contact_id=message.contact_id,
        )
        raise
    result = sms.send_result
    if result is None or not result.message_id:
        raise SmsApiError(f"{backend.provider_name} gave no message id")
    logger.info("sms message %s accepted by %s", message.pk, backend.provider_name)
    return result.message_id
