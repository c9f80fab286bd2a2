"""`saleor-automation devserver` (what `make run` starts), run for real on the embedded
defaults: SQLite and the folder broker in a temporary DATA_DIR."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc"),
]

CLI = Path(sys.executable).with_name("saleor-automation")
START_TIMEOUT = 60
STOP_TIMEOUT = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """Every process below `root`, as pid -> start time (tells a reused pid apart)."""
    children: dict[int, list[int]] = {}
    started: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := stat(int(entry.name))) is not None:
            children.setdefault(info[0], []).append(int(entry.name))
            started[int(entry.name)] = info[2]
    found: dict[int, int] = {}
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            found[child] = started[child]
            pending.append(child)
    return found


def still_running(processes: dict[int, int]) -> list[int]:
    running = []
    for pid, started in processes.items():
        info = stat(pid)
        if info is not None and info[2] == started and info[1] != "Z":
            running.append(pid)
    return running


def program(pid: int) -> str:
    """web, worker or beat, from a child's command line."""
    args = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
    if "gunicorn" in args:
        return "web"
    if "celery" in args:
        return args[args.index("-A") + 2]
    return " ".join(args)


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@pytest.fixture
def devserver(tmp_path: Path):
    """A devserver on a free port; yields (process, base URL, output file)."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        # The embedded defaults, not the test services that `make test` exports.
        if key
        not in {"DATABASE_URL", "CELERY_BROKER_URL", "APP_BASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DATA_DIR"] = str(tmp_path / "var")
    output = tmp_path / "devserver.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [str(CLI), "devserver", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while get(f"{base}/healthz") != 200 or get(f"{base}/api/manifest") != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"devserver did not come up:\n{output.read_text()[-4000:]}")
            time.sleep(0.3)
        yield process, base, output
    finally:
        if process.poll() is None:
            leftovers = descendants(process.pid)
            process.kill()
            for pid in still_running(leftovers):
                os.kill(pid, signal.SIGKILL)
            process.wait()


def test_serves_the_manifest_and_stops_everything_on_ctrl_c(devserver) -> None:
    process, base, output = devserver
    children = descendants(process.pid)
    # gunicorn's master and its 2 workers, a Celery worker (solo pool) and beat
    assert sorted(program(pid) for pid in children) == ["beat", "web", "web", "web", "worker"]
    assert "Manifest URL:" in output.read_text()
    assert (Path(output).parent / "var" / "db.sqlite3").is_file()

    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=STOP_TIMEOUT) == 0, output.read_text()[-4000:]
    # The children are reaped by then; a gunicorn worker may need a moment to be reparented.
    while still_running(children) and time.monotonic() - started < STOP_TIMEOUT:
        time.sleep(0.1)
    assert still_running(children) == []
    assert get(f"{base}/healthz") == 0


def test_one_child_dying_stops_the_rest(devserver) -> None:
    process, _, output = devserver
    children = descendants(process.pid)
    worker = next(pid for pid in children if program(pid) == "worker")
    os.kill(worker, signal.SIGKILL)
    assert process.wait(timeout=STOP_TIMEOUT) != 0
    started = time.monotonic()
    while still_running(children) and time.monotonic() - started < 5:
        time.sleep(0.1)
    assert still_running(children) == []
    assert "worker exited" in output.read_text()
