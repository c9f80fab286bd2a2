"""Messages and what happened to them."""

import strawberry
import strawberry_django
from strawberry import auto, relay
from strawberry.scalars import JSON

from ...messaging.models import (
    Message,
    MessageChannel,
    MessageEvent,
    MessageEventKind,
    MessageStatus,
)
from ...messaging.selectors import message_event_list
from ..context import Info

MessageChannelEnum = strawberry.enum(MessageChannel, name="MessageChannel")
MessageStatusEnum = strawberry.enum(MessageStatus, name="MessageStatus")
MessageEventKindEnum = strawberry.enum(MessageEventKind, name="MessageEventKind")


@strawberry_django.type(MessageEvent, name="MessageEvent")
class MessageEventType:
    kind: MessageEventKindEnum
    occurred_at: auto
    data: JSON


@strawberry_django.type(Message, name="Message")
class MessageType(relay.Node):
    channel: MessageChannelEnum
    status: MessageStatusEnum
    node_id: auto
    to_address: auto
    subject: auto
    marketing: auto
    created_at: auto
    sent_at: auto
    error: auto

    @strawberry_django.field(only=["enrollment_id"])
    def enrollment_id(self) -> relay.GlobalID | None:
        message: Message = self  # type: ignore[assignment]
        if message.enrollment_id is None:
            return None
        return relay.GlobalID("Enrollment", str(message.enrollment_id))

    @strawberry_django.field(only=["installation_id"])
    def events(self, info: Info) -> list[MessageEventType]:
        """Tracking events, oldest first."""
        message: Message = self  # type: ignore[assignment]
        events = message_event_list(
            installation_id=info.context.installation.pk, message_id=message.pk
        )
        return list(events)  # type: ignore[arg-type]
