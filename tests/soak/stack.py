"""The app as it runs in production, as subprocesses the soak tests can SIGKILL and restart:
a dedicated redis-server (no persistence, on a free port: killing it hurts nobody else),
gunicorn with the real receiver, Celery workers and beat, all on the test's PostgreSQL
database. And a sender that posts signed webhook bodies over HTTP the way Saleor does.

    Service(name, argv, env, log, ready)   one supervised program in its own process group
    Stack(tmp, database_url)               redis + web + workers + beat; .stop_all()
    Sender(...)                            paced deliveries, retried like Saleor retries
"""

import contextlib
import heapq
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.ingest import _free_port, gunicorn_argv

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


def until(
    check: Callable[[], object],
    timeout: float,
    what: str,
    describe: Callable[[], str] = lambda: "",
) -> None:
    """Poll `check` until true; after `timeout` seconds fail, saying what was left."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout:.0f}s waiting for {what} {describe()}".rstrip()
            )
        time.sleep(0.5)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


class Service:
    """One program in its own session, so a kill takes its children with it (as a container
    or a systemd unit does), restarted by `start()` as a supervisor would."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str],
        log: Path,
        ready: Callable[[], bool] | None = None,
    ) -> None:
        self.name, self.argv, self.env, self.log, self.ready = name, argv, env, log, ready
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        if self.ready is not None:
            deadline = time.monotonic() + START_TIMEOUT
            while not self.ready():
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise AssertionError(f"{self.name} did not come up (see {self.log})")
                time.sleep(0.1)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group (the program and any children it forked)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def kill_child(self) -> bool:
        """SIGKILL one child (a gunicorn worker, a Celery pool process); its parent replaces
        it. False when there was none to kill."""
        if not self.running:
            return False
        children = _children(self.process.pid)
        if not children:
            return False
        try:
            os.kill(children[0], signal.SIGKILL)
        except ProcessLookupError:
            return False
        return True


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _redis_ok(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


class Stack:
    """redis-server, gunicorn (the receiver), Celery workers and beat for one test."""

    def __init__(self, tmp: Path, database_url: str, *, web_workers: int = 2) -> None:
        self.tmp = tmp
        self.mail = tmp / "mail"
        self.mail.mkdir(exist_ok=True)
        logs = tmp / "logs"
        logs.mkdir(exist_ok=True)
        redis_port, web_port = _free_port(), _free_port()
        self.broker = f"redis://127.0.0.1:{redis_port}/0"
        self.base_url = f"http://127.0.0.1:{web_port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": self.broker,
            "APP_BASE_URL": self.base_url,
            "ALLOW_PRIVATE_SALEOR_URLS": "true",
            "JWKS_REFETCH_MIN_INTERVAL": "0",
            "EMAIL_BACKEND": "tests.soak.mail_backend.EmailBackend",
            "SOAK_MAIL_DIR": str(self.mail),
            "DATA_DIR": str(tmp / "data"),
            "PYTHONPATH": str(REPO),
            "DJANGO_SETTINGS_MODULE": "saleor_automation.settings",
        }
        self.env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        app = [sys.executable, "-m", "saleor_automation"]
        redis_dir = tmp / "redis"
        redis_dir.mkdir(exist_ok=True)
        self.redis = Service(
            "redis",
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                # Its own folder: a dump.rdb in the working directory would be loaded.
                "--dir",
                str(redis_dir),
            ],
            self.env,
            logs / "redis.log",
            ready=lambda: _redis_ok(self.broker),
        )
        self.web = Service(
            "web",
            gunicorn_argv(web_port, web_workers),
            self.env,
            logs / "web.log",
            ready=lambda: _http_ok(f"{self.base_url}/api/manifest"),
        )
        self.workers = [
            Service(
                f"worker{n}",
                [*app, "worker", "--concurrency", "1", "-l", "warning", "-n", f"soak{n}@%h"],
                self.env,
                logs / f"worker{n}.log",
            )
            for n in range(2)
        ]
        self.beat = Service(
            "beat",
            [*app, "beat", "-l", "warning", "-s", str(tmp / "beat-schedule")],
            self.env,
            logs / "beat.log",
        )

    @property
    def services(self) -> list[Service]:
        return [self.redis, self.web, *self.workers, self.beat]

    def start_web(self) -> None:
        self.redis.start()
        self.web.start()

    def start_rest(self) -> None:
        for service in [*self.workers, self.beat]:
            service.start()

    def ensure_running(self) -> None:
        for service in self.services:
            if not service.running:
                service.start()

    def stop_all(self) -> None:
        for service in reversed(self.services):
            service.kill()


