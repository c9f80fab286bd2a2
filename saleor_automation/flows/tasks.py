"""Celery tasks of flows. They carry ids only; the database holds every timer.

Beat sends "saleor_automation.flows.tick" every FLOW_TICK_INTERVAL seconds and
"...flows.sweep" to recover effects whose task was lost; the engine sends
"...flows.effects" with the effects it recorded, after commit.
"""

import logging
from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)

# A tick task stops after this many seconds even with rows still due, so a worker is never
# held indefinitely; beat's next tick (or another worker's) goes on where it stopped.
TICK_BUDGET = 20.0


@shared_task(name="saleor_automation.flows.tick")
def flows_tick_task() -> dict[str, int | bool]:
    from .scheduler import tick_until_idle

    stats = tick_until_idle(budget=TICK_BUDGET)
    if stats.more:
        logger.info("flows tick: %s advanced, more due", stats.advanced)
    return asdict(stats)


@shared_task(name="saleor_automation.flows.effects")
def effects_run_task(effect_ids: list[int]) -> dict[str, int]:
    from .effects import effect_run

    counts: dict[str, int] = {}
    for effect_id in effect_ids:
        status = effect_run(effect_id)
        counts[status] = counts.get(status, 0) + 1
    return counts


@shared_task(name="saleor_automation.flows.sweep")
def flows_sweep_task() -> int:
    from .effects import effects_sweep

    lost = effects_sweep(now=timezone.now())
    if lost:
        logger.info("flows sweep: %s effects had lost their task", len(lost))
        effects_run_task.delay(lost)
    return len(lost)
