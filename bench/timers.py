"""Benchmark 2: timers. N enrollments wait at a wait node; all are made due at once; the
real tick (flows.scheduler.tick_until_idle, the engine's batch claim and advance) moves them
to the next wait node, with 1 and 2 worker processes. Beside it, in the same run on the
same rows: the floor, a raw `FOR UPDATE SKIP LOCKED` claim-and-advance loop in SQL.

Goal (issue 8): the tick reaches at least 25% of the floor's rows/s, with 1 and 2 workers.
Lateness (when a row was advanced minus when it was due) is reported as p50/p99.

    python -m bench.timers [--n 1000000] [--batch 1000]
"""

import argparse
import multiprocessing
import time
from datetime import UTC, datetime

from bench.common import Figure, django_setup, percentile, results_save

CONTACTS = 1000
SPREAD_MS = 1000  # due times spread over the second before "now"


def pending_enrollments_create(n: int, *, fresh: bool = True) -> int:
    """An installation with an active flow trigger -> w1 -> w2 -> exit (made when `fresh`,
    else the existing one), and `n` more enrollments waiting at w1, due in 30 days."""
    from django.db import connection

    from saleor_automation.contacts.models import Contact
    from saleor_automation.flows.models import Enrollment, Flow

    if not fresh:
        flow = Flow.objects.get()
        installation = flow.installation
    else:
        installation, flow = _flow_create()
    first_contact = Contact.objects.order_by("pk").values_list("pk", flat=True).first()
    table = Enrollment._meta.db_table
    with connection.cursor() as cursor:
        # Far in the future: pending, not due, until _make_due.
        cursor.execute(
            f"""
            INSERT INTO {table} (installation_id, flow_id, version_id, contact_id, entry_key,
                status, current_node, step_seq, node_entered_at, wake_at, awaiting, context,
                holdout, created_at, finish_reason)
            SELECT %(inst)s, %(flow)s, %(version)s, %(contact)s + (g %% {CONTACTS}),
                %(key)s || g::text, 'waiting', 'w1', 1, now(), now() + interval '30 days',
                '{{"on_timeout": "next", "reason": "wait"}}'::jsonb, '{{}}'::jsonb,
                false, now(), ''
            FROM generate_series(1, %(n)s) AS g
            """,
            {
                "inst": installation.pk,
                "flow": flow.pk,
                "version": flow.active_version_id,
                "contact": first_contact,
                "n": n,
                "key": f"{Enrollment.objects.count()}-",
            },
        )
    return flow.pk


def _flow_create():
    from saleor_automation.contacts.models import Contact
    from saleor_automation.flows.services import flow_activate, flow_create, flow_save_draft
    from saleor_automation.saleor.models import Installation

    installation = Installation.objects.create(
        saleor_api_url="https://bench.example.com/graphql/", app_id="app", token="t" * 30
    )
    Contact.objects.bulk_create(
        Contact(installation=installation, email=f"p{i}@example.com", marketing_consent=True)
        for i in range(CONTACTS)
    )
    flow = flow_create(installation=installation, name="timers")
    graph = {
        "schema_version": 1,
        "nodes": [
            {"id": "trigger", "type": "trigger", "params": {"event": "customer_created"}},
            {"id": "w1", "type": "wait", "params": {"mode": "duration", "days": 1}},
            {"id": "w2", "type": "wait", "params": {"mode": "duration", "days": 1}},
            {"id": "exit", "type": "exit", "params": {}},
        ],
        "edges": [
            {"source": "trigger", "target": "w1", "label": "next"},
            {"source": "w1", "target": "w2", "label": "next"},
            {"source": "w2", "target": "exit", "label": "next"},
        ],
    }
    flow_save_draft(flow=flow, graph=graph, settings={})
    flow_activate(flow=flow, now=datetime.now(UTC))
    flow.refresh_from_db()
    return installation, flow


def _make_due() -> datetime:
    """Every enrollment back at w1, due within the second before now; step runs cleared."""
    from django.db import connection

    from saleor_automation.flows.models import Enrollment, StepRun

    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {StepRun._meta.db_table}")
        cursor.execute(
            f"""
            UPDATE {Enrollment._meta.db_table}
            SET current_node = 'w1', step_seq = 1, status = 'waiting',
                wake_at = %(now)s - make_interval(secs => (id %% {SPREAD_MS}) / 1000.0),
                awaiting = '{{"on_timeout": "next", "reason": "wait"}}'::jsonb
            """,
            {"now": now},
        )
        cursor.execute(f"VACUUM ANALYZE {Enrollment._meta.db_table}")
    return now


