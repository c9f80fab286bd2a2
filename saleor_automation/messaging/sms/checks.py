"""System checks of the SMS settings: a wrong backend path or a missing credential is
reported when the app starts, not at the first send of a flow."""

from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from django.conf import settings
from django.core.checks import Error, Warning, register

from .backends import get_backend
from .exceptions import SmsConfigurationError
from .settings import get_messaging_setting


@register()
def check_sms_settings(app_configs: Any, **kwargs: Any) -> list:
    problems: list = []
    try:
        backend = get_backend()
    except SmsConfigurationError as exc:
        return [
            Error(
                str(exc),
                hint="See README.md, Configuration: SMS_BACKEND and its provider's settings.",
                id="saleor_automation.E101",
            )
        ]
    region = get_messaging_setting("sms_default_region", default="")
    if region and region.upper() not in phonenumbers.SUPPORTED_REGIONS:
        problems.append(
            Error(
                f"SMS_DEFAULT_REGION {region!r} is not an ISO 3166 country code.",
                hint="Use a two-letter code such as US or FR, or leave it unset.",
                id="saleor_automation.E102",
            )
        )
    host = urlsplit(settings.APP_BASE_URL).hostname or ""
    if backend.status_callback_url("check") and host in {"localhost", "127.0.0.1", "::1"}:
        problems.append(
            Warning(
                f"{backend.provider_name} cannot reach APP_BASE_URL {settings.APP_BASE_URL}: "
                "delivery reports and STOP replies will not arrive.",
                hint="Set APP_BASE_URL to the app's public https URL (a tunnel in development).",
                id="saleor_automation.W101",
            )
        )
    return problems
