"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) under a rotatable key list.

ENCRYPTION_KEYS lists Fernet keys; the first encrypts, every key decrypts. To rotate, put a
new key first, deploy, run `saleor-automation rotate-secrets`, then drop the old key.
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _derived(secret_key: str) -> str:
    digest = hashlib.sha256(b"saleor-automation-encryption:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@cache
def _fernet(keys: tuple[str, ...], secret_keys: tuple[str, ...]) -> MultiFernet:
    # The key derived from SECRET_KEY encrypts until ENCRYPTION_KEYS is set, and keeps
    # decrypting after, so setting ENCRYPTION_KEYS later loses nothing (rotate-secrets then
    # moves every secret to the new key). Keys derived from SECRET_KEY_FALLBACKS decrypt too,
    # so a SECRET_KEY rotation done the Django way keeps stored secrets readable.
    keys = (*keys, *(_derived(secret) for secret in secret_keys))
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "ENCRYPTION_KEYS must be comma-separated Fernet keys "
            "(generate one with `saleor-automation generate-key`)."
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(
        tuple(settings.ENCRYPTION_KEYS),
        (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())),
    )


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with ENCRYPTION_KEYS: was a key removed "
            "before `saleor-automation rotate-secrets` ran?"
        ) from exc


def reencrypt(token: str) -> str:
    """The same secret under the current first key (used by rotate-secrets)."""
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """A text column whose value is stored encrypted; Python code sees plaintext."""

    def from_db_value(self, value: str | None, expression: object, connection: object):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: object):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
