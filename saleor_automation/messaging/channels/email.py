"""The email channel: one rendered outbox Message out through anymail (messaging/email.py).

    send(message) -> str      the provider's message id; raises when nothing went out

A marketing email carries the RFC 8058 one-click unsubscribe headers; every email carries
its idempotency key, as anymail metadata for ESPs' tracking webhooks and as a header for
plain SMTP, so an event can always be joined back to the row.
"""

import logging

from ..email import email_build, email_send
from ..models import Message
from ..sender import email_profile
from ..unsubscribe import list_unsubscribe_headers

__all__ = ["MESSAGE_KEY_HEADER", "send"]

logger = logging.getLogger(__name__)

MESSAGE_KEY_HEADER = "X-Message-Key"
METADATA_KEY = "message_key"  # the name tracking looks for (messaging/tracking/esp.py)


def send(message: Message) -> str:
    headers = {MESSAGE_KEY_HEADER: str(message.idempotency_key)}
    if message.marketing:
        headers.update(list_unsubscribe_headers(message))
    email = email_build(
        to=message.to_address,
        subject=message.subject,
        text=message.body_text,
        html=message.body_html,
        sender=email_profile(message.installation_id),
        headers=headers,
        metadata={METADATA_KEY: str(message.idempotency_key)},
        # One tag: some ESPs (Postmark) take no more.
        tags=["marketing" if message.marketing else "transactional"],
    )
    provider_id = email_send(email)
    # Ids and sizes only: the address and the text are personal data.
    logger.info("email message %s sent (%s bytes of HTML)", message.pk, len(message.body_html))
    return provider_id
