"""The rollup as a Celery task (runs on the beat schedule), after attributing the orders of
finished backfill runs (they send no event_applied)."""

from celery import shared_task

from .attribution_services import attribution_backfill_sweep
from .rollup import stats_rollup


@shared_task(name="saleor_automation.stats.rollup")
def stats_rollup_task() -> dict[str, int]:
    swept = attribution_backfill_sweep()
    return {**stats_rollup(), "backfill_runs_swept": swept}
