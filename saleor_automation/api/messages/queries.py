"""Reading messages, filtered by channel, status, flow, node and period."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from ...messaging.models import Message
from ...messaging.selectors import message_list
from ..context import Info
from ..ids import node_pk
from ..permissions import READ
from .types import MessageChannelEnum, MessageStatusEnum, MessageType


@strawberry.type
class Query:
    @strawberry_django.connection(DjangoListConnection[MessageType], extensions=READ())
    def messages(
        self,
        info: Info,
        channel: MessageChannelEnum | None = None,
        status: MessageStatusEnum | None = None,
        flow_id: relay.GlobalID | None = None,
        node_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        search: str | None = None,
    ) -> Iterable[Message]:
        """Messages newest first; the period is when they were queued (`since` inclusive,
        `until` exclusive); `search` is part of the address (any case). With `flowId` and
        `nodeId`, the recipients of one node."""
        flow_pk = None
        if flow_id is not None:
            flow_pk = node_pk(flow_id, "Flow")
            if flow_pk is None:
                return Message.objects.none()
        messages: QuerySet[Message] = message_list(
            installation_id=info.context.installation.pk,
            channel=channel.value if channel else None,
            status=status.value if status else None,
            flow_id=flow_pk,
            node_id=node_id,
            since=since,
            until=until,
            address=search.strip() if search and search.strip() else None,
        )
        return messages
