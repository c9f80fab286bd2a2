"""Services and selectors of API keys (the api package owns the ApiKey model).

api_key_create(*, installation, name, scope) -> tuple[ApiKey, str]
api_key_revoke(*, installation, key_id, now=None) -> ApiKey
api_key_authenticate(token, *, now=None) -> ApiKey | None
api_key_list(*, installation) -> QuerySet[ApiKey]
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from ..saleor.models import Installation
from .models import ApiKey, ApiKeyScope

TOKEN_PREFIX = "sak_"  # noqa: S105 (a marker that tells keys apart, not a secret)
# last_used_at is a hint for operators, not an audit log: writing it on every request would
# turn each read into a write, so it is refreshed at most this often.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(*, installation: Installation, name: str, scope: str) -> tuple[ApiKey, str]:
    """A new key and its token; the token is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A name is required."}, code="required")
    if len(name) > 128:
        raise ValidationError({"name": "At most 128 characters."}, code="max_length")
    if scope not in ApiKeyScope.values:
        raise ValidationError({"scope": f"Unknown scope {scope!r}."}, code="invalid")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)  # 32 random bytes
    key = ApiKey.objects.create(
        installation=installation, name=name, scope=scope, prefix=prefix, secret_hash=_hash(secret)
    )
    return key, f"{TOKEN_PREFIX}{prefix}_{secret}"


def api_key_revoke(
    *, installation: Installation, key_id: int, now: datetime | None = None
) -> ApiKey:
    """Revoke a key of this installation (idempotent: a revoked key keeps its first date)."""
    key = ApiKey.objects.get(installation=installation, pk=key_id)
    if key.revoked_at is None:
        key.revoked_at = now or timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(token: str, *, now: datetime | None = None) -> ApiKey | None:
    """The live key this token belongs to, or None (unknown, malformed or revoked)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    prefix, _, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    key = (
        ApiKey.objects.select_related("installation").filter(prefix=prefix, revoked_at=None).first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_key_list(*, installation: Installation) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(installation=installation).order_by("-created_at", "-id")
