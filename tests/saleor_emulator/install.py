"""Saleor's install task (PROTOCOL §2): fetch the manifest, create the app, hand over a token."""

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .delivery import HttpResult, get, post
from .ids import new_global_id
from .manifest import Manifest, ManifestError, parse_manifest
from .records import AppRecord, WebhookRecord, new_app_token
from .schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from .emulator import SaleorEmulator

MANIFEST_ATTEMPTS = 3  # the install task retries connection errors and timeouts


@dataclass(frozen=True)
class InstallResult:
    status: str  # "INSTALLED" or "FAILED" (AppInstallation.status)
    message: str | None = None
    code: str | None = None  # AppErrorCode for manifest problems
    app_id: str | None = None  # also set when the app was created and then deleted
    token: str | None = None
    manifest: Manifest | None = None
    token_response: HttpResult | None = None

    @property
    def ok(self) -> bool:
        return self.status == "INSTALLED"


def fetch_manifest(url: str) -> HttpResult:
    headers = {"Saleor-Schema-Version": SCHEMA_VERSION, "User-Agent": f"Saleor/{SCHEMA_VERSION}"}
    result = get(url, headers)
    for _ in range(MANIFEST_ATTEMPTS - 1):
        if result.status is not None:
            break
        result = get(url, headers)
    return result


def _manifest_data(result: HttpResult) -> tuple[object, str | None]:
    if result.status is None:
        return None, f"Can't connect to the manifest URL: {result.error}"
    if 300 <= result.status < 400:
        return None, f"The manifest URL answered {result.status}; Saleor does not follow redirects."
    if result.status >= 400:
        return None, f"The manifest URL answered {result.status}."
    try:
        return result.json(), None
    except ValueError:
        return None, "Incorrect structure of manifest."


def _token_error(result: HttpResult) -> str | None:
    """Saleor's message for a failed token POST; None when it counts as success (< 400)."""
    if result.status is None:
        return "Failed to connect to app. Try later or contact with app support."
    if result.status < 400:
        return None
    try:
        message = result.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = None
    return (
        message
        if isinstance(message, str) and message
        else (f"App internal error ({result.status}). Try later or contact with app support.")
    )


def _create_app(
    manifest: Manifest, url: str | None, granted: list[str], activate: bool
) -> AppRecord:
    app = AppRecord(
        identifier=manifest.id,
        name=manifest.name,
        version=manifest.version,
        permissions=granted,
        is_active=activate,
        manifest_url=url,
        app_url=manifest.app_url,
        token_target_url=manifest.token_target_url,
        audience=manifest.audience,
        author=manifest.author,
        about=manifest.about,
        brand_logo=manifest.brand_logo,
    )
    app.extensions = [
        {
            "__typename": "AppExtension",
            "id": new_global_id("AppExtension"),
            **{k: v for k, v in extension.items() if k != "permissions"},
            "permissions": [
                {"code": p, "name": p.replace("_", " ").capitalize()}
                for p in extension["permissions"]
            ],
            "accessToken": None,
        }
        for extension in manifest.extensions
    ]
    app.webhooks = [
        WebhookRecord(
            app=app,
            name=w.name,
            target_url=w.target_url,
            query=w.query,
            async_events=w.async_events,
            sync_events=w.sync_events,
            is_active=w.is_active,
            identifier=w.identifier,
            custom_headers=w.custom_headers,
        )
        for w in manifest.webhooks
    ]
    return app


def _validated(
    emulator: "SaleorEmulator", data: object, permissions: list[str] | None
) -> tuple[Manifest, list[str]]:
    manifest = parse_manifest(
        emulator.schema, data, saleor_version=emulator.version, granted=permissions
    )
    granted = manifest.permissions if permissions is None else list(permissions)
    if "MANAGE_APPS" in granted:
        raise ManifestError("permissions", "OUT_OF_SCOPE_PERMISSION", "MANAGE_APPS is refused.")
    return manifest, granted


def create_app(
    emulator: "SaleorEmulator",
    data: dict,
    permissions: list[str] | None = None,
    activate: bool = True,
) -> AppRecord:
    """An app from manifest data with a token and no HTTP at all (for tests that only need
    an authenticated app); the manifest passes the same checks as in install_app."""
    manifest, granted = _validated(emulator, data, permissions)
    app = _create_app(manifest, None, granted, activate)
    app.token = new_app_token()
    with emulator.lock:
        emulator.store.apps[app.id] = app
    return app


def install_app(
    emulator: "SaleorEmulator", manifest_url: str, permissions: list[str] | None, activate: bool
) -> InstallResult:
    data, problem = _manifest_data(fetch_manifest(manifest_url))
    if problem:
        return InstallResult("FAILED", problem, code="MANIFEST_URL_CANT_CONNECT")
    try:
        manifest, granted = _validated(emulator, data, permissions)
    except ManifestError as error:
        return InstallResult("FAILED", str(error), code=error.code)
    with emulator.lock:
        taken = {a.identifier for a in emulator.store.apps.values() if not a.removed}
        if manifest.id in taken:
            message = f"App with the same identifier {manifest.id} is already installed."
            return InstallResult("FAILED", message, code="UNIQUE", manifest=manifest)
        app = _create_app(manifest, manifest_url, granted, activate)
        emulator.store.apps[app.id] = app
    if manifest.token_target_url is None:
        return InstallResult(status="INSTALLED", app_id=app.id, manifest=manifest)
    app.token = new_app_token()
    response = post(
        manifest.token_target_url,
        json.dumps({"auth_token": app.token}).encode(),
        {
            "Content-Type": "application/json",
            "Saleor-Domain": emulator.domain,
            "X-Saleor-Domain": emulator.domain,
            "Saleor-Api-Url": emulator.api_url,
            "Saleor-Schema-Version": SCHEMA_VERSION,
        },
    )
    error = _token_error(response)
    if error is not None:
        with emulator.lock:
            del emulator.store.apps[app.id]  # the token dies with the app
        return InstallResult(
            "FAILED",
            error,
            app_id=app.id,
            token=app.token,
            manifest=manifest,
            token_response=response,
        )
    emulator.emit("APP_INSTALLED", app.to_graphql())
    return InstallResult(
        status="INSTALLED",
        app_id=app.id,
        token=app.token,
        manifest=manifest,
        token_response=response,
    )
