"""`make demo`: the app on its embedded defaults against the Saleor emulator acting as a small
store, on an accelerated clock, with every flow template active; then the app keeps running
(web + worker + beat) so the dashboard shows what happened.

    .venv/bin/python scripts/demo.py [--customers 50] [--days 60] [--seed 7] [--port 8000]
                                     [--data-dir var/demo] [--no-serve]

No servers needed: a fresh SQLite under --data-dir, the folder broker, email kept in memory
(and written as .eml files under <data-dir>/mail/). The simulation serves the app from a
thread of this process, so the held clock (time_machine) covers it too; afterwards
`saleor-automation devserver` takes over the same database, port and APP_BASE_URL while the
emulated Saleor keeps answering from here, and a host page on its own port plays the Saleor
dashboard's side (tests/dashboard/host.html) with tokens minted from the emulator's key.
"""

import argparse
import contextlib
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HOST_PAGE = REPO / "tests" / "dashboard" / "host.html"
STAFF_PERMISSIONS = ["MANAGE_USERS", "MANAGE_ORDERS", "MANAGE_APPS", "MANAGE_CHECKOUTS"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=50, help="customers in the store [50]")
    parser.add_argument("--days", type=int, default=60, help="days lived, ending now [60]")
    parser.add_argument("--seed", type=int, default=7, help="the recipients' and shoppers' dice")
    parser.add_argument(
        "--port", type=int, default=8000, help="the app's port [8000]; 0 picks a free one"
    )
    parser.add_argument("--data-dir", type=Path, default=REPO / "var" / "demo")
    parser.add_argument("--no-serve", action="store_true", help="simulate, print, exit")
    args = parser.parse_args(argv)
    if args.customers < 3 or args.days < 7:
        parser.error("the store needs at least 3 customers and 7 days")
    return args


