"""The state of a backfill: which page of which resource an import reached, so that it can
resume where it stopped."""

from django.db import models

from ..saleor.models import Installation

__all__ = ["BackfillRun"]


class BackfillStatus(models.TextChoices):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BackfillRun(models.Model):
    """One import of an installation's customers, orders and open checkouts from Saleor.

    `progress` holds per resource {"after": cursor, "done": bool, "imported": n, "total": n};
    a page and its cursor commit together, so a resumed run neither skips nor repeats a page.
    """

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=16, choices=BackfillStatus.choices, default=BackfillStatus.RUNNING
    )
    progress = models.JSONField(default=dict, blank=True)
    # Set for a reconciliation: only objects Saleor changed since then are read.
    since = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            # One running import per installation: two would race over the same cursors.
            models.UniqueConstraint(
                fields=["installation"],
                condition=models.Q(status="running"),
                name="backfill_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"backfill #{self.pk} ({self.status})"
