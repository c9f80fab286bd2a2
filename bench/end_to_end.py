"""Benchmark 4: end to end, events in -> messages out.

A synthetic store: C customers created (CUSTOMER_CREATED) among E events in all, the rest
checkout updates of those customers. The app runs as in production: gunicorn (the real
receiver), Celery workers and beat on Redis, PostgreSQL, email to the console backend
(output discarded). One flow is active: a welcome email sent at once on customer_created.
The events go in over HTTP, signed like Saleor signs them, each once, from a pool of
sender threads; then the run waits until every customer has had its email.

Figures: messages/s (from the first event received to the last email sent), events/s
processed, and event-to-send latency (email sent_at minus the CUSTOMER_CREATED's receipt)
p50/p99. There is no floor: the pipeline's parts have theirs in bench.ingest and
bench.timers.

    python -m bench.end_to_end [--contacts 100000] [--events 1000000] [--workers 2]
"""

import argparse
import base64
import http.client
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from queue import Empty, Queue
from urllib.parse import urlsplit

from bench.common import (
    ROOT,
    Figure,
    django_setup,
    percentile,
    progress,
    results_save,
    webhook_body,
)
from bench.ingest import _free_port, _gunicorn

BROKER = "redis://127.0.0.1:6379/10"
SENDERS = 16


def _user_id(n: int) -> str:
    return base64.b64encode(f"User:{900000 + n}".encode()).decode()


def _bodies(emulator, contacts: int, events: int):
    """(event, body) pairs: each customer's CUSTOMER_CREATED first, checkout updates after.
    Made from one captured body of each kind, with the identity and time replaced."""
    customer = emulator.customer("template@example.com")
    created = webhook_body(emulator, "CUSTOMER_CREATED", customer).decode()
    checkout = webhook_body(emulator, "CHECKOUT_UPDATED", emulator.checkout(user=customer)).decode()
    template_id = customer["id"]
    others = events - contacts
    for n in range(contacts):
        body = created.replace(template_id, _user_id(n)).replace(
            "template@example.com", f"c{n}@example.com"
        )
        yield "customer_created", body, n
    for k in range(others):
        n = k % contacts
        body = checkout.replace(template_id, _user_id(n)).replace(
            "template@example.com", f"c{n}@example.com"
        )
        # A distinct body per update (updatedAt of the checkout moves on).
        yield "checkout_updated", body.replace('"issuedAt":', f'"_bench":{k},"issuedAt":', 1), n


def _send_all(urls: dict[str, str], api_url: str, key, items, total: int) -> int:
    """POST each (event, body) to its webhook's URL from SENDERS threads; returns how many
    failed after retries."""
    queue: Queue = Queue(maxsize=SENDERS * 100)
    failures = []
    sent = [0]
    lock = threading.Lock()
    parts = urlsplit(next(iter(urls.values())))
    paths = {event: urlsplit(url).path for event, url in urls.items()}

    def sender() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while True:
            try:
                item = queue.get(timeout=5)
            except Empty:
                continue
            if item is None:
                return
            event, body = item
            data = body.encode()
            headers = {
                "Content-Type": "application/json",
                "Saleor-Event": event,
                "Saleor-Api-Url": api_url,
                "Saleor-Signature": key.sign(data),
            }
            for _attempt in range(5):  # Saleor retries too; the inbox dedupes
                try:
                    connection.request("POST", paths[event], data, headers)
                    status = connection.getresponse()
                    status.read()
                    if 200 <= status.status < 300:
                        break
                except OSError:
                    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                time.sleep(0.5)
            else:
                failures.append(event)
            with lock:
                sent[0] += 1
                if sent[0] % 1000 == 0 or sent[0] == total:
                    progress("events sent", sent[0], total)

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for event, body, _n in items:
        queue.put((event, body))
    for _ in threads:
        queue.put(None)
    for thread in threads:
        thread.join()
    return len(failures)


