"""The HTTP endpoints Saleor calls: manifest, register (token handshake), webhook receiver.

Status codes follow what Saleor does with them (PROTOCOL.md §3.4): 2xx = delivered; 3xx and
4xx = dropped for good, so only for requests that are wrong; 5xx = retried, so for our own
transient faults.
"""

import json
import logging
from pathlib import Path

from django.db import DatabaseError, connection
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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


@require_GET
def dashboard_placeholder(request: HttpRequest) -> HttpResponse:
    return render(request, "saleor_automation/dashboard_placeholder.html")