def free_port(port: int = 0) -> int:
    """`port` when nothing listens on it (0: any free one); SystemExit with a clear word
    when it is taken, before anything is set up."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise SystemExit(
                f"port {port} is in use ({exc.strerror}): stop what runs there, or pick "
                'another with make demo DEMO_ARGS="--port 0"'
            ) from exc
        return probe.getsockname()[1]


def configure(data_dir: Path, app_url: str) -> None:
    """The embedded defaults, in a fresh data folder; nothing from a developer's shell
    (a PostgreSQL DATABASE_URL, a Redis broker, an ESP) leaks into the demo."""
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    for name in ("CELERY_BROKER_URL", "CACHE_URL", "CELERY_TASK_ALWAYS_EAGER"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "saleor_automation.settings",
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite:///{data_dir / 'db.sqlite3'}",
            "APP_BASE_URL": app_url,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "ERROR",
        }
    )
    sys.path.insert(0, str(REPO))


class AppServer:
    """The app over HTTP on loopback from a thread of this process (as Django's live
    server), so webhooks and clicks are handled at the store clock's time."""

    def __init__(self, port: int) -> None:
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

        class Quiet(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """The demo prints its own summary."""

        self.server = ThreadedWSGIServer(("127.0.0.1", port), Quiet, allow_reuse_address=True)
        self.server.set_app(WSGIHandler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "AppServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def print_table(rows: list[Any]) -> None:
    headers = ["Flow", "Entered", "Sent", "Opened", "Clicked", "Converted", "Orders", "Revenue"]
    body = [
        [
            row.name,
            str(row.entered),
            str(row.sent),
            str(row.opened),
            str(row.clicked),
            str(row.converted),
            str(row.attributed_orders),
            f"€{row.revenue:,.2f}",
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [headers, *body]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    print(line(headers))
    print("  ".join("-" * width for width in widths))
    for cells in body:
        print(line(cells))
    print(
        "\nConverted: the flow's goal reached. Orders: orders attributed to the flow's emails"
        "\n(a click within 5 days, its voucher or its cart); Revenue: their amounts."
    )


def shown(path: Path) -> str:
    """`path` as typed from the current folder when it is under it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def write_mail(data_dir: Path) -> int:
    from django.core import mail

    folder = data_dir / "mail"
    folder.mkdir(exist_ok=True)
    outbox = getattr(mail, "outbox", [])
    for number, email in enumerate(outbox, start=1):
        (folder / f"{number:05d}.eml").write_bytes(email.message().as_bytes())
    return len(outbox)


def simulate(args: argparse.Namespace, app_url: str) -> tuple[Any, Any]:
    """Migrate, open the shop, install the app, live through the days; print what happened.
    Returns the emulator (still running) and the installation."""
    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from django.db import connections
    from tqdm import tqdm

    from scripts.demo_store import DemoStore, now_on_the_hour
    from tests.saleor_emulator import SaleorEmulator, load_schema

    call_command("migrate", interactive=False, verbosity=0)
    mail.outbox = []
    emulator = SaleorEmulator(load_schema()).start()
    store = DemoStore(
        emulator,
        app_url=app_url,
        end=now_on_the_hour(),
        days=args.days,
        customers=args.customers,
        seed=args.seed,
    )
    began = time.monotonic()
    with AppServer(int(app_url.rsplit(":", 1)[1])):
        store.open_shop()
        installation = store.install(f"{app_url}/api/manifest")
        store.plan_newcomers()
        with tqdm(total=args.days, unit="day", desc="Simulating", file=sys.stderr) as bar:

            def progress(days: float) -> None:
                bar.update(int(days) - bar.n)  # whole simulated days

            store.run(progress)
    elapsed = time.monotonic() - began
    emails = write_mail(args.data_dir)
    counts = store.counts
    print(
        f"\n{args.days} days of a store with {counts.customers} customers "
        f"({counts.signups} signed up in the window), {counts.checkouts} checkouts, "
        f"{counts.orders} orders in the window; {emails} emails sent, {counts.opens} opened, "
        f"{counts.clicks} clicked (seed {args.seed}; {elapsed:.0f} s).\n"
    )
    print_table(store.flow_rows())
    print(f"\nThe emails: {shown(args.data_dir / 'mail')}/*.eml")
    connections.close_all()
    return emulator, installation


class HostPage(http.server.BaseHTTPRequestHandler):
    """The Saleor dashboard's side for a browser: host.html framing the app's dashboard
    page, with a fresh dashboard JWT from /token (every few minutes, as Saleor refreshes)."""

    src = ""
    token_maker: Any = None

    def do_GET(self) -> None:
        if self.path == "/token":
            body, kind = json.dumps(self.token_maker()).encode(), "application/json"
        elif self.path == "/":
            start = f"""<script>
  const src = {json.dumps(self.src)};
  const token = () => fetch("/token").then((r) => r.json());
  token().then((t) => window.startApp(src, t));
  setInterval(() => token().then((t) => window.refreshToken(t)), 240000);
</script>
</body>"""
            page = HOST_PAGE.read_text().replace("</body>", start, 1)
            body, kind = page.replace("Test dashboard", "Demo dashboard").encode(), "text/html"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def serve(args: argparse.Namespace, app_url: str, emulator: Any, installation: Any) -> int:
    """The app's own devserver on the same database and URL, the emulator still answering,
    and the host page; until Ctrl-C."""
    from urllib.parse import urlencode

    from tests.saleor_emulator.dashboard_token import dashboard_token

    # Tasks the simulation's requests queued are done already: the worker starts clean.
    shutil.rmtree(args.data_dir / "broker", ignore_errors=True)
    query = urlencode(
        {
            "domain": emulator.domain,
            "saleorApiUrl": emulator.api_url,
            "id": installation.app_id,
            "theme": "light",
        }
    )
    HostPage.src = f"{app_url}/dashboard/?{query}"
    HostPage.token_maker = staticmethod(
        lambda: dashboard_token(
            emulator.key,
            api_url=emulator.api_url,
            app_id=installation.app_id,
            user_permissions=STAFF_PERMISSIONS,
            audience=app_url,
        )
    )
    host = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostPage)
    host.daemon_threads = True
    threading.Thread(target=host.serve_forever, daemon=True).start()
    host_url = f"http://127.0.0.1:{host.server_address[1]}/"

    env = {
        **os.environ,
        "DASHBOARD_ORIGINS": host_url.rstrip("/"),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "LOG_LEVEL": "WARNING",  # the ticks every second would bury the rest
    }
    port = app_url.rsplit(":", 1)[1]
    command = [sys.executable, "-m", "saleor_automation", "devserver", "--port", port]
    print(f"\nStarting the app (web, worker, beat) on {app_url} ...", flush=True)
    child = subprocess.Popen(command, env=env, cwd=REPO)  # noqa: S603 (our own interpreter)
    print(
        f"""
  Dashboard:     open {host_url} (the app's pages, framed as Saleor's dashboard frames them)
  Manifest URL:  {app_url}/api/manifest
  Saleor (emulated) API: {emulator.api_url}
  Database:      {shown(args.data_dir / "db.sqlite3")}

Ctrl-C stops the app and the emulated store.
""",
        flush=True,
    )
    try:
        return child.wait()
    except KeyboardInterrupt:
        # The terminal sent SIGINT to the devserver too: let it stop its children.
        with contextlib.suppress(KeyboardInterrupt):
            child.wait()
        return 0
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            child.wait()
        host.shutdown()
        emulator.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.data_dir = args.data_dir.resolve()
    port = free_port(args.port)
    app_url = f"http://127.0.0.1:{port}"
    configure(args.data_dir, app_url)
    emulator, installation = simulate(args, app_url)
    if args.no_serve:
        emulator.stop()
        return 0
    return serve(args, app_url, emulator, installation)


if __name__ == "__main__":
    sys.exit(main())
