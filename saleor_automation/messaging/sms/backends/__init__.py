"""SMS backends. The one in use is a setting: MESSAGING["SMS_BACKEND"], a dotted path to a
provider module's `SmsBackend` (environment variable SMS_BACKEND; console by default).

    get_backend(path=None, **kwargs) -> BaseSmsBackend
"""

from typing import Any

from django.utils.module_loading import import_string

from ..exceptions import SmsConfigurationError
from ..settings import get_messaging_setting
from .base import BaseSmsBackend

__all__ = ["DEFAULT_BACKEND", "get_backend"]

DEFAULT_BACKEND = "saleor_automation.messaging.sms.backends.console.SmsBackend"


def get_backend(path: str | None = None, **kwargs: Any) -> BaseSmsBackend:
    path = path or get_messaging_setting("sms_backend", default=DEFAULT_BACKEND)
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise SmsConfigurationError(
            f"SMS_BACKEND {path!r} cannot be imported: {exc}. It names a class, e.g. "
            "saleor_automation.messaging.sms.backends.twilio.SmsBackend."
        ) from exc
    if not (isinstance(backend_class, type) and issubclass(backend_class, BaseSmsBackend)):
        raise SmsConfigurationError(f"SMS_BACKEND {path!r} is not an SMS backend class.")
    return backend_class(**kwargs)
