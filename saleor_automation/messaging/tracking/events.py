"""Storing what happened to a message: one row per event, once.

message_event_record(message, kind, *, occurred_at, dedupe_key="", data=None)
    -> MessageEvent | None
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from ..models import Message, MessageEvent
from ..signals import message_event_recorded
from .status import message_status_advance


def message_event_record(
    message: Message,
    kind: str,
    *,
    occurred_at: datetime,
    dedupe_key: str = "",
    data: Mapping[str, Any] | None = None,
) -> MessageEvent | None:
    """Store an event of `message`, advance its status and send message_event_recorded, all
    in one transaction. Returns None, changing nothing, when an event with the same
    (message, kind, dedupe_key) exists: the ESP redelivered it."""
    with transaction.atomic():
        try:
            # A savepoint of its own: the unique constraint decides, even between two
            # workers handling the same redelivered webhook at once.
            with transaction.atomic():
                event = MessageEvent.objects.create(
                    installation_id=message.installation_id,
                    message=message,
                    kind=kind,
                    occurred_at=occurred_at,
                    dedupe_key=dedupe_key[:128],
                    data=dict(data or {}),
                )
        except IntegrityError:
            if not dedupe_key:
                raise
            return None
        message_status_advance(message.pk, kind, at=occurred_at)
        message_event_recorded.send(sender=MessageEvent, message=message, event=event)
    return event
