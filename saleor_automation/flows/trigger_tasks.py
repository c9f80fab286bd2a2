"""Celery tasks of the triggers. The database holds every due time (PendingEntry.due_at);
beat only says "look now".

Beat sends "saleor_automation.flows.triggers.pending" every TRIGGER_PENDING_INTERVAL
seconds (debounced abandonments and deferred entries that fell due) and
"saleor_automation.flows.triggers.scheduled" every SCHEDULED_TRIGGERS_INTERVAL seconds
(date fields, win-back, segments).
"""

import logging
import time

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)

# A task stops after this many seconds with work left; the next beat goes on from there.
PENDING_BUDGET = 20.0


@shared_task(name="saleor_automation.flows.triggers.pending")
def pending_entries_task() -> dict[str, int]:
    from .triggers.pending import BATCH_SIZE, pending_entries_run

    started, totals = time.monotonic(), {"claimed": 0}
    while True:
        stats = pending_entries_run(now=timezone.now())
        totals["claimed"] += stats.claimed
        for outcome, count in stats.outcomes.items():
            totals[outcome] = totals.get(outcome, 0) + count
        if stats.claimed < BATCH_SIZE or time.monotonic() - started >= PENDING_BUDGET:
            return totals


@shared_task(name="saleor_automation.flows.triggers.scheduled")
def scheduled_triggers_task() -> dict[str, int]:
    from .triggers.scheduled import scheduled_triggers_run
    from .triggers.segments import segments_run

    now = timezone.now()
    outcomes = scheduled_triggers_run(now=now) + segments_run(now=now)
    if outcomes:
        logger.info("scheduled triggers: %s", dict(outcomes))
    return dict(outcomes)
