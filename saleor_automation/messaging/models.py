"""The outbox: a message is a row before it is a send, and what happened to it afterwards.

One (enrollment, node) pair sends at most once: its idempotency key is unique.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..saleor.models import Installation

__all__ = ["Message", "MessageChannel", "MessageEvent", "MessageEventKind", "MessageStatus"]


class MessageChannel(models.TextChoices):
    EMAIL = "email"
    SMS = "sms"


class MessageStatus(models.TextChoices):
    QUEUED = "queued"
    SENDING = "sending"  # committed before the channel is called
    SENT = "sent"
    FAILED = "failed"  # the channel refused it; nothing went out
    SKIPPED = "skipped"  # decided not to send (no address, consent withdrawn...)
    # Found in SENDING: the worker stopped between the channel call and the commit, so the
    # message may or may not have gone out. Never sent again automatically; a human decides.
    FAILED_UNKNOWN = "failed_unknown"
    # After SENT, moved by tracking events (messaging/tracking): the provider's final word.
    DELIVERED = "delivered"
    BOUNCED = "bounced"


class MessageEventKind(models.TextChoices):
    """The kinds flows see (flows.context.MessageEvent); "sent" is the message's sent_at."""

    DELIVERED = "delivered"
    OPENED = "opened"
    CLICKED = "clicked"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    UNSUBSCRIBED = "unsubscribed"
    FAILED = "failed"
    REJECTED = "rejected"
    DEFERRED = "deferred"  # a temporary failure (soft bounce): the ESP keeps trying
    UNKNOWN = "unknown"  # anything else an ESP reports; kept, never dropped


class Message(models.Model):
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    # Erasing a person deletes their messages: address and body are personal data. Named by
    # label: messaging sits below contacts and imports nothing from it.
    contact = models.ForeignKey(
        "saleor_automation.Contact", on_delete=models.CASCADE, related_name="+"
    )
    enrollment = models.ForeignKey(
        "saleor_automation.Enrollment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    node_id = models.CharField(max_length=64, blank=True, default="")
    channel = models.CharField(max_length=8, choices=MessageChannel.choices)
    # uuid5(enrollment, node) for flow sends; also given to the provider so tracking events
    # can be joined back.
    idempotency_key = models.UUIDField(unique=True)
    to_address = models.CharField(max_length=254)
    # What to render, written at queue time by the producer (the engine): the send node's
    # message content (messaging.rendering.content) and the data it is rendered with
    # (rendering.context.render_context_make). Empty content: subject and bodies below were
    # written by the producer and go out as they are.
    content = models.JSONField(default=dict, blank=True)
    render_context = models.JSONField(default=dict, blank=True)
    # What went out, rendered at send time (fresh data) and kept for audit and "view in
    # browser".
    language = models.CharField(max_length=35, blank=True, default="")
    subject = models.CharField(max_length=998, blank=True, default="")
    preheader = models.CharField(max_length=255, blank=True, default="")
    body_text = models.TextField(blank=True, default="")
    body_html = models.TextField(blank=True, default="")
    # The provider's id of the sent message (anymail_status.message_id, an SMS provider's
    # id, or our own Message-ID header over plain SMTP): tracking events are joined on it.
    provider_message_id = models.CharField(max_length=255, blank=True, default="")
    # Marketing (needs consent, honours unsubscribes) as opposed to transactional.
    marketing = models.BooleanField(default=True)
    # A marketing message of a flow that takes part in frequency capping.
    counts_towards_cap = models.BooleanField(default=True)
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    created_at = models.DateTimeField(default=timezone.now)
    sending_at = models.DateTimeField(null=True, blank=True)
    # A queued message whose send was deferred (DeferSend: data it needs was unreadable) is
    # not picked up by the sweep before this moment.
    retry_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        app_label = "saleor_automation"
        indexes = [
            # Frequency caps: a contact's recent sends, across flows.
            models.Index(fields=["contact", "created_at"], name="message_contact_recent_idx"),
            # Tracking webhooks find the message of a provider event.
            models.Index(fields=["provider_message_id"], name="message_provider_id_idx"),
            # The sweep: queued rows whose task was lost, sending rows whose worker died.
            models.Index(
                fields=["created_at"],
                name="message_unfinished_idx",
                condition=Q(status__in=["queued", "sending"]),
            ),
            # Flow messages by send time: the stats rollup's scan of recent sends
            # (count_sent) and reports over a period of sends. Partial: queued, skipped and
            # failed rows and messages outside flows cost it nothing.
            models.Index(
                fields=["sent_at"],
                name="message_flow_sent_idx",
                condition=Q(sent_at__isnull=False, enrollment__isnull=False),
            ),
            # The settings page's "last failure": failures are few, so the index is small.
            models.Index(
                fields=["installation", "created_at"],
                name="message_failed_idx",
                condition=Q(status__in=["failed", "failed_unknown", "bounced"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} message #{self.pk} ({self.status})"


class MessageEvent(models.Model):
    """Something that happened to a sent message (from tracking webhooks)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=MessageEventKind.choices)
    occurred_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)  # e.g. {"url": ...} for a click
    # The ESP's id of the event (or its timestamp): a redelivered webhook stores nothing
    # twice. Empty for the app's own click redirect, which dedupes bursts by time instead.
    dedupe_key = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["message", "kind", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="message_event_unique_dedupe",
            ),
        ]
        indexes = [
            # Flows and stats read a message's events by kind and time.
            models.Index(fields=["message", "kind", "occurred_at"], name="message_event_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of message #{self.message_id}"
