"""A GraphQL client for Saleor's API, authenticated with the app token (PROTOCOL.md §6).

Every document it sends lives in graphql/saleor/ and is validated against Saleor's schema
in tests. A revoked token is not an HTTP 401 at Saleor: it shows as `errors`
(PermissionDenied) or `app: null`, so callers check data, not status codes.
"""

import logging
from functools import cache
from typing import TYPE_CHECKING, Any

import httpx
from django.conf import settings

from .documents import document
from .exceptions import SaleorGraphQLError, SaleorTransportError
from .url_safety import saleor_origin

if TYPE_CHECKING:
    from .models import Installation

logger = logging.getLogger(__name__)


@cache
def _http() -> httpx.Client:
    # One pooled client per process; Saleor-facing calls never follow redirects.
    return httpx.Client(
        timeout=httpx.Timeout(settings.SALEOR_HTTP_TIMEOUT, connect=5.0),
        follow_redirects=False,
        headers={"User-Agent": "saleor-automation"},
    )


def http_client() -> httpx.Client:
    return _http()


class SaleorClient:
    def __init__(self, api_url: str, token: str) -> None:
        self.api_url = api_url
        self._token = token

    @classmethod
    def for_installation(cls, installation: "Installation") -> "SaleorClient":
        return cls(installation.saleor_api_url, installation.token)

    def execute(self, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run `graphql/saleor/<name>.graphql`; return `data`, or raise on any error."""
        payload = {"query": document(name), "variables": variables or {}}
        try:
            response = http_client().post(
                self.api_url, json=payload, headers={"Authorization": f"Bearer {self._token}"}
            )
        except httpx.HTTPError as exc:
            raise SaleorTransportError(f"{name}: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            raise SaleorTransportError(f"{name}: Saleor answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise SaleorTransportError(f"{name}: Saleor answered with invalid JSON") from exc
        errors = body.get("errors") or []
        if errors:
            messages = "; ".join(str(error.get("message", error)) for error in errors[:3])
            raise SaleorGraphQLError(f"{name}: {messages}", errors, body.get("data"))
        return body.get("data") or {}


def fetch_jwks(api_url: str) -> dict[str, Any]:
    """Saleor's public keys, at the site root (not under /graphql/)."""
    url = f"{saleor_origin(api_url)}/.well-known/jwks.json"
    try:
        response = http_client().get(url)
        response.raise_for_status()
        jwks = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SaleorTransportError(f"JWKS not available at {url}: {exc}") from exc
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise SaleorTransportError(f"JWKS at {url} has no key list")
    return jwks
