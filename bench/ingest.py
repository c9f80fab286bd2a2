"""Benchmark 1: webhook ingest. The real receiver (signature, dedupe, inbox row, enqueue)
under wrk, with bodies captured from the Saleor emulator, beside the floor in the same run:
a bare Django view that checks the same detached JWS and INSERTs the body (bench/ingest_urls).

Both run under gunicorn with the same sync workers, on PostgreSQL, with Redis as the
broker the receiver enqueues to; wrk sends signed CHECKOUT_UPDATED bodies, each once.
After the run, the inbox rows are counted: every 2xx answer must have its row.

Goal (issue 8): >= 90% of the floor's throughput, p99 <= 100 ms at 32 connections, zero
lost events.

    python -m bench.ingest [--seconds 20] [--connections 32] [--workers 5]
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, Figure, django_setup, progress, results_save, webhook_body

WORK = ROOT / "var" / "bench"
VARIANTS = 60_000  # distinct signed bodies: more than a run sends, so none repeats
ISSUED_AT = re.compile(rb'"issuedAt": ?"([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_argv(port: int, workers: int) -> list[str]:
    """The app under gunicorn's sync workers on loopback (also used by tests/soak)."""
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "saleor_automation.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]


def _gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(gunicorn_argv(port, workers), env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/manifest", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not come up")


def _requests_file(emulator, count: int) -> Path:
    """Capture real webhook bodies from the emulator, then sign `count` distinct variants."""
    captured = [
        webhook_body(emulator, "CHECKOUT_UPDATED", emulator.checkout(f"bench{n}@example.com"))
        for n in range(50)
    ]
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "ingest_requests.tsv"
    sizes = []
    with path.open("w") as out:
        for n in range(count):
            template = captured[n % len(captured)]
            # A distinct issuedAt per body: a distinct dedupe key, so each is a new event.
            body = ISSUED_AT.sub(
                lambda m, n=n: (
                    b'"issuedAt": "' + m.group(1)[:19] + f".{n:06d}+00:00".encode() + b'"'
                ),
                template,
                count=1,
            )
            body = json.dumps(json.loads(body), separators=(",", ":")).encode()
            sizes.append(len(body))
            out.write(f"checkout_updated\t{emulator.key.sign(body)}\t{body.decode()}\n")
            if n % 2000 == 0 or n == count - 1:
                progress("signed bodies", n + 1, count)
    print(
        f"  bodies: {len(captured)} captured, {count:,} variants, "
        f"~{sum(sizes) // len(sizes):,} bytes each"
    )
    return path


def _wrk(
    url: str, api_url: str, requests: Path, seconds: int, connections: int
) -> dict[str, float]:
    threads = 2
    env = {
        **os.environ,
        "INGEST_REQUESTS": str(requests),
        "INGEST_API_URL": api_url,
        "INGEST_THREADS": str(threads),
    }
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "ingest.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    line = next(row for row in out.splitlines() if row.startswith("INGEST "))
    values = dict(part.split("=") for part in line.split()[1:])
    return {key: float(value) for key, value in values.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--bodies", type=int, default=VARIANTS)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("bench.ingest needs wrk: apt-get install wrk")
    django_setup()
    from django.db import connection

    from saleor_automation.saleor.models import InboxEvent
    from tests.saleor_emulator import SaleorEmulator
    from tests.saleor_emulator.schema import load_schema

    from .ingest_urls import FLOOR_TABLE

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (id bigserial PRIMARY KEY, body text NOT NULL)")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.ingest_settings",
        "APP_BASE_URL": base,
        "ALLOW_PRIVATE_SALEOR_URLS": "true",
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13"),
        "JWKS_REFETCH_MIN_INTERVAL": "0",
        "PYTHONPATH": str(ROOT),
    }
    server = _gunicorn(port, args.workers, env)
    emulator = SaleorEmulator(load_schema()).start()
    try:
        result = emulator.install(f"{base}/api/manifest")
        if not result.ok:
            raise SystemExit(f"install failed: {result.message}")
        requests = _requests_file(emulator, args.bodies)
        print(f"  floor: {args.seconds} s, {args.connections} connections, {args.workers} workers")
        floor = _wrk(
            f"{base}/bench/floor", emulator.api_url, requests, args.seconds, args.connections
        )
        webhook = next(w for w in emulator.app.webhooks if "CHECKOUT_UPDATED" in w.async_events)
        print("  receiver: the same")
        real = _wrk(webhook.target_url, emulator.api_url, requests, args.seconds, args.connections)
        time.sleep(1)
        rows = InboxEvent.objects.count()
    finally:
        emulator.stop()
        server.terminate()
        server.wait(timeout=30)
    lost = max(0, int(real["ok"]) - rows)
    figures = [
        Figure(
            name="receiver throughput",
            value=real["rps"],
            unit="req/s",
            floor=floor["rps"],
            floor_name="bare Django + JWS check + one INSERT",
            goal=">= 90% of the floor",
            met=real["rps"] >= 0.9 * floor["rps"],
        ),
        Figure(
            name="receiver p99",
            value=real["p99"] / 1000,
            unit="ms",
            goal="<= 100 ms",
            met=real["p99"] / 1000 <= 100,
        ),
        Figure(name="receiver p50", value=real["p50"] / 1000, unit="ms"),
        Figure(name="floor throughput", value=floor["rps"], unit="req/s"),
        Figure(name="floor p99", value=floor["p99"] / 1000, unit="ms"),
        Figure(
            name="events lost (2xx without an inbox row)",
            value=lost,
            unit="",
            goal="0",
            met=lost == 0,
        ),
    ]
    notes = [
        f"receiver: {int(real['ok']):,} answered 2xx, {int(real['failed']):,} other; "
        f"{rows:,} inbox rows",
        f"{args.connections} connections, {args.workers} gunicorn sync workers, "
        f"{args.seconds} s each",
    ]
    if real["wrapped"] or floor["wrapped"]:
        notes.append("the body file was exhausted and bodies repeated: raise --bodies")
    results_save("ingest", "Webhook ingest: the real receiver beside its floor", figures, notes)


if __name__ == "__main__":
    main()
