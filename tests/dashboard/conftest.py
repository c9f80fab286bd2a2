"""Browser tests of the dashboard extension: Debian's chromium driven by Playwright, the real
app on loopback (live_server), installed into the Saleor emulator, framed by a host page on
another origin that plays the dashboard's side of AppBridge (host.html).

Fixtures:
- `dashboard_page(path, query=None, permissions=None)` -> the app's Frame inside the host
  page, after the handshake (the page is past "Connecting…").
- `dashboard_host` -> the host: `.page`, `.notifications()`, `.redirects()`,
  `.refresh_token()`, `.token()` (a fresh dashboard JWT), `.screenshot(name)`.

Screenshots go to var/artifacts/dashboard/<name>.png. The extension must be built
(`make dashboard`); the tests build it when the build is missing or older than the sources.
"""

import functools
import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.saleor_emulator import SaleorEmulator
from tests.saleor_emulator.dashboard_token import dashboard_token

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "dashboard-extension"
BUILD = REPO / "saleor_automation" / "dashboard_build"
ARTIFACTS = REPO / "var" / "artifacts" / "dashboard"
CHROMIUM = Path("/usr/bin/chromium")
HOST_PAGE = Path(__file__).with_name("host.html")
STAFF_PERMISSIONS = ["MANAGE_USERS", "MANAGE_ORDERS", "MANAGE_APPS", "MANAGE_CHECKOUTS"]
# Generous: CI machines are slow and the bundle is parsed cold in every new page.
TIMEOUT_MS = 20_000


def _newest_source_mtime() -> float:
    sources = [EXTENSION / "package-lock.json", EXTENSION / "index.html"]
    sources += [p for p in (EXTENSION / "src").rglob("*") if p.is_file()]
    return max(p.stat().st_mtime for p in sources if p.exists())


@pytest.fixture(scope="session")
def dashboard_build() -> Path:
    """The built extension, rebuilt with `make dashboard` when a source is newer."""
    index = BUILD / "index.html"
    if not index.is_file() or index.stat().st_mtime < _newest_source_mtime():
        if shutil.which("npm") is None:
            pytest.fail("the dashboard extension is not built and npm is missing (make dashboard)")
        result = subprocess.run(
            ["make", "dashboard"], cwd=REPO, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return BUILD


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests still use the ORM
    # synchronously between browser calls, which is safe here (one thread, no awaits).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on what the page recorded."""


@pytest.fixture(scope="session")
def host_origin() -> Iterator[str]:
    """The test dashboard (host.html) served from its own loopback origin."""
    handler = functools.partial(_QuietHandler, directory=str(HOST_PAGE.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class DashboardHost:
    """The host page and what it recorded."""

    def __init__(self, page: Any, emulator: SaleorEmulator, installation: Any, origin: str):
        self.page = page
        self.emulator = emulator
        self.installation = installation
        self.origin = origin
        self.permissions = list(STAFF_PERMISSIONS)

    def token(self, **claims: Any) -> str:
        """A dashboard JWT as Saleor mints it for this app (signed with the emulator's key)."""
        return dashboard_token(
            self.emulator.key,
            api_url=self.emulator.api_url,
            app_id=self.installation.app_id,
            user_permissions=self.permissions,
            audience=settings.APP_BASE_URL,
            **claims,
        )

    def open(self, path: str, query: dict[str, str] | None = None) -> Any:
        """Frame the app at `path` (e.g. "/dashboard/flows") with the dashboard's query string
        and wait until the handshake has connected it."""
        params = {
            "domain": self.emulator.domain,
            "saleorApiUrl": self.emulator.api_url,
            "id": self.installation.app_id,
            "theme": "light",
            **(query or {}),
        }
        src = f"{settings.APP_BASE_URL}{path}?{urlencode(params)}"
        self.page.goto(f"{self.origin}/host.html")
        self.page.evaluate("([src, token]) => window.startApp(src, token)", [src, self.token()])
        frame = self.frame()
        frame.wait_for_selector("#root > *", timeout=TIMEOUT_MS)
        frame.wait_for_function(
            "() => !document.body.innerText.includes('Connecting to the Saleor dashboard')",
            timeout=TIMEOUT_MS,
        )
        return frame

    def frame(self) -> Any:
        handle = self.page.wait_for_selector("iframe#app", timeout=TIMEOUT_MS)
        frame = handle.content_frame()
        assert frame is not None
        return frame

    def notifications(self) -> list[dict[str, Any]]:
        return self.page.evaluate("() => window.dashboard.notifications")

    def redirects(self) -> list[dict[str, Any]]:
        return self.page.evaluate("() => window.dashboard.redirects")

    def actions(self) -> list[dict[str, Any]]:
        return self.page.evaluate("() => window.dashboard.actions")

    def refresh_token(self, **claims: Any) -> str:
        token = self.token(**claims)
        self.page.evaluate("(token) => window.refreshToken(token)", token)
        return token

    def screenshot(self, name: str) -> Path:
        """The app's whole page, kept as a test artifact: the window grows to the page's
        height for the picture (the frame fills the window), then shrinks back."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        viewport = self.page.viewport_size or {"width": 1280, "height": 900}
        height = self.frame().evaluate("document.documentElement.scrollHeight")
        self.page.set_viewport_size({"width": viewport["width"], "height": max(height, 200)})
        try:
            frame = self.frame()
            # Let the frame see its new size and paint before the picture is taken.
            frame.wait_for_function(f"() => window.innerHeight >= {max(height, 200)}")
            frame.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
            self.page.screenshot(path=str(path))
        finally:
            self.page.set_viewport_size(viewport)
        return path


@pytest.fixture
def dashboard_host(
    browser, dashboard_build, host_origin, installed, saleor_emulator, settings
) -> Iterator[DashboardHost]:
    """The host page in a fresh browser context (1280 x 900), allowed to frame the app."""
    settings.DASHBOARD_ORIGINS = [host_origin]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    host = DashboardHost(page, saleor_emulator, installed, host_origin)
    yield host
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


@pytest.fixture
def dashboard_page(dashboard_host: DashboardHost) -> Callable[..., Any]:
    """`open(path, query=None, permissions=None)` -> the app's Frame, connected. `path` is an
    in-app route ("/flows") or a full app path ("/dashboard/widgets/customer")."""

    def open_page(
        path: str, query: dict[str, str] | None = None, permissions: list[str] | None = None
    ) -> Any:
        if permissions is not None:
            dashboard_host.permissions = list(permissions)
        full = path if path.startswith("/dashboard") else f"/dashboard{path}"
        return dashboard_host.open(full, query)

    return open_page
