"""flows/scheduler.py and the tick task: claiming due enrollments in batches, concurrently."""

import threading

import pytest
from django.db import connection, connections

from saleor_automation.celery import app as celery_app
from saleor_automation.flows import lock_objects, scheduler, tasks
from saleor_automation.flows.models import Enrollment, EnrollmentStatus, StepRun
from saleor_automation.messaging.models import Message

from .db_fixtures import (
    HOUR,
    NOW,
    chain,
    email,
    exit_,
    installation,
    make_flow,
    make_installation,
    place,
    wait,
)

__all__ = ["installation"]  # fixtures used by name

WAIT_WAIT = chain(wait("w1", hours=1), wait("w2", hours=1), exit_())
TIMER = {"on_timeout": "next", "reason": "wait"}


def contacts(installation, count: int):
    from saleor_automation.contacts.models import Contact

    return Contact.objects.bulk_create(
        Contact(installation=installation, email=f"p{n}@example.com", marketing_consent=True)
        for n in range(count)
    )


def test_tick_advances_only_due_rows_oldest_first(installation):
    flow = make_flow(installation, WAIT_WAIT)
    people = contacts(installation, 5)
    due = place(flow, people[:3], "w1", wake_at=NOW - HOUR, awaiting=TIMER)
    later = place(flow, people[3:], "w1", wake_at=NOW + HOUR, awaiting=TIMER)
    Enrollment.objects.filter(pk=due[2].pk).update(wake_at=NOW - 2 * HOUR)
    assert scheduler.tick(NOW, batch_size=1) == 1
    assert Enrollment.objects.get(pk=due[2].pk).current_node == "w2"  # the oldest
    assert scheduler.tick(NOW, batch_size=10) == 2
    assert scheduler.tick(NOW, batch_size=10) == 0
    assert set(
        Enrollment.objects.filter(pk__in=[e.pk for e in later]).values_list(
            "current_node", flat=True
        )
    ) == {"w1"}


def test_tick_until_idle_drains_in_batches(installation):
    flow = make_flow(installation, WAIT_WAIT)
    place(flow, contacts(installation, 25), "w1", wake_at=NOW - HOUR, awaiting=TIMER)
    stats = scheduler.tick_until_idle(budget=30, batch_size=10, clock=lambda: NOW)
    assert (stats.advanced, stats.batches, stats.more) == (25, 3, False)


def test_tick_task_is_scheduled_by_beat():
    celery_app.loader.import_default_modules()
    beat = {entry["task"]: entry for entry in celery_app.conf.beat_schedule.values()}
    assert beat["saleor_automation.flows.tick"]["schedule"] == 1.0
    names = {
        "saleor_automation.flows.tick",
        "saleor_automation.flows.effects",
        "saleor_automation.flows.sweep",
        "saleor_automation.messaging.send",
        "saleor_automation.messaging.sweep",
    }
    assert names <= set(celery_app.tasks) and set(beat) <= set(celery_app.tasks)
    assert celery_app.tasks["saleor_automation.flows.tick"].run.__module__ == tasks.__name__


def test_the_claim_uses_the_partial_due_index(installation):
    flow = make_flow(installation, WAIT_WAIT)
    people = contacts(installation, 50)
    place(flow, people, "w1", wake_at=NOW - HOUR, awaiting=TIMER)
    # Most rows of a real table are finished: they must not be in the index at all.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO saleor_automation_enrollment (installation_id, flow_id, version_id,
                contact_id, entry_key, status, current_node, step_seq, node_entered_at,
                context, holdout, created_at, finish_reason)
            SELECT %s, %s, %s, %s, g::text, 'finished', 'exit', 3, now(), '{}', false,
                now(), 'exit'
            FROM generate_series(1, 50000) g
            """,
            [installation.pk, flow.pk, flow.active_version_id, people[0].pk],
        )
        cursor.execute("ANALYZE saleor_automation_enrollment")
        sql, params = (
            lock_objects.enrollment_qs_select_for_update()
            .filter(status__in=["active", "waiting"], wake_at__lte=NOW, flow__status="active")
            .order_by("wake_at")[:1000]
            .query.sql_with_params()
        )
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "enrollment_due_idx" in plan, plan
    assert "LockRows" in plan and "Seq Scan on saleor_automation_enrollment" not in plan, plan


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_never_advance_twice():
    inst = make_installation()
    flow = make_flow(inst, chain(email("s1"), wait("w1", hours=1), exit_()))
    people = contacts(inst, 600)
    enrollments = place(flow, people, "s1", wake_at=NOW - HOUR)
    Enrollment.objects.update(status=EnrollmentStatus.ACTIVE)
    claimed: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        try:
            barrier.wait()
            total = 0
            while True:
                n = scheduler.tick(NOW, batch_size=25)
                total += n
                if (
                    n == 0
                    and not Enrollment.objects.filter(status="active", wake_at__lte=NOW).exists()
                ):
                    break
            claimed[name] = total
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(claimed.values()) == len(enrollments)
    assert all(claimed.values()), claimed  # both did share the work
    assert Message.objects.count() == len(enrollments)
    assert Message.objects.values("idempotency_key").distinct().count() == len(enrollments)
    # One step (the send) per enrollment; the unique (enrollment, step_seq) held.
    assert StepRun.objects.count() == len(enrollments)
    assert set(Enrollment.objects.values_list("current_node", "status")) == {("w1", "waiting")}


@pytest.mark.django_db(transaction=True)
def test_tick_until_idle_drains_every_due_row_in_batches():
    """Speed is measured in bench/, never asserted here."""
    inst = make_installation()
    flow = make_flow(inst, WAIT_WAIT)
    place(flow, contacts(inst, 2_500), "w1", wake_at=NOW - HOUR, awaiting=TIMER)

    stats = scheduler.tick_until_idle(budget=600, batch_size=1000, clock=lambda: NOW)

    assert stats.advanced == 2_500
    assert set(Enrollment.objects.values_list("current_node", flat=True)) == {"w2"}
    assert StepRun.objects.count() == 2_500


def test_tick_task_drains_due_rows(installation):
    flow = make_flow(installation, WAIT_WAIT)
    place(flow, contacts(installation, 3), "w1", wake_at=NOW - HOUR, awaiting=TIMER)
    result = tasks.flows_tick_task.apply().get()  # the real clock: long after NOW
    assert (result["advanced"], result["more"]) == (3, False)
    assert set(Enrollment.objects.values_list("current_node", flat=True)) == {"w2"}
