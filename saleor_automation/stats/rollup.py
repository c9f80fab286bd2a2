"""The incremental rollup: counts what was written since the last run.

Why a periodic rollup rather than counting in the engine's transaction: the hot paths
(engine advances, tracking webhooks) stay untouched and the counters are exact and
rebuildable from the rows alone.

- StepRun and MessageEvent are append-only: a watermark per table (`id > last_id`, in
  batches, each batch committed with its watermark). A run stops at the highest id the
  *previous* run saw, so a row is read only after its transaction had one rollup interval
  to commit; a transaction open longer than that could be skipped (stats_rebuild repairs).
- Sent messages and conversions update existing rows, so they are found by state
  (sent_at / converted_at set, from the latest stamp the previous run saw minus
  STAMPED_LOOKBACK, through partial indexes) and marked in StatsCounted as counted.
- Attributed order lines carry their own counted state (counted_amount, counted_orders):
  the rollup adds the difference, so refunds and cancellations move the counters too.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max

from ..flows.models import Enrollment, StepRun
from ..messaging.models import Message, MessageEvent
from .counters import (
    count_attribution,
    count_conversions,
    count_events,
    count_sent,
    count_steps,
)
from .models import StatsWatermark

BATCH = 10_000
# Sends and conversions are found by time: each run reads the rows stamped from the
# latest time the previous run saw, minus this lookback (the first run reads them all), so
# a run reads the recent rows only. A row committed with a stamp older than that (a
# transaction open for two days) is left to stats_rebuild.
STAMPED_LOOKBACK = timedelta(days=2)
STAMPED = {
    "sent": (
        Message.objects.filter(sent_at__isnull=False, enrollment__isnull=False),
        "sent_at",
        count_sent,
    ),
    "converted": (
        Enrollment.objects.filter(converted_at__isnull=False),
        "converted_at",
        count_conversions,
    ),
}
SOURCES = {"steprun": (StepRun, count_steps), "messageevent": (MessageEvent, count_events)}


def watermarks_lock() -> dict[str, StatsWatermark]:
    """The watermark rows, locked until the caller's transaction ends (rollups and
    rebuilds run one at a time)."""
    StatsWatermark.objects.bulk_create(
        [StatsWatermark(source=source) for source in SOURCES], ignore_conflicts=True
    )
    rows = StatsWatermark.objects.select_for_update().filter(source__in=SOURCES)
    return {row.source: row for row in rows.order_by("source")}


def stats_rollup(*, settle: bool = True) -> dict[str, int]:
    """Count everything new; returns the number of counter rows touched per source.
    `settle=False` reads up to the newest row now (tests, and a quiet system)."""
    touched: dict[str, int] = {}
    for source, (model, count) in SOURCES.items():
        touched[source] = 0
        while True:
            with transaction.atomic():
                mark = watermarks_lock()[source]
                newest = model.objects.aggregate(newest=Max("id"))["newest"] or 0
                upto = min(newest if not settle else mark.seen_id, mark.last_id + BATCH)
                if upto > mark.last_id:
                    touched[source] += count(after_id=mark.last_id, upto_id=upto)
                    mark.last_id = upto
                done = upto >= (newest if not settle else mark.seen_id)
                if done:
                    mark.seen_id = max(newest, mark.last_id)
                mark.save(update_fields=["last_id", "seen_id", "updated_at"])
            if done:
                break
    with transaction.atomic():
        watermarks_lock()
        for source, (rows, column, count) in STAMPED.items():
            mark, _ = StatsWatermark.objects.select_for_update().get_or_create(source=source)
            newest = rows.aggregate(newest=Max(column))["newest"]
            since = mark.high_water - STAMPED_LOOKBACK if mark.high_water else None
            touched[source] = count(since=since)
            if newest is not None:
                mark.high_water = max(newest, mark.high_water or newest)
                mark.save(update_fields=["high_water", "updated_at"])
        touched["attributed"] = count_attribution()
    return touched
