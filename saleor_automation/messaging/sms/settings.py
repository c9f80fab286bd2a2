"""Messaging settings, looked up the way anymail's get_anymail_setting does.

    get_messaging_setting(name, provider=None, kwargs=None, default=UNSET) -> Any

For `name="auth_token", provider="twilio"` the key is TWILIO_AUTH_TOKEN, looked for in order:
`kwargs["auth_token"]` (popped: a backend constructed with explicit options), the
`MESSAGING["TWILIO_AUTH_TOKEN"]` dict, a `MESSAGING_TWILIO_AUTH_TOKEN` setting, then
`default`. With none found it raises SmsConfigurationError naming the exact key, so a
missing credential is reported as what to set rather than as a 401 from the provider.
settings.py fills MESSAGING from environment variables of the same names (README.md).
"""

from typing import Any

from django.conf import settings

from .exceptions import SmsConfigurationError

__all__ = ["UNSET", "get_messaging_setting"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def get_messaging_setting(
    name: str,
    provider: str | None = None,
    kwargs: dict[str, Any] | None = None,
    default: Any = UNSET,
) -> Any:
    if kwargs is not None and name.lower() in kwargs:
        return kwargs.pop(name.lower())
    key = f"{provider}_{name}".upper() if provider else name.upper()
    value = (getattr(settings, "MESSAGING", None) or {}).get(key)
    if value is None:
        value = getattr(settings, f"MESSAGING_{key}", None)
    if value is not None:
        return value
    if default is not UNSET:
        return default
    raise SmsConfigurationError(
        f"Missing messaging setting {key}: set the environment variable {key} "
        f'(MESSAGING["{key}"] in Django settings).'
    )
