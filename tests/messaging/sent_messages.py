"""Messages as the send path leaves them, for the tests of what happens after a send:
suppression, unsubscribe, links and tracking."""

import uuid
from typing import Any

from saleor_automation.messaging.models import Message, MessageStatus
from tests.flows.db_fixtures import NOW


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
