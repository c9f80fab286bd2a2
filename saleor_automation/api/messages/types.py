"""Messages and what happened to them."""

from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import Prefetch
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
from ...stats.models import AttributedLine
from ..context import Info
from ..flows.types import Money

MessageChannelEnum = strawberry.enum(MessageChannel, name="MessageChannel")
MessageStatusEnum = strawberry.enum(MessageStatus, name="MessageStatus")
MessageEventKindEnum = strawberry.enum(MessageEventKind, name="MessageEventKind")


@strawberry_django.type(MessageEvent, name="MessageEvent")
class MessageEventType:
    kind: MessageEventKindEnum
    occurred_at: auto
    data: JSON


EVENTS_ATTR = "events_in_order"


def events_prefetch(info: Info | None = None) -> Prefetch:
    """A page of messages' events in one query (they share their message's installation)."""
    return Prefetch(
        "events", queryset=MessageEvent.objects.order_by("occurred_at", "id"), to_attr=EVENTS_ATTR
    )


ATTRIBUTED_ATTR = "attributed_lines_list"


def attributed_prefetch(info: Info | None = None) -> Prefetch:
    """A page of messages' attributed order lines in one query (same installation)."""
    lines = AttributedLine.objects.only("message_id", "orders", "currency", "amount")
    return Prefetch("attributed_lines", queryset=lines, to_attr=ATTRIBUTED_ATTR)


@strawberry.type(name="MessageAttribution")
class MessageAttributionType:
    """What the message won (stats.attribution): orders that still count, and their net
    revenue per currency (the lines credited to it, refunds deducted)."""

    orders: int
    revenue: list[Money]

    @classmethod
    def of(cls, lines: list[AttributedLine]) -> "MessageAttributionType":
        revenue: dict[str, Decimal] = {}
        for line in lines:
            revenue[line.currency] = revenue.get(line.currency, Decimal(0)) + line.amount
        return cls(
            orders=sum(line.orders for line in lines),  # one line per order carries it
            revenue=[Money(currency=c, amount=a) for c, a in sorted(revenue.items()) if a],
        )


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

    @strawberry_django.field(only=["installation_id"], prefetch_related=[events_prefetch])
    def events(self, info: Info) -> list[MessageEventType]:
        """Tracking events, oldest first."""
        message: Message = self  # type: ignore[assignment]
        prefetched = getattr(message, EVENTS_ATTR, None)
        if prefetched is not None:
            return prefetched  # a page's events, read in one query
        events = message_event_list(
            installation_id=info.context.installation.pk, message_id=message.pk
        )
        return list(events)  # type: ignore[arg-type]

    @strawberry_django.field(only=["installation_id"], prefetch_related=[attributed_prefetch])
    def attribution(self, info: Info) -> MessageAttributionType:
        message: Message = self  # type: ignore[assignment]
        lines = getattr(message, ATTRIBUTED_ATTR, None)
        if lines is None:
            lines = list(
                AttributedLine.objects.filter(
                    installation=info.context.installation, message_id=message.pk
                )
            )
        return MessageAttributionType.of(lines)
