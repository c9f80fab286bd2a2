"""contacts/inbox.py: batches, retries with backoff, parking, crashes, requeue and purge."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from saleor_automation.contacts import inbox
from saleor_automation.contacts.inbox import (
    INTERRUPTED,
    LEASE,
    MAX_ATTEMPTS,
    backoff,
    inbox_process_due,
    inbox_purge,
    inbox_requeue,
)
from saleor_automation.contacts.models import Contact, Order
from saleor_automation.errors import error_text
from saleor_automation.saleor.models import InboxEvent, InboxStatus

from .conftest import body, gid, store


def orders(installation, count: int) -> list[InboxEvent]:
    rows = []
    for n in range(count):
        payload = body("order_created")
        payload["order"].update(id=gid("Order", f"batch-{n}"), checkoutId=None)
        payload["order"]["userEmail"] = f"buyer{n}@example.com"
        rows.append(store(installation, "order_created", payload))
    return rows


def statuses(rows: list[InboxEvent]) -> list[str]:
    return [InboxEvent.objects.get(pk=row.pk).status for row in rows]


@pytest.fixture
def failing(monkeypatch):
    """Make the events of chosen rows raise (the set holds inbox row ids)."""
    failing_ids: set[int] = set()
    real = inbox.event_apply

    def event_apply(installation, event, *, inbox_event_id=None):
        if inbox_event_id in failing_ids:
            raise RuntimeError("the handler broke")
        return real(installation, event, inbox_event_id=inbox_event_id)

    monkeypatch.setattr(inbox, "event_apply", event_apply)
    return failing_ids


def test_processing_the_same_row_twice_changes_nothing(deliver):
    row = deliver("order_created")
    snapshot = list(Order.objects.values()), list(Contact.objects.values())
    InboxEvent.objects.filter(pk=row.pk).update(status=InboxStatus.PENDING)

    inbox_process_due()

    after = list(Order.objects.values()), list(Contact.objects.values())
    strip = {"updated_at"}
    assert [{k: v for k, v in o.items() if k not in strip} for o in after[0]] == [
        {k: v for k, v in o.items() if k not in strip} for o in snapshot[0]
    ]
    assert len(after[1]) == 1 and after[1][0]["order_count"] == 1


def test_rows_are_processed_in_batches_and_bounded(installation):
    rows = orders(installation, 5)
    stats = inbox_process_due(batch_size=2, max_batches=2)
    assert (stats.processed, stats.batches, stats.more) == (4, 2, True)
    assert statuses(rows).count(InboxStatus.PENDING) == 1
    assert inbox_process_due().processed == 1


def test_a_failing_row_backs_off_then_parks_without_blocking_others(installation, failing):
    rows = orders(installation, 3)
    failing.add(rows[1].pk)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        stats = inbox_process_due()
    assert (stats.processed, stats.retrying) == (2, 1)
    assert statuses(rows) == [InboxStatus.PROCESSED, InboxStatus.PENDING, InboxStatus.PROCESSED]
    bad = InboxEvent.objects.get(pk=rows[1].pk)
    assert bad.attempts == 1 and bad.last_error == "RuntimeError: the handler broke"
    assert bad.next_attempt_at == start + timedelta(seconds=10)
    assert Order.objects.count() == 2

    # Not due before its backoff has passed.
    with time_machine.travel(start + timedelta(seconds=9), tick=False):
        assert inbox_process_due().retrying == 0

    now = start
    for attempt in range(2, MAX_ATTEMPTS + 1):
        now += backoff(attempt - 1)
        with time_machine.travel(now, tick=False):
            inbox_process_due()
        bad.refresh_from_db()
        assert bad.attempts == attempt
    assert bad.status == InboxStatus.PARKED and bad.next_attempt_at is None
    assert bad.last_error == "RuntimeError: the handler broke"
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [10, 20, 40, 1280, 3600]


def test_parked_rows_can_be_requeued(installation, failing):
    (row,) = orders(installation, 1)
    InboxEvent.objects.filter(pk=row.pk).update(
        status=InboxStatus.PARKED, attempts=MAX_ATTEMPTS, last_error="RuntimeError: boom"
    )
    assert inbox_requeue(installation=installation, ids=[row.pk]) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == (InboxStatus.PENDING, 0, None)

    inbox_process_due()
    row.refresh_from_db()
    assert (row.status, row.last_error) == (InboxStatus.PROCESSED, "")


def test_requeue_is_scoped(installation, other_installation):
    mine, theirs = orders(installation, 1)[0], orders(other_installation, 1)[0]
    InboxEvent.objects.update(status=InboxStatus.PARKED)
    assert inbox_requeue(installation=other_installation) == 1
    assert statuses([mine, theirs]) == [InboxStatus.PARKED, InboxStatus.PENDING]


def test_an_invalid_body_is_parked_at_once(installation):
    broken = store(installation, "order_created", '{"__typename": "OrderCreated", "order": 5}')
    fine = orders(installation, 1)[0]
    stats = inbox_process_due()
    broken.refresh_from_db()
    assert stats.parked == 1 and broken.attempts == 1
    assert broken.status == InboxStatus.PARKED
    assert broken.last_error == "PayloadError: order_created: order: model_type"
    assert statuses([fine]) == [InboxStatus.PROCESSED]


def test_errors_keep_no_personal_data():
    detail = Exception(
        'duplicate key value violates unique constraint "contact_unique_email"\n'
        "DETAIL:  Key (installation_id, email)=(1, jane.doe@example.com) already exists."
    )
    assert error_text(detail) == (
        'Exception: duplicate key value violates unique constraint "contact_unique_email"'
    )


class WorkerDied(BaseException):
    """What a killed worker looks like from inside: nothing after it runs."""


def test_a_crash_mid_batch_loses_nothing_and_a_poison_row_parks_alone(installation, monkeypatch):
    rows = orders(installation, 4)
    poison = rows[2].pk
    real = inbox.event_apply

    def event_apply(installation, event, *, inbox_event_id=None):
        if inbox_event_id == poison:
            raise WorkerDied
        return real(installation, event, inbox_event_id=inbox_event_id)

    monkeypatch.setattr(inbox, "event_apply", event_apply)
    start = timezone.now()
    with time_machine.travel(start, tick=False), pytest.raises(WorkerDied):
        inbox_process_due()
    # The whole batch rolled back: every row pending, claimed, leased.
    assert statuses(rows) == [InboxStatus.PENDING] * 4 and not Order.objects.exists()
    assert {r.last_error for r in InboxEvent.objects.all()} == {INTERRUPTED}
    with time_machine.travel(start + LEASE - timedelta(seconds=1), tick=False):
        assert inbox_process_due().batches == 0

    # After the lease the suspects run one at a time: the poison row takes down only itself.
    now = start + LEASE
    with time_machine.travel(now, tick=False), pytest.raises(WorkerDied):
        inbox_process_due()
    assert statuses(rows)[:2] == [InboxStatus.PROCESSED] * 2
    with time_machine.travel(now + timedelta(seconds=2), tick=False):
        assert inbox_process_due().processed == 1  # the row after it is not held up
    assert statuses(rows)[3] == InboxStatus.PROCESSED

    for _ in range(2, MAX_ATTEMPTS):
        now += LEASE
        with time_machine.travel(now, tick=False), pytest.raises(WorkerDied):
            inbox_process_due()
    now += LEASE
    with time_machine.travel(now, tick=False):
        assert inbox_process_due().parked == 1

    assert statuses(rows) == [
        InboxStatus.PROCESSED,
        InboxStatus.PROCESSED,
        InboxStatus.PARKED,
        InboxStatus.PROCESSED,
    ]
    assert InboxEvent.objects.get(pk=poison).attempts == MAX_ATTEMPTS
    assert InboxEvent.objects.get(pk=poison).last_error == INTERRUPTED
    assert Order.objects.count() == 3


def test_purge_deletes_only_old_finished_rows(installation, settings):
    settings.INBOX_RETENTION_DAYS = 30
    rows = orders(installation, 5)
    old = timezone.now() - timedelta(days=31)
    recent = timezone.now() - timedelta(days=29)
    InboxEvent.objects.filter(pk=rows[0].pk).update(status=InboxStatus.PROCESSED, processed_at=old)
    InboxEvent.objects.filter(pk=rows[1].pk).update(status=InboxStatus.IGNORED, processed_at=old)
    InboxEvent.objects.filter(pk=rows[2].pk).update(
        status=InboxStatus.PROCESSED, processed_at=recent
    )
    InboxEvent.objects.filter(pk=rows[3].pk).update(status=InboxStatus.PARKED)

    assert inbox_purge() == 2
    assert set(InboxEvent.objects.values_list("pk", flat=True)) == {r.pk for r in rows[2:]}


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_process_a_row_twice(applied):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    from .conftest import make_installation

    if connection.vendor != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) exist on PostgreSQL only")
    rows = orders(make_installation(), 60)

    def worker() -> None:
        try:
            while inbox_process_due(batch_size=5, max_batches=1).batches:
                pass
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(worker) for _ in range(4)]:
            future.result()

    assert statuses(rows) == [InboxStatus.PROCESSED] * 60
    assert sorted(call["inbox_event_id"] for call in applied) == sorted(r.pk for r in rows)
    assert InboxEvent.objects.filter(attempts=1).count() == 60
