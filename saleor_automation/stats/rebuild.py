"""Recomputing an installation's counters from the raw rows.

The append-only sources are counted up to the current watermarks, so the next incremental
run goes on from there without counting anything twice; sent messages and conversions are
re-marked from scratch. Runs under the watermark lock: no rollup interleaves.
"""

from django.db import transaction

from ..saleor.models import Installation
from .counters import count_conversions, count_events, count_sent, count_steps
from .models import StatsCounted, StatsCounter
from .rollup import watermarks_lock


def stats_rebuild(installation: Installation) -> None:
    with transaction.atomic():
        marks = watermarks_lock()
        StatsCounter.objects.filter(installation=installation).delete()
        StatsCounted.objects.filter(installation=installation).delete()
        count_steps(after_id=0, upto_id=marks["steprun"].last_id, installation_id=installation.pk)
        count_events(
            after_id=0, upto_id=marks["messageevent"].last_id, installation_id=installation.pk
        )
        count_sent(installation_id=installation.pk)
        count_conversions(installation_id=installation.pk)
