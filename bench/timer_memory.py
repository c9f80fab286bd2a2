"""Benchmark 3: what pending timers cost. N enrollments wait (not due) at a wait node:
- the database size of the enrollment table with its indexes, per pending enrollment;
- the resident memory of a real Celery worker running the real tick task with no pending
  timers, then with N pending: flat, because timers live in the database only.
Beside it, the naive design: one Celery ETA task per timer, at NAIVE timers. Celery
workers hold every received ETA task in memory until it is due, so the worker's memory
grows with the number of timers; Redis holds them too until the worker takes them.

Goals (issue 8): worker memory flat; database <= 1 KB per pending enrollment.

    python -m bench.timer_memory [--n 1000000] [--naive 100000]
"""

import argparse
import os
import subprocess
import sys
import time

from bench.common import ROOT, Figure, django_setup, progress, results_save, rss_kib

OUR_BROKER = "redis://127.0.0.1:6379/12"
NAIVE_BROKER = "redis://127.0.0.1:6379/11"
TICKS = 20


def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def _worker(app: str, broker: str, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "NAIVE_BROKER_URL": broker,
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", app, "worker", "--pool", "solo", "-l", "warning"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _drained(url: str, queue: str = "celery", timeout: float = 600) -> None:
    client = _redis(url)
    deadline = time.monotonic() + timeout
    while client.llen(queue) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # the last task taken is still running: let it finish


def _our_worker_rss(ticks: int) -> int:
    """RSS of a worker that ran the real tick task `ticks` times."""
    from saleor_automation.celery import app

    _redis(OUR_BROKER).flushdb()
    worker = _worker("saleor_automation.celery", OUR_BROKER)
    try:
        app.conf.broker_url = OUR_BROKER
        with app.connection_for_write() as connection:
            for _ in range(ticks):
                app.send_task("saleor_automation.flows.tick", connection=connection)
        _drained(OUR_BROKER)
        return rss_kib(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _naive(count: int) -> tuple[int, int, int]:
    """(worker RSS holding `count` ETA tasks, the same worker settled before them, Redis bytes
    for them as published)."""
    from bench.naive_eta import naive, wake

    client = _redis(NAIVE_BROKER)
    client.flushdb()
    naive.conf.broker_url = NAIVE_BROKER
    worker = _worker("bench.naive_eta", NAIVE_BROKER)
    try:
        time.sleep(10)  # started and settled
        idle = rss_kib(worker.pid)
        before = client.info("memory")["used_memory"]
        with naive.connection_for_write() as connection:
            for n in range(count):
                wake.apply_async((n,), countdown=86_400, connection=connection)
                if n % 5000 == 0 or n == count - 1:
                    progress("ETA tasks", n + 1, count)
        in_redis = max(0, client.info("memory")["used_memory"] - before)
        _drained(NAIVE_BROKER, timeout=900)
        time.sleep(2)
        return rss_kib(worker.pid), idle, in_redis
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        client.flushdb()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--naive", type=int, default=100_000)
    args = parser.parse_args(argv)
    django_setup()
    os.environ["CELERY_BROKER_URL"] = OUR_BROKER
    from django.db import connection

    from bench.timers import pending_enrollments_create
    from saleor_automation.flows.models import Enrollment

    print(f"timer memory: {args.n:,} pending enrollments; naive: {args.naive:,} ETA tasks")
    pending_enrollments_create(0)
    empty_rss = _our_worker_rss(TICKS)
    pending_enrollments_create(args.n, fresh=False)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + Enrollment._meta.db_table)
        cursor.execute("SELECT pg_total_relation_size(%s)", [Enrollment._meta.db_table])
        table_bytes = cursor.fetchone()[0]
    full_rss = _our_worker_rss(TICKS)
    naive_rss, naive_idle, naive_redis = _naive(args.naive)
    per_row = table_bytes / max(args.n, 1)
    figures = [
        Figure(
            name="database per pending enrollment",
            value=per_row,
            unit="bytes",
            goal="<= 1,024 bytes",
            met=per_row <= 1024,
        ),
        Figure(name="worker RSS, no pending timers", value=empty_rss / 1024, unit="MiB"),
        Figure(
            name=f"worker RSS, {args.n:,} pending timers",
            value=full_rss / 1024,
            unit="MiB",
            floor=empty_rss / 1024,
            floor_name="the same worker with none",
            goal="flat (within 10%)",
            met=full_rss <= 1.1 * empty_rss,
        ),
        Figure(
            name=f"naive: worker RSS holding {args.naive:,} ETA tasks",
            value=naive_rss / 1024,
            unit="MiB",
            floor=naive_idle / 1024,
            floor_name="the same worker idle",
        ),
        Figure(
            name=f"naive: Redis memory for {args.naive:,} ETA tasks (while the worker takes them)",
            value=naive_redis / 1024 / 1024,
            unit="MiB",
        ),
    ]
    grown = (naive_rss - naive_idle) * 1024 / max(args.naive, 1)
    notes = [
        f"the naive worker grew by ~{grown:,.0f} bytes per timer it holds; ours by "
        f"{(full_rss - empty_rss) * 1024 / max(args.n, 1):,.2f} bytes per pending enrollment",
        f"enrollment table with indexes: {table_bytes / 1024 / 1024:,.0f} MiB",
    ]
    results_save("timer_memory", "Memory of pending timers", figures, notes)


if __name__ == "__main__":
    main()
