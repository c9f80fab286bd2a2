"""Stats' own tables: counters, the rollup's watermarks, and which sent messages and
conversions were counted already. Stats never writes domain rows (STYLE.md section 7)."""

from django.db import models

from ..flows.models import Flow, FlowVersion
from ..saleor.models import Installation

__all__ = ["StatsCounted", "StatsCounter", "StatsWatermark"]


class StatsCounter(models.Model):
    """One metric of one node of one flow version on one (UTC) day. Rows are only ever
    incremented with INSERT ... ON CONFLICT DO UPDATE (stats.counters), never read-modified."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    # Indexed through the unique constraint (flow first, as the selectors filter on it).
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="+", db_index=False)
    version = models.ForeignKey(
        FlowVersion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    node_id = models.CharField(max_length=64)  # "" for flow-level metrics (conversions)
    day = models.DateField()
    metric = models.CharField(max_length=32)
    currency = models.CharField(max_length=3, blank=True, default="")  # "" for counts
    value = models.DecimalField(max_digits=24, decimal_places=3, default=0)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "version", "node_id", "day", "metric", "currency"],
                name="stats_counter_unique",
            )
        ]
        indexes = [models.Index(fields=["installation"], name="stats_counter_inst_idx")]

    def __str__(self) -> str:
        return f"{self.metric} of flow #{self.flow_id} {self.node_id} {self.day}"


class StatsWatermark(models.Model):
    """How far the rollup read an append-only table (by id). Rows up to `last_id` are
    counted; `seen_id` was the table's highest id at the previous run and is where the
    next run stops, so a row is only read once its transaction had a whole rollup interval
    to commit (ids are taken before commit, so the newest ids can hide gaps)."""

    source = models.CharField(max_length=32, unique=True)
    last_id = models.BigIntegerField(default=0)
    seen_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return f"{self.source} up to #{self.last_id}"


class StatsCounted(models.Model):
    """A sent message or a conversion that was counted. Those facts are updates of existing
    rows (sent_at, converted_at), not appended rows, so an id watermark cannot find them;
    this table makes counting them idempotent."""

    KIND_SENT = "sent"
    KIND_CONVERTED = "converted"

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()  # the Message or Enrollment id

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="stats_counted_unique")
        ]
        indexes = [models.Index(fields=["installation"], name="stats_counted_inst_idx")]

    def __str__(self) -> str:
        return f"counted {self.kind} #{self.object_id}"
