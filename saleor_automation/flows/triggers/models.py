"""What the triggers remember between events: entries not started yet, the customer
metadata last seen (to see what changed), and segment membership.

Every row belongs to an Installation and cascades with its contact, so erasing a person
leaves nothing of theirs waiting here.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ...contacts.models import Contact
from ...saleor.models import Installation
from ..models import Flow

__all__ = ["MetadataSnapshot", "PendingEntry", "PendingKind", "SegmentMembership", "SegmentState"]


class PendingKind(models.TextChoices):
    # A checkout still changing: the entry is due idle_minutes after its last change.
    ABANDONMENT = "abandonment"
    # A higher-priority flow holds the contact: the entry is tried again at due_at.
    DEFERRED = "deferred"


class PendingEntry(models.Model):
    """An entry decided on but not started yet. The database holds its due time (never a
    Celery ETA); the pending-entries task claims due rows and runs the entry gate."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    entry_key = models.CharField(max_length=255, blank=True, default="")
    kind = models.CharField(max_length=16, choices=PendingKind.choices)
    # The trigger event (nodes.trigger.TriggerEvent) and the enrollment context to start with.
    trigger = models.CharField(max_length=64)
    context = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    # Abandonment: the checkout's last change (Saleor's updatedAt) the due time counts from.
    last_change_at = models.DateTimeField(null=True, blank=True)
    # Deferred: given up after this moment (a late birthday message is no message).
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "contact", "entry_key"], name="pendingentry_unique_key"
            )
        ]
        indexes = [
            models.Index(fields=["due_at"], name="pendingentry_due_idx"),
            models.Index(fields=["flow", "entry_key"], name="pendingentry_key_idx"),
        ]

    def __str__(self) -> str:
        return f"pending {self.kind} #{self.pk}"


class MetadataSnapshot(models.Model):
    """A contact's public customer metadata as last applied, so a customer event can say
    which keys changed. Written from customer events only (backfill sends none)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True)  # key -> value
    # The payload it was built from (the same staleness rule as the contact mirrors).
    saleor_updated_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return f"metadata of contact #{self.contact_id}"


class SegmentMembership(models.Model):
    """Whether a contact is inside a segment_entered flow's segment, and since when. Leaving
    keeps the row (is_member False, left_at set); entering again reopens it."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    is_member = models.BooleanField(default=True)
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    times_entered = models.PositiveIntegerField(default=1)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(fields=["flow", "contact"], name="segmentmember_unique")
        ]
        indexes = [
            models.Index(fields=["flow"], name="segmentmember_in_idx", condition=Q(is_member=True))
        ]

    def __str__(self) -> str:
        return f"segment member #{self.pk}"


class SegmentState(models.Model):
    """When a flow's segment was last evaluated, and for which version: the first evaluation
    of a version records who is inside already without enrolling them."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    flow = models.OneToOneField(Flow, on_delete=models.CASCADE, related_name="+")
    version_id = models.BigIntegerField()
    evaluated_at = models.DateTimeField()

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return f"segment state of flow #{self.flow_id}"