def _raw_worker(batch: int, counts: "multiprocessing.Queue[int]") -> None:
    from django.db import connection

    from saleor_automation.flows.models import Enrollment

    table = Enrollment._meta.db_table
    moved = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH claimed AS (
                    SELECT id FROM {table}
                    WHERE status IN ('active', 'waiting') AND wake_at <= now()
                    ORDER BY wake_at LIMIT %(batch)s FOR UPDATE SKIP LOCKED
                )
                UPDATE {table} AS e
                SET current_node = 'w2', step_seq = e.step_seq + 1, node_entered_at = now(),
                    wake_at = now() + interval '1 day'
                FROM claimed WHERE e.id = claimed.id
                """,
                {"batch": batch},
            )
            claimed = cursor.rowcount
        moved += claimed
        if claimed < batch:
            break
    counts.put(moved)


def _tick_worker(batch: int, counts: "multiprocessing.Queue[int]") -> None:
    from saleor_automation.flows.scheduler import tick_until_idle

    moved = 0
    while True:
        stats = tick_until_idle(budget=3600, batch_size=batch)
        moved += stats.advanced
        if not stats.more:
            break
    counts.put(moved)


def _run(target, workers: int, batch: int) -> tuple[int, float]:
    from django.db import connections

    connections.close_all()  # children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    counts = context.Queue()
    started = time.perf_counter()
    processes = [context.Process(target=target, args=(batch, counts)) for _ in range(workers)]
    for process in processes:
        process.start()
    moved = sum(counts.get() for _ in processes)
    for process in processes:
        process.join()
    return moved, time.perf_counter() - started


def _lateness(made_due: datetime) -> tuple[float, float]:
    """p50 and p99 seconds between each row's due time and its advance (when its w1 step
    run was closed)."""
    from django.db import connection

    from saleor_automation.flows.models import StepRun

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT extract(epoch FROM s.left_at
                   - (%(due)s - make_interval(secs => (s.enrollment_id %% {SPREAD_MS}) / 1000.0)))
            FROM {StepRun._meta.db_table} AS s WHERE s.node_id = 'w1'
            """,
            {"due": made_due},
        )
        values = [float(row[0]) for row in cursor.fetchall()]
    return percentile(values, 50), percentile(values, 99)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="enrollments (default 1M)")
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args(argv)
    django_setup()
    print(f"timers: {args.n:,} enrollments, batches of {args.batch}")
    pending_enrollments_create(args.n)
    figures: list[Figure] = []
    notes: list[str] = []
    for workers in (1, 2):
        _make_due()
        floor_moved, floor_seconds = _run(_raw_worker, workers, args.batch)
        floor_rate = floor_moved / floor_seconds
        made_due = _make_due()
        moved, seconds = _run(_tick_worker, workers, args.batch)
        rate = moved / seconds
        p50, p99 = _lateness(made_due)
        label = f"{workers} worker{'s' if workers > 1 else ''}"
        figures.append(
            Figure(
                name=f"tick, {label}",
                value=rate,
                unit="rows/s",
                floor=floor_rate,
                floor_name=f"raw SKIP LOCKED loop, {label}",
                goal=">= 25% of the floor",
                met=rate >= 0.25 * floor_rate,
            )
        )
        figures.append(
            Figure(name=f"raw SKIP LOCKED loop, {label}", value=floor_rate, unit="rows/s")
        )
        figures.append(Figure(name=f"lateness p50, {label}", value=p50, unit="s"))
        figures.append(Figure(name=f"lateness p99, {label}", value=p99, unit="s"))
        if moved != args.n or floor_moved != args.n:
            notes.append(f"{label}: tick moved {moved:,}, floor {floor_moved:,} of {args.n:,}")
    notes.append(
        "Lateness counts from each row's due time; all rows fall due within one second, so "
        "p99 is about the time the whole backlog takes to drain."
    )
    results_save(
        "timers", f"Timers: {args.n:,} due enrollments through a wait node", figures, notes
    )


if __name__ == "__main__":
    main()
