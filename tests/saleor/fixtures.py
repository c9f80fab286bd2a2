"""Fixtures for everything that speaks Saleor (the emulator lives in tests/saleor_emulator)."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from saleor_automation.saleor.documents import document
from saleor_automation.saleor.event_types import PERMISSIONS, WEBHOOKS
from tests.saleor_emulator import AppRecord, AppStub, SaleorEmulator


@pytest.fixture
def saleor_emulator(saleor_schema) -> Iterator[SaleorEmulator]:
    """A running emulated Saleor on 127.0.0.1 (random port), fresh data and signing key.

    Fails the test at teardown if the emulator met its own bugs (data missing for a field
    the app selected, nulls in non-null fields), which the app might have swallowed.
    """
    emulator = SaleorEmulator(saleor_schema).start()
    yield emulator
    emulator.stop()
    faults = emulator.faults
    if faults:
        pytest.fail("the Saleor emulator answered with broken data:\n" + "\n".join(faults))


@pytest.fixture
def app_stub() -> Iterator[AppStub]:
    """A scripted HTTP server standing in for the app (routes -> canned responses)."""
    stub = AppStub().start()
    yield stub
    stub.stop()


def automation_manifest(base_url: str, **overrides: Any) -> dict[str, Any]:
    """Manifest data built from the app's own webhook table and documents.

    Webhooks point at `<base_url>/api/webhooks/<identifier>`; `overrides` replace top-level
    keys. The real manifest comes from the app's view; this one is for tests that need an
    installed app without the register handshake.
    """
    base = base_url.rstrip("/")
    manifest: dict[str, Any] = {
        "id": "saleor-automation.tests",
        "name": "Marketing Automation",
        "version": "0.0.0",
        "permissions": list(PERMISSIONS),
        "appUrl": f"{base}/dashboard",
        "tokenTargetUrl": f"{base}/api/register",
        "webhooks": [
            {
                "name": webhook.name,
                "identifier": webhook.identifier,
                "targetUrl": f"{base}/api/webhooks/{webhook.identifier}",
                "query": document(webhook.document),
                "asyncEvents": webhook.async_events,
                "isActive": True,
            }
            for webhook in WEBHOOKS
        ],
    }
    manifest.update(overrides)
    return manifest


@pytest.fixture
def saleor_app_factory(saleor_emulator: SaleorEmulator) -> Callable[..., AppRecord]:
    """`make(base_url, permissions=None, activate=True, **manifest_overrides)` -> AppRecord:
    the app installed in the emulator with its real subscription documents and a token,
    without calling the app's register view."""

    def make(
        base_url: str,
        permissions: list[str] | None = None,
        activate: bool = True,
        **overrides: Any,
    ) -> AppRecord:
        return saleor_emulator.create_app(
            automation_manifest(base_url, **overrides), permissions, activate
        )

    return make


@pytest.fixture
def app_url(live_server, settings) -> str:
    """The real app served over HTTP on loopback, with its manifest URLs pointing at it."""
    settings.APP_BASE_URL = live_server.url
    # Tests rotate keys right after install; production keeps a floor against forged traffic.
    settings.JWKS_REFETCH_MIN_INTERVAL = 0
    return live_server.url


@pytest.fixture
def installed(saleor_emulator: SaleorEmulator, app_url: str):
    """The app installed into the emulated Saleor through the real handshake; returns the
    Installation row."""
    from saleor_automation.saleor.models import Installation

    result = saleor_emulator.install(f"{app_url}/api/manifest")
    assert result.ok, result.message
    return Installation.objects.get(saleor_api_url=saleor_emulator.api_url)
