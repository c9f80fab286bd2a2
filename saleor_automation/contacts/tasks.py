"""Celery tasks of the inbox. They carry no data: the rows are the queue.

The receiver sends "saleor_automation.inbox.process" by name after each commit (throttled),
beat sends "...sweep" every INBOX_SWEEP_INTERVAL seconds and "...purge" hourly.
"""

import logging
from dataclasses import asdict

from celery import shared_task
from django.conf import settings

from .backfill import BackfillError, backfill_run
from .backfill_models import BackfillRun
from .inbox import inbox_process_due, inbox_purge

logger = logging.getLogger(__name__)

# One inbox task stops after a batch once this long has passed and hands over to a fresh
# task at the back of the queue, so beat's ticks and sends queued meanwhile are not starved
# by a backlog of webhooks (small batches keep the check frequent).
TASK_SECONDS = 3.0
TASK_BATCH_SIZE = 100


@shared_task(name="saleor_automation.inbox.process")
def inbox_process_task() -> dict[str, int | bool]:
    """Drain due inbox rows; hands over to a fresh task when the per-call bound is hit."""
    stats = inbox_process_due(batch_size=TASK_BATCH_SIZE, seconds=TASK_SECONDS)
    if stats.more and not settings.CELERY_TASK_ALWAYS_EAGER:
        inbox_process_task.delay()
    return asdict(stats)


@shared_task(name="saleor_automation.inbox.sweep")
def inbox_sweep_task() -> dict[str, int | bool]:
    """Beat's safety net: rows whose nudge was lost or throttled, and retries now due."""
    stats = inbox_process_due(batch_size=TASK_BATCH_SIZE, seconds=TASK_SECONDS)
    if stats.more and not settings.CELERY_TASK_ALWAYS_EAGER:
        inbox_process_task.delay()
    if stats.batches:
        logger.info("inbox sweep: %s", asdict(stats))
    return asdict(stats)


@shared_task(name="saleor_automation.inbox.purge")
def inbox_purge_task() -> int:
    deleted = inbox_purge()
    if deleted:
        logger.info("inbox purge: %s rows older than retention deleted", deleted)
    return deleted


@shared_task(name="saleor_automation.backfill.run")
def backfill_run_task(run_id: int) -> None:
    """Run (or resume) an import in a worker; a failed run keeps its cursors for a retry."""
    run = BackfillRun.objects.select_related("installation").get(pk=run_id)
    try:
        backfill_run(run)
    except BackfillError as exc:
        logger.warning("backfill #%s failed: %s", run_id, exc)
