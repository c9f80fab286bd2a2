"""Reads over messages and suppressions; every one is scoped to an installation.

message_list(*, installation_id, channel=None, status=None, flow_id=None, node_id=None,
             since=None, until=None, address=None) -> QuerySet[Message]
message_list_for_enrollment(*, installation_id, enrollment_id) -> QuerySet[Message]
message_event_list(*, installation_id, message_id) -> QuerySet[MessageEvent]
suppression_list(*, installation_id, channel=None, address=None) -> QuerySet[Suppression]
"""

from datetime import datetime

from django.db.models import QuerySet

from .models import Message, MessageEvent
from .suppression import address_normalise
from .suppression_models import Suppression


def message_list(
    *,
    installation_id: int,
    channel: str | None = None,
    status: str | None = None,
    flow_id: int | None = None,
    node_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    address: str | None = None,
) -> QuerySet[Message]:
    """Messages newest first; the period is on created_at (when the message was queued),
    `since` inclusive and `until` exclusive; `address` matches part of to_address, any case."""
    messages = Message.objects.filter(installation_id=installation_id)
    if channel is not None:
        messages = messages.filter(channel=channel)
    if status is not None:
        messages = messages.filter(status=status)
    if flow_id is not None:
        # By label: messaging sits below flows and does not import its models.
        messages = messages.filter(enrollment__flow_id=flow_id)
    if node_id is not None:
        messages = messages.filter(node_id=node_id)
    if since is not None:
        messages = messages.filter(created_at__gte=since)
    if until is not None:
        messages = messages.filter(created_at__lt=until)
    if address is not None:
        messages = messages.filter(to_address__icontains=address)
    return messages.order_by("-created_at", "-id")


def message_list_for_enrollment(*, installation_id: int, enrollment_id: int) -> QuerySet[Message]:
    return Message.objects.filter(
        installation_id=installation_id, enrollment_id=enrollment_id
    ).order_by("created_at", "id")


def message_event_list(*, installation_id: int, message_id: int) -> QuerySet[MessageEvent]:
    return MessageEvent.objects.filter(
        installation_id=installation_id, message_id=message_id
    ).order_by("occurred_at", "id")


def suppression_list(
    *, installation_id: int, channel: str | None = None, address: str | None = None
) -> QuerySet[Suppression]:
    """Suppressions newest first; `address` matches the normalised address exactly."""
    rows = Suppression.objects.filter(installation_id=installation_id)
    if channel is not None:
        rows = rows.filter(channel=channel)
    if address:
        if channel is not None:
            rows = rows.filter(address=address_normalise(channel, address))
        else:
            rows = rows.filter(
                address__in={address_normalise(c, address) for c in ("email", "sms")}
            )
    return rows.order_by("-created_at", "-id")
