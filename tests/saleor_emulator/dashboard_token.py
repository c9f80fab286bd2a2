"""Dashboard JWTs minted as Saleor mints them for an app page (PROTOCOL.md §5.4,
`_create_access_token_for_third_party_actions`): RS256 with the instance's signing key."""

import secrets
import time
from typing import Any

from .ids import to_global_id
from .signing import SigningKey

TTL = 300  # JWT_TTL_APP_ACCESS: 5 minutes


def dashboard_token(
    key: SigningKey,
    *,
    api_url: str,
    app_id: str,
    user_permissions: list[str],
    app_permissions: list[str] | None = None,
    audience: str | None = None,
    issued_at: float | None = None,
    ttl: int = TTL,
    email: str = "staff@example.com",
    user_pk: int = 1,
    **overrides: Any,
) -> str:
    """The token the dashboard hands an app page for a staff user. `permissions` is what the
    app may do for that user (app ∩ user); `overrides` replace or add claims (None drops)."""
    iat = int(time.time() if issued_at is None else issued_at)
    granted = set(user_permissions) if app_permissions is None else set(app_permissions)
    claims: dict[str, Any] = {
        "iat": iat,
        "exp": iat + ttl,
        "iss": api_url,
        "owner": "saleor",
        "type": "thirdparty",
        "token": secrets.token_urlsafe(8),
        "email": email,
        "user_id": to_global_id("User", user_pk),
        "is_staff": True,
        "app": app_id,
        "permissions": sorted(granted & set(user_permissions)),
        "user_permissions": sorted(user_permissions),
    }
    if audience is not None:
        claims["aud"] = audience
    claims.update(overrides)
    return key.sign_jwt({k: v for k, v in claims.items() if v is not None})
