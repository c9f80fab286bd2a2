"""Processing the inbox: stored webhook deliveries become contacts and mirrors.

    inbox_process_due(*, batch_size=500, max_batches=20, seconds=None) -> InboxRunStats
    inbox_requeue(*, installation=None, ids=None) -> int
    inbox_purge(*, now=None) -> int

A batch goes in two transactions. The claim (short) takes due rows with SKIP LOCKED and
counts the attempt, leasing them for LEASE; the work transaction locks them again and
processes each in its own savepoint, so a failing row rolls back alone and is marked for a
retry with backoff while the others commit. A worker that dies mid-batch commits nothing:
its rows stay pending and come back when the lease ends, marked INTERRUPTED, and are then
retried one per batch, so the row that killed the worker parks alone after MAX_ATTEMPTS
instead of taking its neighbours with it. On SQLite the locks are no-ops and the
IMMEDIATE transactions serialise workers instead.
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..errors import error_text
from ..saleor.models import InboxEvent, InboxStatus, Installation
from ..saleor.payloads import PayloadError, parse_event
from .handlers import event_apply

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BATCHES = 20  # per call, so one task never runs unbounded
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=10)  # 10 s, 20 s, 40 s ... about 42 min over 8 attempts
BACKOFF_MAX = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # how long a claimed row waits before a crash is assumed
INTERRUPTED = "interrupted: the worker stopped while processing this row"
PURGE_CHUNK = 5000


@dataclass
class InboxRunStats:
    processed: int = 0
    ignored: int = 0
    retrying: int = 0
    parked: int = 0
    batches: int = 0
    # Due rows were left when the run hit max_batches.
    more: bool = False


def _due(now: datetime):  # -> QuerySet[InboxEvent]
    return InboxEvent.objects.filter(status=InboxStatus.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def backoff(attempts: int) -> timedelta:
    """Wait before attempt number `attempts + 1`."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _claim(limit: int, now: datetime, stats: InboxRunStats) -> tuple[list[int], bool]:
    """Claim up to `limit` due rows: (claimed ids, whether any row was due)."""
    with transaction.atomic():
        due = list(
            _due(now)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", "attempts", "last_error")[:limit]
        )
        dead = [pk for pk, tries, error in due if error == INTERRUPTED and tries >= MAX_ATTEMPTS]
        if dead:
            InboxEvent.objects.filter(pk__in=dead).update(
                status=InboxStatus.PARKED, next_attempt_at=None
            )
            stats.parked += len(dead)
            logger.warning("inbox rows %s parked: the worker stopped on them each time", dead)
        suspects = [pk for pk, _, error in due if error == INTERRUPTED and pk not in dead]
        # After a crash each suspect runs alone, so a poison row is caught without company.
        claimed = suspects[:1] or [pk for pk, _, error in due if error != INTERRUPTED]
        InboxEvent.objects.filter(pk__in=claimed).update(
            attempts=F("attempts") + 1, next_attempt_at=now + LEASE, last_error=INTERRUPTED
        )
    return claimed, bool(due)


def _finish(row: InboxEvent, now: datetime, exc: BaseException | None, note: str) -> str:
    if exc is None:
        row.status = InboxStatus.IGNORED if note else InboxStatus.PROCESSED
        row.last_error = note
        row.processed_at = now
        row.next_attempt_at = None
    elif isinstance(exc, PayloadError) or row.attempts >= MAX_ATTEMPTS:
        # A body that does not parse will not parse next time either.
        row.status = InboxStatus.PARKED
        row.last_error = error_text(exc)
        row.next_attempt_at = None
    else:
        row.last_error = error_text(exc)
        row.next_attempt_at = now + backoff(row.attempts)
    row.save(update_fields=["status", "last_error", "processed_at", "next_attempt_at"])
    return row.status


def _work(ids: list[int], stats: InboxRunStats) -> None:
    with transaction.atomic():
        rows = list(
            InboxEvent.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status=InboxStatus.PENDING)
            .order_by("id")
        )
        installations = Installation.objects.in_bulk({row.installation_id for row in rows})
        for row in rows:
            error: BaseException | None = None
            note = ""
            try:
                with transaction.atomic():
                    event = parse_event(row.event_type, row.body)
                    result = event_apply(
                        installations[row.installation_id], event, inbox_event_id=row.pk
                    )
                    note = result.ignored
            except Exception as exc:
                error = exc
            status = _finish(row, timezone.now(), error, note)
            if status == InboxStatus.PARKED:
                stats.parked += 1
                logger.warning(
                    "inbox row %s (%s) parked after %s attempts: %s",
                    row.pk,
                    row.event_type,
                    row.attempts,
                    row.last_error,
                )
            elif error is not None:
                stats.retrying += 1
                logger.info(
                    "inbox row %s (%s) will be retried: %s", row.pk, row.event_type, row.last_error
                )
            elif status == InboxStatus.IGNORED:
                stats.ignored += 1
            else:
                stats.processed += 1


def inbox_process_due(
    *,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
    seconds: float | None = None,
) -> InboxRunStats:
    """Process due pending rows until none is left, max_batches full batches' worth of rows
    were taken, or (when given) `seconds` have passed after a batch: the bounds keep one
    task call short (`more` says rows remain)."""
    stats = InboxRunStats()
    budget = batch_size * max_batches
    started = time.monotonic()
    while budget > 0:
        if seconds is not None and stats.batches and time.monotonic() - started >= seconds:
            break
        claimed, any_due = _claim(min(batch_size, budget), timezone.now(), stats)
        if not any_due:
            return stats
        if claimed:
            stats.batches += 1
            budget -= len(claimed)
            _work(claimed, stats)
    stats.more = _due(timezone.now()).exists()
    return stats


def inbox_requeue(
    *, installation: Installation | None = None, ids: Iterable[int] | None = None
) -> int:
    """Make parked rows (and rows waiting for a retry) due now, with a fresh attempt count.

    The last error stays on the row until it is processed. Returns how many were requeued.
    """
    rows = InboxEvent.objects.filter(
        Q(status=InboxStatus.PARKED) | Q(status=InboxStatus.PENDING, attempts__gt=0)
    )
    if installation is not None:
        rows = rows.filter(installation=installation)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(status=InboxStatus.PENDING, attempts=0, next_attempt_at=None)


def inbox_purge(*, now: datetime | None = None) -> int:
    """Delete processed and ignored rows older than INBOX_RETENTION_DAYS, in chunks."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.INBOX_RETENTION_DAYS)
    old = InboxEvent.objects.filter(
        status__in=[InboxStatus.PROCESSED, InboxStatus.IGNORED], processed_at__lt=cutoff
    )
    deleted = 0
    while True:
        chunk = list(old.order_by("id").values_list("id", flat=True)[:PURGE_CHUNK])
        if not chunk:
            return deleted
        deleted += InboxEvent.objects.filter(pk__in=chunk).delete()[0]
