"""`saleor-automation devserver` (what `make run` starts): migrate, then web + worker + beat.

Runs on the embedded defaults unless the environment says otherwise: SQLite under DATA_DIR,
the folder broker under DATA_DIR/broker, email to the console. The web server is gunicorn
with sync workers, the same server as production, so the receiver runs here as it runs
there; SQLite in WAL mode with a lock timeout (settings.py) copes with its few processes.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ..processes import celery_beat_argv, celery_worker_argv, gunicorn_argv

# How long the children get to stop after a forwarded signal before they are killed.
GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1
_LOOPBACK_ALIASES = {"", "0.0.0.0", "127.0.0.1", "localhost", "::", "::1"}  # noqa: S104


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = field(default=None, repr=False)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, signum: int) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signum)

    def kill_group(self) -> None:
        """SIGKILL the child's whole process group (gunicorn's workers too)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


def _die_with_parent() -> None:
    # Runs in the child between fork and exec. The children have their own sessions (so a
    # terminal's Ctrl-C reaches only the supervisor, which forwards it once: Celery takes a
    # second SIGINT as "cold shutdown"); this makes them stop too if the supervisor is
    # killed outright.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor:
    """Starts children, forwards stop signals to them, and stops all when one dies."""

    def __init__(
        self,
        children: list[Child],
        env: dict[str, str],
        on_tick: Callable[[], None] = lambda: None,
        log: Callable[[str], None] = print,
    ) -> None:
        self.children = children
        self.env = env
        self.on_tick = on_tick
        self.log = log
        self.requested: int | None = None
        self.forced = False

    def _on_signal(self, signum: int, frame: object) -> None:
        if self.requested is None:
            self.requested = signum
        else:
            self.forced = True  # a second Ctrl-C: do not wait for a graceful stop

    def run(self) -> int:
        """Runs until a stop signal (returns 0) or a child's death (returns 1)."""
        stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        previous = {signum: signal.signal(signum, self._on_signal) for signum in stop_signals}
        died: Child | None = None
        try:
            for child in self.children:
                if self.requested is not None:
                    break
                child.process = subprocess.Popen(  # noqa: S603 (our own interpreter)
                    child.argv,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                    preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                )
            while self.requested is None and died is None:
                died = next((c for c in self.children if not c.alive()), None)
                if died is None:
                    self.on_tick()
                    time.sleep(POLL_SECONDS)
            if died is not None:
                others = ", ".join(c.name for c in self.children if c.alive())
                self.log(
                    f"devserver: {died.name} exited with status {died.process.returncode}"
                    + (f"; stopping {others}." if others else ".")
                )
            self.stop(signal.SIGTERM if self.requested in (None, signal.SIGHUP) else self.requested)
        finally:
            for child in self.children:
                if child.alive():
                    child.kill_group()
                    child.process.wait()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return 0 if died is None else 1

    def stop(self, signum: int) -> None:
        """Forward `signum`, wait up to GRACE_SECONDS, then kill what is left."""
        for child in self.children:
            child.send(signum)
        deadline = time.monotonic() + GRACE_SECONDS
        while any(c.alive() for c in self.children):
            if self.forced or time.monotonic() > deadline:
                for child in self.children:
                    if child.alive():
                        self.log(f"devserver: killing {child.name}.")
                        child.kill_group()
                break
            time.sleep(0.1)
        for child in self.children:
            if child.process is not None:
                child.process.wait()
                # Anything left in the child's group (a gunicorn worker) goes too.
                child.kill_group()


def base_url(host: str, port: int) -> str:
    """The URL Saleor and the browser use: APP_BASE_URL when set, else this host and port."""
    if os.environ.get("APP_BASE_URL"):
        return settings.APP_BASE_URL
    name = "localhost" if host in _LOOPBACK_ALIASES else host
    if ":" in name:
        name = f"[{name}]"
    return f"http://{name}:{port}"


def local_url(host: str, port: int) -> str:
    """Where this machine reaches the web server it just started."""
    if host in {"", "0.0.0.0", "localhost"}:  # noqa: S104
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (our own http URL)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Command(BaseCommand):
    help = (
        "Run the app for development: migrate, then the web server (gunicorn), a Celery worker "
        "and Celery beat. Ctrl-C stops all three."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="Interface to listen on [127.0.0.1]; 0.0.0.0 to reach it from a container.",
        )
        parser.add_argument("--port", type=int, default=8000, help="Port [8000].")
        parser.add_argument("--web-workers", type=int, default=2, help="gunicorn sync workers [2].")

    def handle(self, *args: str, host: str, port: int, web_workers: int, **options: object):
        data_dir = Path(settings.DATA_DIR)
        data_dir.mkdir(parents=True, exist_ok=True)  # SQLite does not create its folder
        call_command("migrate", interactive=False, verbosity=options.get("verbosity", 1))
        # The supervisor only waits; the children open their own connections.
        connections.close_all()

        url = base_url(host, port)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "saleor_automation.settings"
            ),
            "DATA_DIR": str(data_dir),
            "APP_BASE_URL": url,
            "PYTHONUNBUFFERED": "1",
        }
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        children = [
            Child(
                "web",
                gunicorn_argv(bind=bind, workers=web_workers, extra=["--graceful-timeout", "5"]),
            ),
            Child("worker", celery_worker_argv()),
            Child("beat", celery_beat_argv()),
        ]
        probe = f"{local_url(host, port)}/api/manifest"
        announced = False

        def announce_when_ready() -> None:
            nonlocal announced
            if not announced and answers(probe):
                announced = True
                self.stdout.write(self.banner(url))

        supervisor = Supervisor(children, env, on_tick=announce_when_ready, log=self.stderr.write)
        if supervisor.run() != 0:
            raise CommandError("a devserver process died; all were stopped.")

    def banner(self, url: str) -> str:
        return f"""
saleor-automation is running: web, worker and beat. Ctrl-C stops all three.

  Manifest URL:  {url}/api/manifest

Install it in a Saleor: Dashboard > Apps > Install external app, paste the manifest URL,
then make sure the app is active (an inactive app's token is refused and its events lost).
Saleor refuses loopback and private URLs by default: set HTTP_IP_FILTER_ENABLED=False (or
HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS=True) on the Saleor side, or expose this port through a
public tunnel and set APP_BASE_URL to the tunnel's https URL.
"""
