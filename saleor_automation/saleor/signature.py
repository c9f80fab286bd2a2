"""Verifying Saleor's webhook signature: a detached, unencoded RS256 JWS (RFC 7797) over
the raw body, checked against the installation's JWKS (PROTOCOL.md §3.3).

Keys are cached per process (parsing a JWK costs more than the check itself); on failure
the JWKS is refetched once, rate-limited per installation, and persisted if it changed.
"""

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from typing import Any, TypeVar

import jwt
from django.conf import settings
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from .client import fetch_jwks
from .exceptions import SaleorTransportError, SignatureError, SignatureUnverifiable
from .models import Installation

logger = logging.getLogger(__name__)

T = TypeVar("T")


@lru_cache(maxsize=256)
def _public_key(jwk_json: str) -> Any:
    return RSAAlgorithm.from_jwk(jwk_json)


def _key_for(jwks: dict[str, Any], kid: str | None) -> Any | None:
    for jwk in jwks.get("keys") or []:
        if isinstance(jwk, dict) and jwk.get("kid") == kid and jwk.get("kty") == "RSA":
            return _public_key(json.dumps(jwk, sort_keys=True))
    return None


def verify_with_jwks(jwks: dict[str, Any], signature: str, body: bytes) -> bool:
    try:
        header = jwt.get_unverified_header(signature)
    except jwt.PyJWTError:
        return False
    # b64 must be false: Saleor signs the raw bytes, never a base64 copy of them.
    if header.get("alg") != "RS256" or header.get("b64") is not False:
        return False
    key = _key_for(jwks, header.get("kid"))
    if key is None:
        return False
    try:
        jwt.api_jws.decode_complete(signature, key=key, algorithms=["RS256"], detached_payload=body)
    except jwt.PyJWTError:
        return False
    return True


def _may_refetch(installation: Installation) -> bool:
    last = installation.jwks_fetched_at
    interval = timedelta(seconds=settings.JWKS_REFETCH_MIN_INTERVAL)
    return last is None or timezone.now() - last >= interval


def verify_webhook_signature(installation: Installation, signature: str, body: bytes) -> None:
    """Raise SignatureError unless `signature` is Saleor's signature of `body`.

    SignatureUnverifiable means "cannot tell now" (refetch rate-limited or JWKS down).
    """
    if not signature:
        raise SignatureError("missing signature")
    with_installation_jwks(
        installation, lambda jwks: True if verify_with_jwks(jwks, signature, body) else None
    )


def installation_public_key(installation: Installation, kid: str | None) -> Any:
    """The installation's RSA public key with this `kid` (dashboard JWTs, PROTOCOL §5.4),
    refetching the JWKS once when the kid is unknown. Raises like `with_installation_jwks`."""
    return with_installation_jwks(installation, lambda jwks: _key_for(jwks, kid))


def with_installation_jwks(
    installation: Installation, check: Callable[[dict[str, Any]], T | None]
) -> T:
    """`check(jwks)` on the stored keys; when it gives None, once more on a refetched JWKS.

    Raises SignatureError when the refetched keys do not satisfy it either, and
    SignatureUnverifiable when the refetch is rate-limited or Saleor cannot be reached.
    """
    found = check(installation.jwks)
    if found is not None:
        return found
    if not _may_refetch(installation):
        raise SignatureUnverifiable("keys were refetched moments ago; retry later")
    # Saleor rotates by replacing its one key: refetch once before refusing.
    now = timezone.now()
    claimed = Installation.objects.filter(pk=installation.pk)
    if installation.jwks_fetched_at is None:
        claimed = claimed.filter(jwks_fetched_at__isnull=True)
    else:
        claimed = claimed.filter(jwks_fetched_at=installation.jwks_fetched_at)
    # Only the request that wins this update refetches; concurrent ones use what it stored.
    if claimed.update(jwks_fetched_at=now) == 0:
        installation.refresh_from_db(fields=["jwks", "jwks_fetched_at"])
        found = check(installation.jwks)
        if found is not None:
            return found
        raise SignatureUnverifiable("keys are being refetched; retry later")
    try:
        jwks = fetch_jwks(installation.saleor_api_url)
    except SaleorTransportError as exc:
        logger.warning("JWKS refetch failed for installation %s: %s", installation.pk, exc)
        raise SignatureUnverifiable("Saleor's JWKS is unavailable; retry later") from exc
    installation.jwks_fetched_at = now
    found = check(jwks)
    if found is None:
        raise SignatureError("signature does not verify")
    if jwks != installation.jwks:
        installation.jwks = jwks
        Installation.objects.filter(pk=installation.pk).update(jwks=jwks)
        logger.info("Saleor keys rotated for installation %s", installation.pk)
    return found
