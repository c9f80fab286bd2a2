"""The rollup as a Celery task (runs on the beat schedule)."""

from celery import shared_task

from .rollup import stats_rollup


@shared_task(name="saleor_automation.stats.rollup")
def stats_rollup_task() -> dict[str, int]:
    return stats_rollup()
