"""Who is calling: a dashboard user (Saleor's JWT, PROTOCOL.md §5.4) or an API key.

    authenticate(request) -> Principal   (raises AuthenticationFailed)

Dashboard requests carry `authorization-bearer: <JWT>` and `saleor-api-url` (app-sdk's
createAuthenticatedFetch); scripts send `Authorization: Bearer sak_...`. Failures are
answered by the view with HTTP 401 before any GraphQL runs; what a principal may do is
decided per field in permissions.py.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

import jwt
from django.conf import settings
from django.http import HttpRequest

from ..saleor import headers
from ..saleor.exceptions import SaleorError
from ..saleor.models import Installation
from ..saleor.signature import installation_public_key
from .keys import api_key_authenticate
from .models import ApiKey

logger = logging.getLogger(__name__)


class AuthenticationFailed(Exception):
    """No valid credentials: answered with 401 (the message is safe to show)."""


@dataclass(frozen=True)
class Principal:
    installation: Installation
    kind: str  # "dashboard" or "api_key"
    # Saleor permission names of the dashboard user (JWT `user_permissions`); empty for keys.
    permissions: frozenset[str] = field(default_factory=frozenset)
    can_write: bool = False
    api_key: ApiKey | None = None

    @property
    def is_dashboard(self) -> bool:
        return self.kind == "dashboard"


def _installation(api_url: str) -> Installation:
    installation = Installation.objects.filter(saleor_api_url=api_url).first()
    if installation is None or installation.uninstalled_at is not None:
        raise AuthenticationFailed("unknown Saleor instance")
    return installation


def verify_dashboard_token(installation: Installation, token: str) -> dict[str, Any]:
    """The claims of a dashboard JWT Saleor issued to this app for this installation."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise AuthenticationFailed("malformed token") from exc
    # RS256 only: Saleor also has HS256 tokens, which an app cannot (and must not) verify.
    if header.get("alg") != "RS256":
        raise AuthenticationFailed("unsupported token algorithm")
    try:
        key = installation_public_key(installation, header.get("kid"))
    except SaleorError as exc:
        raise AuthenticationFailed("token not signed by this Saleor") from exc
    # The manifest sets `audience` = APP_BASE_URL, and Saleor copies it into `aud`. Tokens
    # of an installation made before the manifest had it carry no `aud`; PyJWT refuses an
    # `aud` claim when no audience is given, so the audience is passed only when present.
    audience = settings.APP_BASE_URL if "aud" in unverified else None
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            audience=audience,
            options={"require": ["exp", "iat"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationFailed("token expired") from exc
    except jwt.PyJWTError as exc:
        raise AuthenticationFailed("invalid token") from exc
    if claims.get("iss") not in (None, installation.saleor_api_url):
        raise AuthenticationFailed("token issued by another Saleor")
    if claims.get("type") not in (None, "thirdparty"):
        raise AuthenticationFailed("not an app token")
    # Another app on the same Saleor gets tokens signed with the same key.
    if not installation.app_id or claims.get("app") != installation.app_id:
        raise AuthenticationFailed("token issued for another app")
    return claims


def _dashboard(request: HttpRequest, token: str) -> Principal:
    api_url = request.META.get(headers.SALEOR_API_URL, "")
    if not api_url:
        raise AuthenticationFailed("missing saleor-api-url header")
    installation = _installation(api_url)
    claims = verify_dashboard_token(installation, token)
    permissions = claims.get("user_permissions") or []
    if not isinstance(permissions, list):
        raise AuthenticationFailed("invalid token")
    # The dashboard user may edit flows: writes are allowed, permissions decide the rest.
    return Principal(installation, "dashboard", frozenset(map(str, permissions)), can_write=True)


def _api_key(request: HttpRequest, token: str) -> Principal:
    key = api_key_authenticate(token)
    if key is None:
        raise AuthenticationFailed("invalid API key")
    installation = key.installation
    api_url = request.META.get(headers.SALEOR_API_URL)
    # A key never answers for another installation, even if the caller names one.
    if api_url and api_url != installation.saleor_api_url:
        raise AuthenticationFailed("API key of another Saleor instance")
    if installation.uninstalled_at is not None:
        raise AuthenticationFailed("unknown Saleor instance")
    return Principal(installation, "api_key", can_write=key.can_write, api_key=key)


def authenticate(request: HttpRequest) -> Principal:
    token = request.META.get(headers.AUTHORIZATION_BEARER, "").strip()
    if token:
        return _dashboard(request, token)
    scheme, _, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return _api_key(request, credentials.strip())
    raise AuthenticationFailed("authentication required")
