"""The tick: due enrollments are claimed in batches and advanced, by any number of workers.

    tick(now=None, batch_size=BATCH_SIZE) -> int
    tick_until_idle(*, budget, batch_size=BATCH_SIZE, clock=timezone.now) -> TickStats

One batch is one transaction: a single query claims up to `batch_size` due rows with
SELECT ... FOR UPDATE SKIP LOCKED (PostgreSQL), so concurrent workers take disjoint rows and
none waits for another; the engine then advances the whole batch with a few statements and
commits. A crash anywhere before the commit rolls the batch back: its timers are still due.

SQLite has no row locks (select_for_update does nothing there). The app opens SQLite
transactions IMMEDIATE (settings.py), which takes the database's single write lock at BEGIN,
so a second worker's tick waits until the first commits and then finds those rows no longer
due. That serialises ticks, which is what one SQLite file can do anyway; no lease column is
needed.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .engine import enrollments_advance_due

BATCH_SIZE = 1000


def tick(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Advance one batch of due enrollments; returns how many were claimed."""
    return enrollments_advance_due(now=now or timezone.now(), limit=batch_size)


@dataclass
class TickStats:
    advanced: int = 0
    batches: int = 0
    more: bool = False  # stopped by the budget with a full last batch


def tick_until_idle(
    *,
    budget: float,
    batch_size: int = BATCH_SIZE,
    clock: Callable[[], datetime] = timezone.now,
) -> TickStats:
    """Tick until a batch comes back short (nothing more is due, or other workers hold
    the rest) or `budget` seconds have passed. Each batch reads `clock` afresh."""
    stats = TickStats()
    started = time.monotonic()
    while True:
        claimed = tick(clock(), batch_size)
        stats.advanced += claimed
        stats.batches += 1
        if claimed < batch_size:
            return stats
        if time.monotonic() - started >= budget:
            stats.more = True
            return stats
