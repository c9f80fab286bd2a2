"""call_webhook: POST what the enrollment is about to a URL the operator chose, signed.

    webhook_secret_get(installation) -> str
    webhook_signature(secret, body) -> str
    run(effect, now) -> None

The request:
- body: JSON {"event": "flow.action", "flow_id", "node_id", "enrollment_id",
  "saleor_api_url", "contact": {"id", "email", "saleor_user_id"}, "context"};
- `X-Automation-Signature: sha256=<hex>`, HMAC-SHA256 of the raw body under the
  installation's secret (made on first use, stored encrypted);
- `Idempotency-Key: <the effect's key>`, the same on every attempt, so the receiver can
  drop repeats: that is what makes retrying a timeout, a 5xx or an interrupted attempt safe;
- 10 s timeout, redirects not followed.

Only public addresses are called (unless ALLOW_PRIVATE_SALEOR_URLS), and the connection goes
to the address that was checked, with the URL's host name for Host and TLS, so a DNS answer
that changes between the check and the connection cannot point it elsewhere.

2xx is done; 408, 429 and 5xx are retried; any other status (a redirect included) fails.
"""

import hashlib
import hmac
import json
import secrets
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.db import IntegrityError, transaction

from ...saleor.exceptions import UnsafeUrl
from ...saleor.models import Installation
from ...saleor.url_safety import IPAddress, public_url_addresses
from ..models import Effect
from .base import ActionFailed, ActionRetry
from .models import ActionSecret

EVENT = "flow.action"
SIGNATURE_HEADER = "X-Automation-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TIMEOUT = 10.0
RETRY_STATUSES = frozenset({408, 429})
MAX_RESPONSE_BYTES = 64 * 1024


@cache
def _http() -> httpx.Client:
    # One pooled client per process. Environment proxies are ignored: they would make the
    # address check meaningless.
    return httpx.Client(
        timeout=httpx.Timeout(TIMEOUT),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": "saleor-automation"},
    )


def webhook_secret_get(installation: Installation) -> str:
    """The installation's signing secret, created on first use (receivers need it to verify
    X-Automation-Signature)."""
    row = ActionSecret.objects.filter(installation=installation).first()
    if row is None:
        try:
            with transaction.atomic():
                row = ActionSecret.objects.create(
                    installation=installation, webhook_secret=secrets.token_hex(32)
                )
        except IntegrityError:  # another worker made it first: use theirs
            row = ActionSecret.objects.get(installation=installation)
    return row.webhook_secret


def webhook_signature(secret: str, body: bytes) -> str:
    """The X-Automation-Signature value for `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _body(effect: Effect) -> bytes:
    enrollment = effect.enrollment
    contact = enrollment.contact
    payload: dict[str, Any] = {
        "event": EVENT,
        "flow_id": enrollment.flow_id,
        "node_id": effect.node_id,
        "enrollment_id": enrollment.pk,
        "saleor_api_url": effect.installation.saleor_api_url,
        "contact": {
            "id": contact.pk,
            "email": contact.email,
            "saleor_user_id": contact.saleor_user_id,
        },
        "context": enrollment.context or {},
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str).encode()


def _pinned(url: str, address: IPAddress) -> tuple[str, dict[str, str], dict[str, Any]]:
    """`url` with its host replaced by the checked address; Host and SNI keep the name."""
    parts = urlsplit(url)
    host = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{host}:{parts.port}" if parts.port else host
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at:  # credentials in the URL still become Basic auth
        netloc = f"{userinfo}@{netloc}"
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    hostname = parts.hostname or ""
    host_header = f"{hostname}:{parts.port}" if parts.port else hostname
    extensions = {"sni_hostname": hostname} if parts.scheme == "https" else {}
    return target, {"Host": host_header}, extensions


def _drain(response: httpx.Response) -> None:
    """Read (and drop) a short body so the connection can be reused; a longer one is cut
    off, since only the status matters and a receiver could send any amount."""
    received = 0
    for chunk in response.iter_raw():
        received += len(chunk)
        if received > MAX_RESPONSE_BYTES:
            return


def _post(url: str, addresses: list[IPAddress], body: bytes, headers: dict[str, str]) -> int:
    """POST to the checked addresses in resolver order, the next one only when a connection
    to the previous could not be made (nothing was sent); returns the status."""
    unreachable: httpx.HTTPError | None = None
    for address in addresses:
        target, pinned_headers, extensions = _pinned(url, address)
        request = _http().build_request(
            "POST",
            target,
            content=body,
            headers={**headers, **pinned_headers},
            extensions=extensions,
        )
        try:
            response = _http().send(request, stream=True)
        except httpx.ConnectError as exc:
            unreachable = exc
            continue
        except httpx.TimeoutException as exc:
            raise ActionRetry(f"the webhook timed out after {TIMEOUT:g} s") from exc
        except httpx.HTTPError as exc:
            raise ActionRetry(f"the webhook failed: {type(exc).__name__}") from exc
        try:
            _drain(response)
        except httpx.HTTPError:
            pass  # the status is in: a body cut short changes nothing
        finally:
            response.close()
        return response.status_code
    raise ActionRetry("the webhook could not be reached") from unreachable


def run(effect: Effect, now: datetime) -> None:
    url = effect.params["url"]
    try:
        addresses = public_url_addresses(url)
    except UnsafeUrl as exc:
        raise ActionFailed(f"refused to call the webhook: {exc}") from exc
    body = _body(effect)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: webhook_signature(webhook_secret_get(effect.installation), body),
        IDEMPOTENCY_HEADER: str(effect.idempotency_key),
    }
    status = _post(url, addresses, body, headers)
    if 200 <= status < 300:
        return
    if status >= 500 or status in RETRY_STATUSES:
        raise ActionRetry(f"the webhook answered HTTP {status}")
    if 300 <= status < 400:
        raise ActionFailed(f"the webhook answered a redirect (HTTP {status}), not followed")
    raise ActionFailed(f"the webhook answered HTTP {status}")
