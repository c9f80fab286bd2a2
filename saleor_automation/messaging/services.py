"""The outbox: messages are queued inside the caller's transaction and sent after it commits.

    messages_queue(messages) -> list[Message]
    message_send(message_id, *, now=None) -> str
    message_test_send(*, installation_id, content, to_address, render_context=None) -> str
    messages_sweep(*, now, ...) -> SweepResult
    messages_cancel_queued(*, installation, flow_id, reason) -> int

A send goes queued -> sending in its own committed transaction before the channel is called,
then sending -> sent. The content is rendered inside that transaction (fresh data, and the
rendered subject and bodies are committed with `sending`, for audit); content that does not
render fails the message, it never raises out of the worker. A message found in `sending`
was possibly sent by a worker that died before recording it: it becomes failed_unknown and
is never sent again automatically.

A pre_send or pre_render receiver that cannot read what the message needs (Saleor down)
raises DeferSend: the message stays queued with `retry_at` set, the sweep hands it to a
worker again once that moment passed, each wait as long as the message has waited so far
(DEFER_MIN_DELAY to DEFER_MAX_DELAY), and after DEFER_LIMIT it is skipped with the reason.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..errors import error_text
from ..saleor.models import Installation
from .channels import channel_send
from .compose import COMPOSED_FIELDS, message_compose, store_of
from .email import email_build, email_send
from .models import Message, MessageStatus
from .rendering import Links, RenderError, email_render, sample_render_context
from .sender import email_profile
from .signals import CancelSend, DeferSend, pre_send
from .suppression import suppression_send_check

logger = logging.getLogger(__name__)

INTERRUPTED = "interrupted while sending: it may or may not have gone out"
# A queued message older than this has lost its task (broker lost, crash before enqueue).
QUEUED_GRACE = timedelta(seconds=60)
# A message in `sending` longer than this lost its worker without the task coming back.
SENDING_LEASE = timedelta(minutes=10)
SWEEP_LIMIT = 5000

RENDER_FAILED = "the content could not be rendered"
# Deferred sends (DeferSend): the first retry after a minute, then doubling, at most hourly;
# skipped a day after queueing, when the moment the message was written for has passed.
DEFER_MIN_DELAY = timedelta(minutes=1)
DEFER_MAX_DELAY = timedelta(hours=1)
DEFER_LIMIT = timedelta(hours=24)
DEFERRED = "deferred"
GAVE_UP = "not sent: deferred for too long"
MAX_ERROR = 1000
TEST_SUBJECT_PREFIX = "[Test] "


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
        # Consent can be withdrawn, a flow paused, an address suppressed, a checkout bought,
        # between the decision and the send.
        try:
            suppression_send_check(message)
            pre_send.send(sender=Message, message=message)
            message_compose(message)
        except CancelSend as cancel:
            message.status = MessageStatus.SKIPPED
            message.error = cancel.reason[:MAX_ERROR]
            message.save(update_fields=["status", "error"])
            return None
        except DeferSend as defer:
            _defer(message, defer.reason, now)
            return None
        except RenderError as error:
            # Content is validated when a flow is saved; this is the content of an older
            # version or data no validation foresaw. Reported on the row, never raised.
            message.status = MessageStatus.FAILED
            message.error = f"{RENDER_FAILED}: {error}"[:MAX_ERROR]
            message.save(update_fields=["status", "error"])
            logger.warning("message %s: %s (%s)", message.pk, RENDER_FAILED, _fields(error))
            return None
        message.status = MessageStatus.SENDING
        message.sending_at = now
        message.save(update_fields=["status", "sending_at", *COMPOSED_FIELDS])
    return message


def defer_delay(waited: timedelta) -> timedelta:
    """How long a deferred message waits before its next try, having waited `waited` since
    it was queued: as long again, so tries thin out while Saleor stays down."""
    return min(DEFER_MAX_DELAY, max(DEFER_MIN_DELAY, waited))


def _defer(message: Message, reason: str, now: datetime) -> None:
    """Leave the message queued for a later try, or skip it once it waited DEFER_LIMIT."""
    waited = now - message.created_at
    if waited >= DEFER_LIMIT:
        message.status = MessageStatus.SKIPPED
        message.error = f"{GAVE_UP}: {reason}"[:MAX_ERROR]
        message.save(update_fields=["status", "error"])
        logger.warning("message %s skipped: deferred for too long", message.pk)
        return
    message.retry_at = now + defer_delay(waited)
    message.error = f"{DEFERRED}: {reason}"[:MAX_ERROR]
    message.save(update_fields=["retry_at", "error"])
    logger.info("message %s deferred until %s", message.pk, message.retry_at.isoformat())


def _fields(error: RenderError) -> str:
    """The content fields at fault, for logs (the messages may quote personal data)."""
    return ", ".join(sorted({issue.field or "content" for issue in error.issues}))


def message_send(message_id: int, *, now: datetime | None = None) -> str:
    """Send one queued message through its channel; returns its status afterwards ("queued"
    when the send was deferred). Safe to call twice: only a queued message is ever handed
    to a channel."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        status = Message.objects.filter(pk=message_id).values_list("status", flat=True).first()
        return status or "missing"
    try:
        provider_id = channel_send(message)
    except Exception as exc:
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.FAILED, error=error_text(exc)
        )
        logger.warning("message %s failed: %s", message.pk, type(exc).__name__)
        return MessageStatus.FAILED
    # FAILED_UNKNOWN too: a duplicate task may have judged this send interrupted while it
    # was in flight, but this worker knows it went out.
    provider_id = (provider_id or "")[:255]
    updated = Message.objects.filter(
        pk=message.pk, status__in=[MessageStatus.SENDING, MessageStatus.FAILED_UNKNOWN]
    ).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), error="", provider_message_id=provider_id
    )
    if not updated:
        # A tracking event moved it on meanwhile; its later events still need the id.
        Message.objects.filter(pk=message.pk).update(provider_message_id=provider_id)
    return MessageStatus.SENT


