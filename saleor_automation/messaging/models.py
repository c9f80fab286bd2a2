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
    UNKNOWN = "unknown"


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
    subject = models.CharField(max_length=998, blank=True, default="")
    body_text = models.TextField(blank=True, default="")
    # Marketing (needs consent, honours unsubscribes) as opposed to transactional.
    marketing = models.BooleanField(default=True)
    # A marketing message of a flow that takes part in frequency capping.
    counts_towards_cap = models.BooleanField(default=True)
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    created_at = models.DateTimeField(default=timezone.now)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        app_label = "saleor_automation"
        indexes = [
            # Frequency caps: a contact's recent sends, across flows.
            models.Index(fields=["contact", "created_at"], name="message_contact_recent_idx"),
            # The sweep: queued rows whose task was lost, sending rows whose worker died.
            models.Index(
                fields=["created_at"],
                name="message_unfinished_idx",
                condition=Q(status__in=["queued", "sending"]),
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

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return f"{self.kind} of message #{self.message_id}"
