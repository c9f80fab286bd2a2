"""What every benchmark shares: a PostgreSQL database of its own, the machine's description,
and the results file each run adds its rows to.

    django_setup() -> None                 settings, a new `sa_bench` database, migrated
    machine() -> dict[str, str]            cores, memory, CPU, PostgreSQL, Python, commit
    Figure(...)                            one measured figure, its floor and its goal
    results_save(name, figures, notes)     bench/results/<name>.json (RESULTS.md is made
                                           from every such file by bench/report.py)
    rss_kib(pid) -> int                    a process's resident memory
    webhook_body(emulator, event, subject) a signed delivery's body, captured not posted

Benchmarks are programs, not tests: they print what they measured and never fail on a
figure; the goal column says whether a figure reached its goal.
"""

import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/sa_bench"


def _database_recreate(url: str) -> None:
    """A new, empty bench database each run: its schema is whatever the migrations say now."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_setup(*, migrate: bool = True) -> None:
    """Django on the bench database (`BENCH_DATABASE_URL`, default sa_bench on loopback),
    dropped and created anew, then migrated."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_automation.settings")
    if migrate:
        _database_recreate(url)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def _first_line(command: Sequence[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)
    except OSError:
        return "unknown"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else ""


def machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = "unknown"
    loadavg = Path("/proc/loadavg")
    if loadavg.exists():
        load = loadavg.read_text().split()[0]
    memory_kib = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory_kib = int(meminfo.read_text().split()[1])
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{memory_kib / 1024 / 1024:.1f} GiB",
        "cpu": cpu,
        "postgresql": _first_line(["psql", "--version"]),
        "python": platform.python_version(),
        "commit": _first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        # Other work on the machine skews absolute figures; ratios to a floor measured in
        # the same run much less.
        "load": load,
    }


@dataclass
class Figure:
    """One measured figure. `ratio` is figure / floor when the goal is relative to a floor
    measured in the same run; `goal` says in words what the figure must reach."""

    name: str
    value: float
    unit: str
    floor: float | None = None
    floor_name: str = ""
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None


def results_save(name: str, title: str, figures: list[Figure], notes: list[str]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    payload = {
        "name": name,
        "title": title,
        "machine": machine(),
        "figures": [{**asdict(f), "ratio": f.ratio} for f in figures],
        "notes": notes,
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    for figure in figures:
        ratio = f" = {figure.ratio:.0%} of {figure.floor_name}" if figure.ratio else ""
        verdict = "" if figure.met is None else (" (goal met)" if figure.met else " (goal MISSED)")
        print(f"  {figure.name}: {figure.value:,.1f} {figure.unit}{ratio}{verdict}")
    for note in notes:
        print(f"  note: {note}")
    return path


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def progress(label: str, done: int, total: int) -> None:
    """A one-line progress bar on stderr (long runs show where they are)."""
    width = 30
    filled = width * done // total if total else width
    sys.stderr.write(f"\r  {label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def webhook_body(emulator, event: str, subject: dict) -> bytes:
    """The body the emulated Saleor would deliver for `event` about `subject`, captured
    instead of posted (benchmarks sign and send their own variants of it)."""
    from tests.saleor_emulator import delivery

    captured: list[bytes] = []

    def capture(url: str, body: bytes, headers: dict[str, str]) -> delivery.HttpResult:
        captured.append(body)
        return delivery.HttpResult(status=200, body=b"")

    real_post = delivery.post
    delivery.post = capture
    try:
        emulator.emit(event, subject)
    finally:
        delivery.post = real_post
    if not captured:
        raise SystemExit(f"the emulator delivered no {event} body")
    return captured[0]
