"""Installing, deactivating and uninstalling: the Installation row's life (PROTOCOL.md §2)."""

import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from .client import SaleorClient, fetch_jwks
from .exceptions import SaleorError, SaleorGraphQLError
from .models import Installation
from .url_safety import check_saleor_api_url

logger = logging.getLogger(__name__)


class RegistrationError(Exception):
    """Why an install is refused; `code` and `message` are shown to the operator by Saleor."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class AppIdentity:
    app_id: str
    permissions: list[str]
    saleor_version: str
    schema_version: str
    shop_name: str
    channels: list[dict]


def _identity(api_url: str, token: str) -> AppIdentity:
    try:
        data = SaleorClient(api_url, token).execute("queries/app-identity")
    except SaleorGraphQLError as exc:
        data = exc.data or {}
    except SaleorError as exc:
        raise RegistrationError(
            "SALEOR_UNREACHABLE", f"The app could not reach Saleor: {exc}", 401
        ) from exc
    app = data.get("app") or {}
    if not app.get("id"):
        # An inactive app's token does not authenticate: "activate after installation" is
        # required for the handshake.
        raise RegistrationError(
            "UNKNOWN_APP_ID",
            "The token did not identify an app. Install with 'activate after installation'.",
            401,
        )
    shop = data.get("shop") or {}
    return AppIdentity(
        app_id=app["id"],
        permissions=sorted(p["code"] for p in app.get("permissions") or [] if p),
        saleor_version=shop.get("version") or "",
        schema_version=shop.get("schemaVersion") or "",
        shop_name=shop.get("name") or "",
        channels=[c for c in data.get("channels") or [] if c],
    )


def installation_register(api_url: str, token: str) -> Installation:
    """Verify a freshly received app token and store the installation (store last: a token
    stored before a failure would be dead, Saleor deletes the app on any error)."""
    try:
        check_saleor_api_url(api_url)
    except SaleorError as exc:
        raise RegistrationError("FORBIDDEN_SALEOR_URL", str(exc), 403) from exc
    identity = _identity(api_url, token)
    try:
        jwks = fetch_jwks(api_url)
    except SaleorError as exc:
        raise RegistrationError("JWKS_NOT_AVAILABLE", str(exc), 401) from exc
    now = timezone.now()
    with transaction.atomic():
        installation, created = Installation.objects.select_for_update().get_or_create(
            saleor_api_url=api_url,
            defaults={"app_id": identity.app_id},
        )
        installation.app_id = identity.app_id
        installation.token = token
        installation.domain = urlsplit(api_url).netloc
        installation.jwks = jwks
        installation.jwks_fetched_at = now
        installation.granted_permissions = identity.permissions
        installation.saleor_version = identity.saleor_version
        installation.schema_version = identity.schema_version
        installation.shop_name = identity.shop_name
        installation.channels = identity.channels
        installation.is_active = True
        installation.uninstalled_at = None
        installation.lifecycle_issued_at = None
        installation.save()
    logger.info(
        "installation %s %s (app %s, Saleor %s)",
        installation.pk,
        "registered" if created else "re-registered",
        identity.app_id,
        identity.saleor_version,
    )
    return installation


def _is_current(installation: Installation, app_id: str, issued_at: datetime | None) -> bool:
    """A lifecycle event counts only for the app that is installed now, and only if it is
    newer than the last one applied (deliveries arrive in any order)."""
    if app_id != installation.app_id:
        return False
    last = installation.lifecycle_issued_at
    return issued_at is None or last is None or issued_at > last


def installation_app_deleted(
    installation: Installation, app_id: str, issued_at: datetime | None
) -> bool:
    """APP_DELETED: drop the credentials, keep the marketing data. False when stale (the
    event belongs to an app id replaced by a reinstall)."""
    with transaction.atomic():
        installation = Installation.objects.select_for_update().get(pk=installation.pk)
        if not _is_current(installation, app_id, issued_at):
            return False
        installation.token = ""
        installation.is_active = False
        installation.uninstalled_at = timezone.now()
        installation.lifecycle_issued_at = issued_at
        installation.save()
    logger.info("installation %s uninstalled (app %s)", installation.pk, app_id)
    return True


def installation_status_changed(
    installation: Installation, app_id: str, is_active: bool, issued_at: datetime | None
) -> bool:
    """APP_STATUS_CHANGED: while inactive, Saleor drops our webhooks and rejects our token."""
    with transaction.atomic():
        installation = Installation.objects.select_for_update().get(pk=installation.pk)
        if not _is_current(installation, app_id, issued_at):
            return False
        installation.is_active = is_active
        installation.lifecycle_issued_at = issued_at
        if not is_active:
            installation.deactivated_at = timezone.now()
        installation.save()
    logger.info("installation %s %s", installation.pk, "activated" if is_active else "deactivated")
    return True