def _processes(workers: int, env: dict[str, str]) -> list[subprocess.Popen]:
    command = [sys.executable, "-m", "saleor_automation"]
    processes = [
        subprocess.Popen(
            [*command, "worker", "--concurrency", "1", "-l", "warning"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    processes.append(
        subprocess.Popen(
            [*command, "beat", "-l", "warning", "-s", str(ROOT / "var" / "bench" / "beat")],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    return processes


def _welcome_flow(installation) -> None:
    from saleor_automation.flows.services import flow_activate, flow_create, flow_save_draft

    mjml = (
        "<mj-section><mj-column><mj-text>Welcome {{ first_name }}</mj-text>"
        "</mj-column></mj-section>"
    )
    graph = {
        "schema_version": 1,
        "nodes": [
            {"id": "trigger", "type": "trigger", "params": {"event": "customer_created"}},
            {
                "id": "s1",
                "type": "send_email",
                "params": {"message": {"subject": "Hi", "mjml": mjml}},
            },
            {"id": "exit", "type": "exit", "params": {}},
        ],
        "edges": [
            {"source": "trigger", "target": "s1", "label": "next"},
            {"source": "s1", "target": "exit", "label": "next"},
        ],
    }
    flow = flow_create(installation=installation, name="welcome")
    flow_save_draft(flow=flow, graph=graph, settings={})
    flow_activate(flow=flow, now=datetime.now(UTC))


def _latencies() -> tuple[list[float], datetime, datetime]:
    from django.db import connection

    from saleor_automation.contacts.models import Contact
    from saleor_automation.messaging.models import Message
    from saleor_automation.saleor.models import InboxEvent

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH created AS (
                SELECT lower(body::jsonb -> 'user' ->> 'email') AS email, received_at
                FROM {InboxEvent._meta.db_table} WHERE event_type = 'customer_created'
            )
            SELECT extract(epoch FROM m.sent_at - created.received_at)
            FROM {Message._meta.db_table} m
            JOIN {Contact._meta.db_table} c ON c.id = m.contact_id
            JOIN created ON created.email = c.email
            WHERE m.sent_at IS NOT NULL
            """
        )
        values = [float(row[0]) for row in cursor.fetchall()]
        cursor.execute(f"SELECT min(received_at) FROM {InboxEvent._meta.db_table}")
        first = cursor.fetchone()[0]
        cursor.execute(f"SELECT max(sent_at) FROM {Message._meta.db_table}")
        last = cursor.fetchone()[0]
    return values, first, last


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gunicorn-workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args(argv)
    if args.events < args.contacts:
        raise SystemExit("--events must be at least --contacts")
    django_setup()
    import redis

    from saleor_automation.messaging.models import Message
    from saleor_automation.saleor.models import InboxEvent, InboxStatus, Installation
    from tests.saleor_emulator import SaleorEmulator
    from tests.saleor_emulator.schema import load_schema

    redis.Redis.from_url(BROKER).flushdb()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "APP_BASE_URL": base,
        "ALLOW_PRIVATE_SALEOR_URLS": "true",
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "ASSUME_MARKETING_CONSENT": "true",
        "PYTHONPATH": str(ROOT),
    }
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    print(f"end to end: {args.contacts:,} customers, {args.events:,} events")
    server = _gunicorn(port, args.gunicorn_workers, env)
    emulator = SaleorEmulator(load_schema()).start()
    processes: list[subprocess.Popen] = []
    try:
        result = emulator.install(f"{base}/api/manifest")
        if not result.ok:
            raise SystemExit(f"install failed: {result.message}")
        installation = Installation.objects.get()
        Installation.objects.filter(pk=installation.pk).update(assume_marketing_consent=True)
        _welcome_flow(installation)
        urls = {
            event.lower(): next(
                w.target_url for w in emulator.app.webhooks if event in w.async_events
            )
            for event in ("CUSTOMER_CREATED", "CHECKOUT_UPDATED")
        }
        processes = _processes(args.workers, env)
        started = time.monotonic()
        items = _bodies(emulator, args.contacts, args.events)
        failed = _send_all(urls, emulator.api_url, emulator.key, items, args.events)
        while True:
            sent = Message.objects.filter(sent_at__isnull=False).count()
            pending = InboxEvent.objects.exclude(status=InboxStatus.PROCESSED).count()
            progress("emails sent", min(sent, args.contacts), args.contacts)
            if sent >= args.contacts and not pending:
                break
            if time.monotonic() - started > 3 * 3600:
                break
            time.sleep(2)
        values, first, last = _latencies()
        processed = InboxEvent.objects.filter(status=InboxStatus.PROCESSED).count()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        emulator.stop()
        server.terminate()
        server.wait(timeout=30)
    seconds = (last - first).total_seconds() if first and last else 0
    figures = [
        Figure(
            name="emails sent per second",
            value=len(values) / seconds if seconds else 0,
            unit="msg/s",
        ),
        Figure(
            name="events processed per second",
            value=processed / seconds if seconds else 0,
            unit="ev/s",
        ),
        Figure(name="event-to-send latency p50", value=percentile(values, 50), unit="s"),
        Figure(name="event-to-send latency p99", value=percentile(values, 99), unit="s"),
    ]
    notes = [
        f"{len(values):,} emails for {args.contacts:,} customers; {processed:,} of "
        f"{args.events:,} events processed; {failed} sends failed after retries",
        f"{args.workers} Celery workers (1 process each), beat, "
        f"{args.gunicorn_workers} gunicorn sync workers, {SENDERS} sender threads",
        "the latency includes queueing behind the backlog: all events arrive as fast as "
        "the receiver takes them",
    ]
    results_save("end_to_end", "End to end: events in, emails out", figures, notes)


if __name__ == "__main__":
    main()