def message_test_send(
    *,
    installation_id: int,
    content: Mapping[str, Any],
    to_address: str,
    render_context: Mapping[str, Any] | None = None,
) -> str:
    """Send email content to one address now, as the store's sender would (for the person
    writing it): rendered with `render_context` (default: sample data), subject marked
    "[Test] ", links untracked, footer links "#". Not an outbox message: no contact, no
    suppression or consent check, nothing recorded. Returns the provider's message id;
    raises RenderError for content that does not render, and the backend's error when
    nothing went out."""
    profile = email_profile(installation_id)
    rendered = email_render(
        content,
        render_context if render_context is not None else sample_render_context(),
        store=store_of(profile),
        links=Links(unsubscribe_url="#", preferences_url="#"),
    )
    email = email_build(
        to=to_address,
        subject=f"{TEST_SUBJECT_PREFIX}{rendered.subject}",
        text=rendered.text,
        html=rendered.html,
        sender=profile,
        tags=["test"],
    )
    provider_id = email_send(email)
    logger.info("test email of installation %s sent", installation_id)
    return provider_id


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
    """The database is the source of truth: find messages whose task never came, and
    deferred messages whose `retry_at` has come."""
    interrupted = Message.objects.filter(
        status=MessageStatus.SENDING, sending_at__lt=now - sending_lease
    ).update(status=MessageStatus.FAILED_UNKNOWN, error=INTERRUPTED)
    if interrupted:
        logger.warning("%s messages interrupted while sending: left for a human", interrupted)
    requeue = list(
        Message.objects.filter(status=MessageStatus.QUEUED, created_at__lt=now - queued_grace)
        .exclude(retry_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return SweepResult(requeue=requeue, interrupted=interrupted)


def messages_cancel_queued(*, installation: Installation, flow_id: int, reason: str) -> int:
    """Skip a flow's messages not yet handed to a channel (the flow was archived)."""
    return Message.objects.filter(
        installation=installation, enrollment__flow_id=flow_id, status=MessageStatus.QUEUED
    ).update(status=MessageStatus.SKIPPED, error=reason)
