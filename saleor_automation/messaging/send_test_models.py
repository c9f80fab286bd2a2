"""Test sends: one row per message sent to an address by hand (a node's "send test"), kept
to limit how many an installation may send. No address or content is kept: the row is a
count, not a copy of what went out."""

from django.db import models
from django.utils import timezone

from ..saleor.models import Installation

__all__ = ["SendTest"]


class SendTest(models.Model):
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "saleor_automation"
        indexes = [
            # The limit's count: an installation's test sends of the last hour.
            models.Index(fields=["installation", "created_at"], name="sendtest_recent_idx")
        ]

    def __str__(self) -> str:
        return f"test {self.channel} #{self.pk}"
