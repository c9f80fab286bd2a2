"""Storing webhook deliveries in the inbox, and nudging the worker that processes them.

The receiver commits the row first and answers 200 after; processing happens later in
batches. The nudge is throttled per process: Celery publishes only ~850 messages/s on
this class of machine, fewer than the receiver accepts, and one processing task drains every
pending row anyway. Whatever a skipped nudge leaves behind, the beat sweeper picks up.
"""

import hashlib
import logging
import time

from django.conf import settings

from ..celery import app as celery_app
from .models import InboxEvent, Installation

logger = logging.getLogger(__name__)

# Defined in contacts/tasks.py, a layer above: sent by name so this layer imports nothing above.
PROCESS_TASK = "saleor_automation.inbox.process"
ENQUEUE_MIN_INTERVAL = 0.25  # seconds between immediate nudges from one process

# Per process: when the next immediate nudge may go, and whether a delayed one is already
# scheduled for then. A row stored while throttled is always followed by a nudge that runs
# after its commit, so nothing waits for the sweeper in normal operation.
_next_immediate = 0.0
_trailing_scheduled = False


def dedupe_key(api_url: str, event_type: str, body: bytes) -> str:
    """Saleor sends no delivery id; a retry resends the same bytes (PROTOCOL.md §3.5)."""
    digest = hashlib.sha256()
    for part in (api_url.encode(), b"\n", event_type.encode(), b"\n", body):
        digest.update(part)
    return digest.hexdigest()


def inbox_store(installation: Installation, event_type: str, body: bytes) -> None:
    """Insert the delivery unless the same delivery is already stored (one statement)."""
    row = InboxEvent(
        installation=installation,
        event_type=event_type,
        dedupe_key=dedupe_key(installation.saleor_api_url, event_type, body),
        body=body.decode("utf-8"),
    )
    InboxEvent.objects.bulk_create([row], ignore_conflicts=True)


def _send(countdown: float | None) -> None:
    try:
        celery_app.send_task(PROCESS_TASK, countdown=countdown, retry=False)
    except Exception as exc:  # broker down: the row is committed, the sweeper will find it
        logger.warning("inbox nudge not sent (%s); the sweeper will process the event", exc)


def inbox_nudge() -> None:
    """Ask a worker to process pending rows (at most two messages per interval and process:
    one now, one trailing). Never raises: the beat sweeper is the safety net."""
    global _next_immediate, _trailing_scheduled
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Eager mode has no broker: process right here.
        celery_app.tasks[PROCESS_TASK].apply()
        return
    now = time.monotonic()
    if now >= _next_immediate:
        _next_immediate = now + ENQUEUE_MIN_INTERVAL
        _trailing_scheduled = False
        _send(None)
    elif not _trailing_scheduled:
        _trailing_scheduled = True
        _send(_next_immediate - now)
