"""What a tracking event says about a message's status. Statuses only move forward: a late
"delivered" after a bounce, or a redelivered event, changes nothing.

    message_status_advance(message_id, kind, *, at) -> bool
"""

from datetime import datetime

from django.db.models import Value
from django.db.models.functions import Coalesce

from ..models import Message, MessageEventKind, MessageStatus

# The status each event kind moves a message to, and the statuses it may move it from.
# An open, a click, a complaint or an unsubscribe prove delivery as much as "delivered"
# does (some ESPs send no delivery events). FAILED_UNKNOWN is in every "from" set: the event
# proves the interrupted send went out (or was refused). SENDING is not: the worker that sent
# it still has to record sent_at and the provider's id, and a fast webhook must not make it
# lose them; such an event is stored all the same.
_DELIVERED_FROM = (MessageStatus.SENT, MessageStatus.FAILED_UNKNOWN)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    MessageEventKind.DELIVERED: (MessageStatus.DELIVERED, _DELIVERED_FROM),
    MessageEventKind.OPENED: (MessageStatus.DELIVERED, _DELIVERED_FROM),
    MessageEventKind.CLICKED: (MessageStatus.DELIVERED, _DELIVERED_FROM),
    MessageEventKind.COMPLAINED: (MessageStatus.DELIVERED, _DELIVERED_FROM),
    MessageEventKind.UNSUBSCRIBED: (MessageStatus.DELIVERED, _DELIVERED_FROM),
    # A bounce can follow a "delivered" (a late non-delivery report), never the reverse.
    MessageEventKind.BOUNCED: (MessageStatus.BOUNCED, (*_DELIVERED_FROM, MessageStatus.DELIVERED)),
    # The ESP accepted the message, then refused or failed to send it: nothing went out.
    MessageEventKind.REJECTED: (MessageStatus.FAILED, _DELIVERED_FROM),
    MessageEventKind.FAILED: (MessageStatus.FAILED, _DELIVERED_FROM),
}


def message_status_advance(message_id: int, kind: str, *, at: datetime) -> bool:
    """Move the message's status for an event of `kind` that happened at `at`; True when it
    moved. One conditional UPDATE, so concurrent events cannot move it backwards."""
    if kind not in TRANSITIONS:
        return False
    status, from_statuses = TRANSITIONS[kind]
    fields: dict[str, object] = {"status": status}
    if status != MessageStatus.FAILED:
        # An interrupted send that turns out to have gone out gets a sent time.
        fields["sent_at"] = Coalesce("sent_at", Value(at))
    return bool(Message.objects.filter(pk=message_id, status__in=from_statuses).update(**fields))
