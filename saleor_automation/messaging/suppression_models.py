"""Addresses a store must not write to: one row per (installation, channel, address, reason).

A row per reason rather than per address, so that lifting one reason (a resubscribe, an SMS
START) never lifts another (a hard bounce stays).
"""

from django.db import models
from django.utils import timezone

from ..saleor.models import Installation
from .models import MessageChannel

__all__ = ["Suppression", "SuppressionReason", "SuppressionScope"]


class SuppressionReason(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed"  # the recipient's own choice (link, one-click, ESP list)
    HARD_BOUNCE = "hard_bounce"  # the address does not exist
    COMPLAINT = "complaint"  # marked as spam
    MANUAL = "manual"  # an operator blocked it
    SMS_STOP = "sms_stop"  # replied STOP


class SuppressionScope(models.TextChoices):
    MARKETING = "marketing"  # marketing stops; transactional mail (receipts) still goes
    ALL = "all"  # nothing goes


class Suppression(models.Model):
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=MessageChannel.choices)
    # Normalised (suppression.address_normalise): lower-case email, digits-only phone with +.
    address = models.CharField(max_length=254)
    reason = models.CharField(max_length=16, choices=SuppressionReason.choices)
    # Derived from the reason when the row is written (suppression.REASON_SCOPE); stored so
    # the send-path query filters on a column instead of knowing the policy.
    scope = models.CharField(max_length=16, choices=SuppressionScope.choices)
    # Where it came from: "one_click", "preferences", "esp:postmark", "sms:twilio", ...
    source = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            # Its leading columns are the index of the send-path lookup (is_suppressed).
            models.UniqueConstraint(
                fields=["installation", "channel", "address", "reason"],
                name="suppression_unique_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} suppression ({self.reason})"
