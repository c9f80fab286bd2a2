"""Celery tasks of the outbox. They carry ids only; the rows are the queue.

The engine sends "saleor_automation.messaging.send" with the ids it queued, after commit;
beat sends "...sweep" to recover messages whose task was lost.
"""

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)

SEND_CHUNK = 50  # ids per send task: workers share a burst without a task per message


@shared_task(name="saleor_automation.messaging.send")
def messages_send_task(message_ids: list[int]) -> dict[str, int]:
    from .services import message_send

    counts: dict[str, int] = {}
    for message_id in message_ids:
        status = message_send(message_id)
        counts[status] = counts.get(status, 0) + 1
    return counts


def messages_send_enqueue(message_ids: list[int]) -> None:
    """Publish send tasks in chunks (call after commit)."""
    for start in range(0, len(message_ids), SEND_CHUNK):
        messages_send_task.delay(message_ids[start : start + SEND_CHUNK])


@shared_task(name="saleor_automation.messaging.sweep")
def messages_sweep_task() -> dict[str, int]:
    from .services import messages_sweep

    result = messages_sweep(now=timezone.now())
    if result.requeue:
        logger.info("outbox sweep: %s queued messages had lost their task", len(result.requeue))
        messages_send_enqueue(result.requeue)
    return {"requeued": len(result.requeue), "interrupted": result.interrupted}
