"""POSTing to the app the way Saleor's HTTP transport does (PROTOCOL §2.2, §3.1, §3.4)."""

import json
from dataclasses import dataclass
from typing import Any

import httpx

# Saleor's requests_hardened timeouts: 2 s to connect, 18 s to read.
TIMEOUT = httpx.Timeout(18.0, connect=2.0)


@dataclass(frozen=True)
class HttpResult:
    status: int | None  # None when the request never got a response
    body: bytes
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Saleor's webhook success rule: 200-299; redirects are failures."""
        return self.status is not None and 200 <= self.status < 300

    def json(self) -> Any:
        return json.loads(self.body)


def post(url: str, body: bytes, headers: dict[str, str]) -> HttpResult:
    """One attempt, never following redirects, ignoring proxy settings of the test machine."""
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
            response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return HttpResult(status=None, body=b"", error=f"{type(error).__name__}: {error}")
    return HttpResult(status=response.status_code, body=response.content)


def get(url: str, headers: dict[str, str]) -> HttpResult:
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
            response = client.get(url, headers=headers)
    except httpx.HTTPError as error:
        return HttpResult(status=None, body=b"", error=f"{type(error).__name__}: {error}")
    return HttpResult(status=response.status_code, body=response.content)


@dataclass(frozen=True)
class Delivery:
    """One webhook POST: what was sent and what the app answered."""

    event: str  # WebhookEventTypeAsyncEnum name, e.g. CHECKOUT_UPDATED
    target_url: str
    body: bytes
    headers: dict[str, str]
    result: HttpResult
    webhook_id: str | None = None
    attempt: int = 1

    @property
    def status(self) -> int | None:
        return self.result.status

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def retryable(self) -> bool:
        """Saleor retries connection errors, timeouts and 5xx; never 3xx/4xx."""
        return self.result.status is None or self.result.status >= 500

    @property
    def response_body(self) -> bytes:
        return self.result.body

    def payload(self) -> Any:
        return json.loads(self.body)
