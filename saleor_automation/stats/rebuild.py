"""Recomputing an installation's counters from the raw rows.

The append-only sources are counted up to the current watermarks, so the next incremental
run goes on from there without counting anything twice; sent messages and conversions are
re-marked from scratch, and attributed lines counted again from zero after their amounts
are brought back in line with the mirrored orders (attribution_resync, which also decides
orders no event attributed). Runs under the watermark lock: no rollup interleaves.
"""

from django.db import transaction

from ..saleor.models import Installation
from .attribution_services import attribution_resync
from .counters import (
    count_attribution,
    count_conversions,
    count_events,
    count_sent,
    count_steps,
)
from .models import AttributedLine, StatsCounted, StatsCounter
from .rollup import watermarks_lock


def stats_rebuild(installation: Installation) -> None:
    with transaction.atomic():
        marks = watermarks_lock()
        StatsCounter.objects.filter(installation=installation).delete()
        # Swept backfill runs stay marked: their orders' attribution is not a counter.
        StatsCounted.objects.filter(installation=installation).exclude(
            kind=StatsCounted.KIND_BACKFILL
        ).delete()
        attribution_resync(installation)
        AttributedLine.objects.filter(installation=installation).update(
            counted_amount=0, counted_orders=0, counted_flow_orders=0
        )
        count_steps(after_id=0, upto_id=marks["steprun"].last_id, installation_id=installation.pk)
        count_events(
            after_id=0, upto_id=marks["messageevent"].last_id, installation_id=installation.pk
        )
        count_sent(installation_id=installation.pk)
        count_conversions(installation_id=installation.pk)
        count_attribution(installation_id=installation.pk)
