"""Load held (issue 8, reliability): the receiver under twice its measured throughput for
60 s answers 5xx or slows down, and never loses an event it accepted.

The receiver runs under gunicorn as in production (tests/soak/stack.py) on the test's
PostgreSQL database and a dedicated redis-server. Its throughput is first measured briefly
with closed-loop senders (each sends its next body when the previous one is answered); then
an open-loop pacer offers twice that rate: each request is due at a fixed time, whatever
the answers, and goes out from a pool of threads (Saleor's delivery workers: finite, so the
excess waits on the sender's side, as Saleor's own queue grows). Every body is distinct (a
new event). Afterwards every 2xx must have its inbox row. Reported: the answers by kind, the
receiver's latency (request sent to answer) and the sender's lag (due time to request sent).

    pytest -m soak -s tests/soak/test_load_held.py
"""

import http.client
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from bench.common import percentile
from bench.end_to_end import _bodies
from saleor_automation.saleor.inbox import dedupe_key
from saleor_automation.saleor.models import InboxEvent

from .stack import Stack

pytestmark = [pytest.mark.soak, pytest.mark.django_db(transaction=True)]

WARMUP_SECONDS = 3.0  # first requests: gunicorn workers load the app, fetch the JWKS
MEASURE_SECONDS = 5.0
MEASURE_THREADS = 32  # as bench.ingest's wrk connections
HOLD_SECONDS = 60.0
OVERLOAD = 2.0
POOL = 256  # concurrent deliveries: far more than the receiver's workers, so it queues too
TIMEOUT = 10.0  # seconds a sender waits for an answer; later counts as a timeout
WEB_WORKERS = 5  # gunicorn sync workers, 2 x cores + 1 as bench.ingest runs it


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Outcomes:
    """What each request got: counts by kind, the accepted bodies, latencies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kinds: Counter[str] = Counter()
        self.accepted: list[bytes] = []
        self.latencies: list[float] = []
        self.lags: list[float] = []
        self.last_answer = 0.0

    def add(self, kind: str, body: bytes, latency: float, lag: float) -> None:
        with self.lock:
            self.kinds[kind] += 1
            self.latencies.append(latency)
            self.lags.append(lag)
            self.last_answer = max(self.last_answer, time.monotonic())
            if kind == "2xx":
                self.accepted.append(body)


class Poster:
    """One keep-alive connection per thread to the receiver."""

    def __init__(self, url: str, headers: Callable[[str, bytes], dict[str, str]]) -> None:
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path
        self.headers = headers
        self.local = threading.local()

    def post(self, body: bytes, due: float, outcomes: Outcomes) -> None:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            self.local.connection = connection
        sent = time.monotonic()
        try:
            connection.request("POST", self.path, body, self.headers("checkout_updated", body))
            answer = connection.getresponse()
            answer.read()
            kind = f"{answer.status // 100}xx"
        except TimeoutError:
            kind = "timeout"
            self._reset(connection)
        except (OSError, http.client.HTTPException):
            kind = "connection error"
            self._reset(connection)
        outcomes.add(kind, body, time.monotonic() - sent, max(0.0, sent - due))

    def _reset(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        self.local.connection = None


def _measure(poster: Poster, bodies: Iterator[bytes], seconds: float) -> tuple[float, Outcomes]:
    """Closed loop: MEASURE_THREADS senders, each waiting for its answer."""
    outcomes = Outcomes()
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def loop() -> None:
        while time.monotonic() < end:
            with lock:
                body = next(bodies)
            poster.post(body, time.monotonic(), outcomes)

    threads = [threading.Thread(target=loop) for _ in range(MEASURE_THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes.kinds["2xx"] / (time.monotonic() - started), outcomes


def _hold(poster: Poster, bodies: Iterator[bytes], rate: float) -> tuple[Outcomes, float, float]:
    """Open loop: request n is due at start + n / rate, sent by whichever thread is free.
    Returns the outcomes, the rate offered, and the rate accepted (2xx over the time from
    the first due request to the last answer)."""
    outcomes = Outcomes()
    interval = 1.0 / rate
    total = int(rate * HOLD_SECONDS)
    with ThreadPoolExecutor(max_workers=POOL) as pool:
        start = time.monotonic()
        for n in range(total):
            due = start + n * interval
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            pool.submit(poster.post, next(bodies), due, outcomes)
        offered_for = time.monotonic() - start
    return outcomes, total / offered_for, outcomes.kinds["2xx"] / (outcomes.last_answer - start)


def test_receiver_under_twice_its_throughput_loses_nothing(tmp_path: Path) -> None:
    from tests.saleor_emulator import SaleorEmulator
    from tests.saleor_emulator.schema import load_schema

    stack = Stack(tmp_path, _database_url(), web_workers=WEB_WORKERS)
    emulator = SaleorEmulator(load_schema()).start()
    try:
        stack.start_web()
        installed = emulator.install(f"{stack.base_url}/api/manifest")
        assert installed.ok, installed.message
        url = next(
            w.target_url for w in emulator.app.webhooks if "CHECKOUT_UPDATED" in w.async_events
        )
        # Distinct bodies without end (the generator makes each on demand).
        bodies = (
            body.encode()
            for event, body, _ in _bodies(emulator, 1000, 10_000_000)
            if event == "checkout_updated"
        )
        poster = Poster(url, emulator.webhook_headers)
        _, warmup = _measure(poster, bodies, WARMUP_SECONDS)
        measured, measuring = _measure(poster, bodies, MEASURE_SECONDS)
        assert measured > 0, f"the receiver accepted nothing while measured: {measuring.kinds}"
        held, offered, accepted_rate = _hold(poster, bodies, OVERLOAD * measured)
    finally:
        stack.stop_all()
        emulator.stop()

    accepted = warmup.accepted + measuring.accepted + held.accepted
    keys = {dedupe_key(emulator.api_url, "checkout_updated", body) for body in accepted}
    assert len(keys) == len(accepted), "bodies repeated: the check would not mean much"
    found = 0
    key_list = list(keys)
    for start in range(0, len(key_list), 5000):
        found += InboxEvent.objects.filter(dedupe_key__in=key_list[start : start + 5000]).count()
    report = {
        "measured_req_per_s": round(measured, 1),
        "offered_req_per_s": round(offered, 1),
        "answers": dict(held.kinds),
        "accepted_req_per_s": round(accepted_rate, 1),
        "receiver_latency_p50_ms": round(percentile(held.latencies, 50) * 1000, 1),
        "receiver_latency_p99_ms": round(percentile(held.latencies, 99) * 1000, 1),
        "receiver_latency_max_ms": round(max(held.latencies) * 1000, 1),
        "sender_lag_p50_s": round(percentile(held.lags, 50), 1),
        "sender_lag_max_s": round(max(held.lags), 1),
        "accepted_events": len(accepted),
        "inbox_rows_found": found,
        "lost": len(accepted) - found,
    }
    print("\nload held:", json.dumps(report, indent=2))
    assert sum(held.kinds.values()) == int(OVERLOAD * measured * HOLD_SECONDS)
    assert found == len(accepted), f"{len(accepted) - found} accepted events lost"
