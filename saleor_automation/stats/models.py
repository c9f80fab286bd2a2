"""Stats' own tables: counters, the rollup's watermarks, which sent messages and
conversions were counted already, and the revenue attribution of orders. Stats never writes
domain rows (STYLE.md section 7)."""

from django.db import models
from django.db.models import F, Q

from ..contacts.models import MONEY, Order
from ..flows.models import Flow, FlowVersion
from ..messaging.models import Message
from ..saleor.models import Installation

__all__ = [
    "AttributedLine",
    "AttributionKind",
    "OrderAttribution",
    "StatsCounted",
    "StatsCounter",
    "StatsWatermark",
]


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
    # For sources found by time instead (sends, conversions): the latest time counted.
    high_water = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return f"{self.source} up to #{self.last_id}"


class StatsCounted(models.Model):
    """A sent message or a conversion that was counted (or a backfill run whose orders were
    attributed). Those facts are updates of existing rows (sent_at, converted_at), not
    appended rows, so an id watermark cannot find them; this table makes counting them
    idempotent."""

    KIND_SENT = "sent"
    KIND_CONVERTED = "converted"
    KIND_BACKFILL = "backfill"  # a BackfillRun whose orders attribution swept

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()  # the Message, Enrollment or BackfillRun id

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="stats_counted_unique")
        ]
        indexes = [models.Index(fields=["installation"], name="stats_counted_inst_idx")]

    def __str__(self) -> str:
        return f"counted {self.kind} #{self.object_id}"


class AttributionKind(models.TextChoices):
    VOUCHER = "voucher"  # the order used a code a voucher node of the flow issued
    CART_RECOVERY = "cart_recovery"  # the order is the checkout a cart flow wrote about
    PRODUCT = "product"  # the line's product was clicked in the message (a recommendation)
    CLICK = "click"  # the last message clicked within the click window
    OPEN = "open"  # the last message opened within the open window ("click_or_open")


class OrderAttribution(models.Model):
    """The attribution decision of one order, made once (the unique order) when the order is
    first seen counted; later updates of the order only recompute its lines' amounts.
    `kind` and `message` are the order-level winner ("" / null: no message won the order;
    clicked products may still have won lines)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=AttributionKind.choices, blank=True)
    # Erasing a person deletes their messages; the figures stay (lines keep flow and node).
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        app_label = "saleor_automation"
        indexes = [models.Index(fields=["installation"], name="order_attribution_inst_idx")]

    def __str__(self) -> str:
        return f"attribution of order #{self.order_id} ({self.kind or 'none'})"


class AttributedLine(models.Model):
    """The part of an order credited to one message: one order line (or the whole order when
    it has no lines). `amount` is the line's share of the order's net revenue now (refunds
    deducted, zero once cancelled); `orders` / `flow_orders` are 1 on one line per (order,
    node) / (order, flow) while the order counts. The `counted_*` columns are what the
    counters hold already: the rollup adds the difference (stats.counters)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    attribution = models.ForeignKey(
        OrderAttribution, on_delete=models.CASCADE, related_name="lines"
    )
    # Saleor's order line id ("" for an order without lines): the mirror's OrderLine rows
    # are replaced on every order update, so they are not referenced by row.
    line_key = models.CharField(max_length=128, blank=True, default="")
    product_id = models.CharField(max_length=128, blank=True, default="")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attributed_lines"
    )
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="+", db_index=False)
    version = models.ForeignKey(
        FlowVersion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    node_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=AttributionKind.choices)
    touched_at = models.DateTimeField()  # the click, open or send that won the line
    day = models.DateField()  # the order's UTC day: its revenue and every refund land there
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**MONEY, default=0)
    orders = models.PositiveSmallIntegerField(default=0)
    flow_orders = models.PositiveSmallIntegerField(default=0)
    counted_amount = models.DecimalField(**MONEY, default=0)
    counted_orders = models.PositiveSmallIntegerField(default=0)
    counted_flow_orders = models.PositiveSmallIntegerField(default=0)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["attribution", "line_key"], name="attributed_line_unique"
            )
        ]
        indexes = [
            models.Index(fields=["installation"], name="attributed_line_inst_idx"),
            models.Index(fields=["message"], name="attributed_line_message_idx"),
            # What the rollup has still to count: a small partial index.
            models.Index(
                fields=["id"],
                name="attributed_line_pending_idx",
                condition=~Q(amount=F("counted_amount"))
                | ~Q(orders=F("counted_orders"))
                | ~Q(flow_orders=F("counted_flow_orders")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} of order line {self.line_key or '-'}"
