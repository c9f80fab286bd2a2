"""Command lines of the app's long-running processes: web (gunicorn), worker and beat (Celery).

`serve`, `worker` and `beat` exec these; `devserver` runs all three side by side. Extra
arguments the caller passes go to gunicorn or Celery unchanged, after the defaults, so a
caller's option overrides a default of the same name.
"""

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, handle_default_options

WSGI_APP = "saleor_automation.wsgi:application"
CELERY_APP = "saleor_automation"


def default_web_workers() -> int:
    """gunicorn's rule of thumb for sync workers: two per core plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_argv(*, bind: str, workers: int, extra: Sequence[str] = ()) -> list[str]:
    # Sync workers: the receiver measured 3-4x faster on WSGI sync workers than under ASGI
    # (ARCHITECTURE.md), and persistent DB connections come from DATABASE_CONN_MAX_AGE.
    return [
        sys.executable,
        "-m",
        "gunicorn",
        WSGI_APP,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--access-logfile",
        "-",
        *extra,
    ]


def uses_filesystem_broker() -> bool:
    return str(settings.CELERY_BROKER_URL).startswith("filesystem://")


def celery_worker_argv(extra: Sequence[str] = ()) -> list[str]:
    defaults = ["--loglevel", "INFO"]
    if uses_filesystem_broker() and not _has_option(extra, "--pool", "-P"):
        # The folder broker is the laptop default: one process that runs tasks one at a
        # time is all SQLite can use (it has a single writer), and gossip/mingle only add
        # polling of control files to every start.
        defaults += ["--pool", "solo", "--without-gossip", "--without-mingle"]
    return [sys.executable, "-m", "celery", "-A", CELERY_APP, "worker", *defaults, *extra]


def celery_beat_argv(extra: Sequence[str] = ()) -> list[str]:
    defaults = ["--loglevel", "INFO"]
    if not _has_option(extra, "--schedule", "-s"):
        # Beat's default schedule file lands in the working directory; keep it with the
        # app's other local state.
        defaults += ["--schedule", str(beat_schedule_path())]
    return [sys.executable, "-m", "celery", "-A", CELERY_APP, "beat", *defaults, *extra]


def beat_schedule_path() -> Path:
    return Path(settings.DATA_DIR) / "celerybeat-schedule"


def _has_option(args: Sequence[str], *names: str) -> bool:
    return any(arg == name or arg.startswith(f"{name}=") for arg in args for name in names)


class PassThroughCommand(BaseCommand):
    """A command that hands the options it does not know to the program it wraps."""

    passthrough: Sequence[str] = ()

    def run_from_argv(self, argv: list[str]) -> None:
        # Django's parser rejects unknown options; keep them for gunicorn or Celery instead.
        parser = self.create_parser(argv[0], argv[1])
        parser.epilog = "Any other option is passed to the wrapped program unchanged."
        options, passthrough = parser.parse_known_args(argv[2:])
        self.passthrough = passthrough[1:] if passthrough[:1] == ["--"] else passthrough
        handle_default_options(options)
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        try:
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            self.stderr.write(f"{exc.__class__.__name__}: {exc}")
            sys.exit(exc.returncode)

    def exec(self, argv: list[str]) -> None:
        """Replace this process, so a supervisor's signals reach the server directly."""
        self.stdout.flush()
        self.stderr.flush()
        os.execv(argv[0], argv)  # noqa: S606 (argv is ours, no shell)
