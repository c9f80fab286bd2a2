"""The outbox: messages are queued inside the caller's transaction and sent after it commits.

    message_render(template, values) -> str
    messages_queue(messages) -> list[Message]
    message_send(message_id, *, now=None) -> str
    messages_sweep(*, now, ...) -> SweepResult
    messages_cancel_queued(*, installation, flow_id, reason) -> int

A send goes queued -> sending in its own committed transaction before the channel is called,
then sending -> sent. A message found in `sending` was possibly sent by a worker that died
before recording it: it becomes failed_unknown and is never sent again automatically.
"""

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ..saleor.models import Installation
from .channels import console
from .models import Message, MessageStatus
from .signals import CancelSend, pre_send

logger = logging.getLogger(__name__)

INTERRUPTED = "interrupted while sending: it may or may not have gone out"
# A queued message older than this has lost its task (broker lost, crash before enqueue).
QUEUED_GRACE = timedelta(seconds=60)
# A message in `sending` longer than this lost its worker without the task coming back.
SENDING_LEASE = timedelta(minutes=10)
SWEEP_LIMIT = 5000

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def message_render(template: str, values: Mapping[str, object]) -> str:
    """`{first_name}` style substitution of known names; anything else stays as written, so
    a stray brace in a subject never breaks a send."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in values and values[name] is not None else match[0]

    return _PLACEHOLDER.sub(replace, template)


def messages_queue(messages: Sequence[Message]) -> list[Message]:
    """Insert unsaved messages; each comes back with its id. A message whose idempotency key
    exists already is not inserted again (the existing row's id is returned), so a repeated
    (enrollment, node) can never produce a second send. Call inside the transaction that
    records the decision to send."""
    if not messages:
        return []
    # ON CONFLICT DO UPDATE (a no-op on the key) rather than DO NOTHING: only the former
    # returns the ids of rows that were already there.
    return Message.objects.bulk_create(
        messages,
        update_conflicts=True,
        unique_fields=["idempotency_key"],
        update_fields=["idempotency_key"],
    )


def _error_text(exc: BaseException) -> str:
    """Type and first line only: provider errors can quote the address on later lines."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:500]


def _claim(message_id: int, now: datetime) -> Message | None:
    """Move a queued message to sending and commit; None when it must not be sent."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None
        if message.status == MessageStatus.SENDING:
            message.status = MessageStatus.FAILED_UNKNOWN
            message.error = INTERRUPTED
            message.save(update_fields=["status", "error"])
            logger.warning("message %s was interrupted while sending: left for a human", message.pk)
            return None
        if message.status != MessageStatus.QUEUED:
            return None
        # Consent can be withdrawn, a flow paused, between the decision and the send.
        try:
            pre_send.send(sender=Message, message=message)
        except CancelSend as cancel:
            message.status = MessageStatus.SKIPPED
            message.error = cancel.reason
            message.save(update_fields=["status", "error"])
            return None
        message.status = MessageStatus.SENDING
        message.sending_at = now
        message.save(update_fields=["status", "sending_at"])
    return message


def message_send(message_id: int, *, now: datetime | None = None) -> str:
    """Send one queued message through its channel; returns its status afterwards. Safe to
    call twice: only a queued message is ever handed to a channel."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        status = Message.objects.filter(pk=message_id).values_list("status", flat=True).first()
        return status or "missing"
    try:
        console.send(message)
    except Exception as exc:
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.FAILED, error=_error_text(exc)
        )
        logger.warning("message %s failed: %s", message.pk, type(exc).__name__)
        return MessageStatus.FAILED
    # FAILED_UNKNOWN too: a duplicate task may have judged this send interrupted while it
    # was in flight, but this worker knows it went out.
    Message.objects.filter(
        pk=message.pk, status__in=[MessageStatus.SENDING, MessageStatus.FAILED_UNKNOWN]
    ).update(status=MessageStatus.SENT, sent_at=timezone.now(), error="")
    return MessageStatus.SENT


@dataclass
class SweepResult:
    requeue: list[int] = field(default_factory=list)  # queued ids whose task was lost
    interrupted: int = 0  # sending rows marked failed_unknown


def messages_sweep(
    *,
    now: datetime,
    queued_grace: timedelta = QUEUED_GRACE,
    sending_lease: timedelta = SENDING_LEASE,
    limit: int = SWEEP_LIMIT,
) -> SweepResult:
    """The database is the source of truth: find messages whose task never came."""
    interrupted = Message.objects.filter(
        status=MessageStatus.SENDING, sending_at__lt=now - sending_lease
    ).update(status=MessageStatus.FAILED_UNKNOWN, error=INTERRUPTED)
    if interrupted:
        logger.warning("%s messages interrupted while sending: left for a human", interrupted)
    requeue = list(
        Message.objects.filter(status=MessageStatus.QUEUED, created_at__lt=now - queued_grace)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return SweepResult(requeue=requeue, interrupted=interrupted)


def messages_cancel_queued(*, installation: Installation, flow_id: int, reason: str) -> int:
    """Skip a flow's messages not yet handed to a channel (the flow was archived)."""
    return Message.objects.filter(
        installation=installation, enrollment__flow_id=flow_id, status=MessageStatus.QUEUED
    ).update(status=MessageStatus.SKIPPED, error=reason)