@dataclass(order=True)
class Delivery:
    due: float
    event: str = field(compare=False)
    body: bytes = field(compare=False)
    attempts: int = field(default=0, compare=False)
    accepted: bool = field(default=False, compare=False)


@dataclass
class SenderStats:
    attempts: int = 0
    accepted: int = 0
    retried: int = 0  # attempts that failed and were scheduled again
    errors: dict[str, int] = field(default_factory=dict)


class Sender:
    """Saleor's side: each delivery POSTed, signed, until it gets a 2xx (then accepted);
    a non-2xx answer or a connection error is retried later, with backoff."""

    def __init__(
        self,
        urls: dict[str, str],
        headers: Callable[[str, bytes], dict[str, str]],
        threads: int = 12,
    ) -> None:
        self.paths = {event: urlsplit(url).path for event, url in urls.items()}
        parts = urlsplit(next(iter(urls.values())))
        self.host, self.port = parts.hostname, parts.port
        self.headers = headers
        self.threads = threads
        self.stats = SenderStats()
        self.deliveries: list[Delivery] = []
        self._heap: list[Delivery] = []
        self._in_flight = 0
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def start(self, items: Iterable[tuple[str, bytes]], seconds: float) -> None:
        """Schedule `items` evenly over `seconds` from now, and start sending."""
        items = list(items)
        now = time.monotonic()
        step = seconds / max(len(items), 1)
        for n, (event, body) in enumerate(items):
            delivery = Delivery(due=now + n * step, event=event, body=body)
            self.deliveries.append(delivery)
            heapq.heappush(self._heap, delivery)
        for _ in range(self.threads):
            thread = threading.Thread(target=self._run, daemon=True)
            thread.start()
            self._workers.append(thread)

    @property
    def outstanding(self) -> int:
        """Deliveries not yet accepted: waiting for their time or being sent."""
        with self._lock:
            return len(self._heap) + self._in_flight

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            self._lock.notify_all()
        for thread in self._workers:
            thread.join(timeout=30)

    def _next(self) -> Delivery | None:
        with self._lock:
            while not self._stop.is_set():
                if self._heap and self._heap[0].due <= time.monotonic():
                    self._in_flight += 1
                    return heapq.heappop(self._heap)
                wait = self._heap[0].due - time.monotonic() if self._heap else 0.5
                self._lock.wait(timeout=max(0.01, min(wait, 0.5)))
        return None

    def _run(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        while (delivery := self._next()) is not None:
            error = ""
            try:
                connection.request(
                    "POST",
                    self.paths[delivery.event],
                    delivery.body,
                    self.headers(delivery.event, delivery.body),
                )
                answer = connection.getresponse()
                answer.read()
                if not 200 <= answer.status < 300:
                    error = f"http {answer.status}"
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
                connection.close()
                connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
            with self._lock:
                self._in_flight -= 1
                self.stats.attempts += 1
                delivery.attempts += 1
                if not error:
                    delivery.accepted = True
                    self.stats.accepted += 1
                    continue
                self.stats.retried += 1
                self.stats.errors[error] = self.stats.errors.get(error, 0) + 1
                delivery.due = time.monotonic() + min(0.5 * 2**delivery.attempts, 8.0)
                heapq.heappush(self._heap, delivery)
                self._lock.notify()
        connection.close()
