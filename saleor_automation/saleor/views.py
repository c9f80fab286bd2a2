"""The HTTP endpoints Saleor calls: manifest, register (token handshake), webhook receiver,
and the dashboard extension's pages, which the dashboard frames.

Status codes follow what Saleor does with them (PROTOCOL.md §3.4): 2xx = delivered; 3xx and
4xx = dropped for good, so only for requests that are wrong; 5xx = retried, so for our own
transient faults.
"""

import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from . import headers
from .event_types import WEBHOOKS_BY_IDENTIFIER
from .exceptions import SignatureError, SignatureUnverifiable
from .inbox import inbox_nudge, inbox_store
from .installations import RegistrationError, installation_register
from .manifest import build_manifest
from .models import Installation
from .signature import verify_webhook_signature

logger = logging.getLogger(__name__)

LOGO = Path(__file__).resolve().parents[1] / "static" / "saleor_automation" / "logo-512.png"


def _error(status: int, code: str, message: str) -> JsonResponse:
    # The shape app-sdk uses; Saleor shows `error.message` to the operator on install.
    return JsonResponse(
        {"success": False, "error": {"code": code, "message": message}}, status=status
    )


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(build_manifest())


@require_GET
def logo(request: HttpRequest) -> FileResponse:
    return FileResponse(LOGO.open("rb"), content_type="image/png")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"ok": False, "database": "unavailable"}, status=503)
    return JsonResponse({"ok": True})


@csrf_exempt
def register(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return _error(405, "METHOD_NOT_ALLOWED", "POST only.")
    api_url = request.META.get(headers.SALEOR_API_URL, "")
    if not api_url:
        return _error(400, "MISSING_SALEOR_API_URL", "The Saleor-Api-Url header is missing.")
    try:
        token = json.loads(request.body).get("auth_token")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token.strip():
        return _error(400, "MISSING_AUTH_TOKEN", "The body must be JSON with an auth_token.")
    try:
        installation_register(api_url, token.strip())
    except RegistrationError as exc:
        logger.warning("install refused (%s): %s", exc.code, exc.message)
        return _error(exc.status, exc.code, exc.message)
    except DatabaseError:
        logger.exception("install failed: database error")
        return _error(503, "DATABASE_UNAVAILABLE", "The app could not store the installation.")
    return JsonResponse({"success": True})


@csrf_exempt
def webhook(request: HttpRequest, identifier: str) -> HttpResponse:
    """Verify, store, answer. Processing happens after commit, in the worker."""
    if request.method != "POST":
        return _error(405, "METHOD_NOT_ALLOWED", "POST only.")
    definition = WEBHOOKS_BY_IDENTIFIER.get(identifier)
    if definition is None:
        return _error(404, "UNKNOWN_WEBHOOK", "No such webhook.")
    api_url = request.META.get(headers.SALEOR_API_URL, "")
    event_type = request.META.get(headers.SALEOR_EVENT, "").lower()
    signature = request.META.get(headers.SALEOR_SIGNATURE, "")
    if not api_url or not event_type or not signature:
        return _error(
            400, "MISSING_HEADERS", "Saleor-Api-Url, Saleor-Event and Saleor-Signature required."
        )
    if event_type not in definition.events:
        return _error(400, "WRONG_EVENT", f"{event_type} is not delivered to {identifier}.")
    try:
        installation = (
            Installation.objects.only("id", "saleor_api_url", "jwks", "jwks_fetched_at")
            .filter(saleor_api_url=api_url)
            .first()
        )
        if installation is None:
            return _error(401, "NOT_REGISTERED", "This Saleor instance has not installed the app.")
        body = request.body
        try:
            verify_webhook_signature(installation, signature, body)
        except SignatureUnverifiable as exc:
            return _error(503, "SIGNATURE_NOT_VERIFIABLE_NOW", str(exc))
        except SignatureError:
            return _error(401, "SIGNATURE_VERIFICATION_FAILED", "Invalid Saleor-Signature.")
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            return _error(400, "MALFORMED_BODY", "The body must be a JSON object.")
        inbox_store(installation, event_type, body)
    except DatabaseError:
        logger.exception("webhook %s not stored: database error", event_type)
        return _error(503, "DATABASE_UNAVAILABLE", "Not stored; Saleor will retry.")
    inbox_nudge()
    return JsonResponse({"success": True})


# The dashboard extension (dashboard-extension/, built by `make dashboard`): one page app
# whose index.html answers every dashboard route; hashed assets are cached for a year.
ASSET_CACHE = "public, max-age=31536000, immutable"
ASSET_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}


def dashboard_origins() -> list[str]:
    """Who may frame the dashboard pages: DASHBOARD_ORIGINS plus the origin of every
    installed Saleor (Saleor Cloud and most self-hosted setups serve the dashboard from
    the API's origin)."""
    origins = [origin for origin in map(url_origin, settings.DASHBOARD_ORIGINS) if origin]
    api_urls = Installation.objects.filter(uninstalled_at__isnull=True).values_list(
        "saleor_api_url", flat=True
    )
    for api_url in api_urls:
        origin = url_origin(api_url)
        if origin:
            origins.append(origin)
    return sorted(set(origins))


def url_origin(url: str) -> str | None:
    """scheme://host[:port] of an http(s) URL, None for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def frame_ancestors_policy() -> str:
    try:
        origins = dashboard_origins()
    except DatabaseError:
        # The page itself needs no database; without the list, only the configured origins.
        logger.exception("dashboard origins: database error")
        origins = sorted(set(settings.DASHBOARD_ORIGINS))
    return "frame-ancestors " + (" ".join(origins) if origins else "'none'")


@xframe_options_exempt
@csrf_exempt
def dashboard(request: HttpRequest, route: str = "") -> HttpResponse:
    """index.html of the extension for every in-app route.

    GET for the app page, popups and GET widgets; POST for widgets configured with
    `method: POST`, whose form fields the page does not need (it reads the token from
    AppBridge and the context from the query string), so POST gets the same page.
    """
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    index = Path(settings.DASHBOARD_BUILD_DIR) / "index.html"
    try:
        html = index.read_bytes()
    except FileNotFoundError:
        response = render(request, "saleor_automation/dashboard_missing.html", status=503)
    else:
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    # index.html names the current asset hashes: never cache it.
    response["Cache-Control"] = "no-cache"
    response["Content-Security-Policy"] = frame_ancestors_policy()
    response["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


@require_GET
def dashboard_asset(request: HttpRequest, name: str) -> HttpResponse:
    """A built asset (content-hashed file name), served with a year-long cache."""
    assets = (Path(settings.DASHBOARD_BUILD_DIR) / "assets").resolve()
    path = (assets / name).resolve()
    if path.parent != assets or not path.is_file():
        raise Http404("No such asset.")
    content_type = ASSET_TYPES.get(path.suffix, "application/octet-stream")
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = ASSET_CACHE
    return response
