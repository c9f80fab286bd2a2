"""The development channel: email through Django's configured email backend (the console by
default), SMS printed to standard output the way Django's console email backend prints mail.

Log lines carry the message id and sizes only: addresses and text are personal data.
"""

import logging
import sys
from typing import TextIO

from django.conf import settings
from django.core.mail import EmailMessage

from ..models import Message, MessageChannel

logger = logging.getLogger(__name__)


def send(message: Message, *, stream: TextIO | None = None) -> None:
    if message.channel == MessageChannel.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_address],
            # Lets a later tracking event be joined back to the outbox row.
            headers={"X-Message-Key": str(message.idempotency_key)},
        )
        email.send(fail_silently=False)
    elif message.channel == MessageChannel.SMS:
        out = stream or sys.stdout
        out.write(f"SMS to {message.to_address}:\n{message.body_text}\n{'-' * 40}\n")
        out.flush()
    else:
        raise ValueError(f"unknown channel {message.channel!r}")
    logger.info(
        "%s message %s handed to the console channel (%s characters)",
        message.channel,
        message.pk,
        len(message.body_text),
    )
