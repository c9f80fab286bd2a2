"""Messages as the engine queues them (for the send path's tests) and as the send path
leaves them (for what happens after a send: suppression, unsubscribe, links, tracking)."""

import uuid
from typing import Any

from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import messages_queue
from tests.flows.db_fixtures import NOW

from .rendering.content_samples import CART, render_context


def sent_message(contact, channel: str = "email", **fields: Any) -> Message:
    values: dict[str, Any] = {
        "installation_id": contact.installation_id,
        "contact": contact,
        "node_id": "s1",
        "channel": channel,
        "idempotency_key": uuid.uuid4(),
        "to_address": contact.email if channel == "email" else "+33612345678",
        "subject": "Hello",
        "body_text": "Your cart misses you",
        "created_at": NOW,
        "status": MessageStatus.SENT,
        "sent_at": NOW,
    }
    values.update(fields)
    return Message.objects.create(**values)


def queued_email(contact, content=CART, marketing=True, **context: Any) -> Message:
    """A queued email with content to render at send time (`context` -> render_context)."""
    (message,) = messages_queue(
        [
            Message(
                installation_id=contact.installation_id,
                contact=contact,
                node_id="s1",
                channel="email",
                idempotency_key=uuid.uuid4(),
                to_address=contact.email,
                content=content,
                render_context=render_context(**context),
                marketing=marketing,
                created_at=NOW,
            )
        ]
    )
    return message
