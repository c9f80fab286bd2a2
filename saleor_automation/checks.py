"""System checks: configuration mistakes are reported at start, not at the first webhook."""

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_production_settings(app_configs: object, **kwargs: object) -> list:
    problems = []
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        problems.append(
            Warning(
                "SECRET_KEY is the development default.",
                hint="Set SECRET_KEY (and ENCRYPTION_KEYS) in production.",
                id="saleor_automation.W001",
            )
        )
    if not settings.APP_BASE_URL.startswith(("http://", "https://")):
        problems.append(
            Error(
                "APP_BASE_URL must be an absolute http(s) URL.",
                hint=f"Got {settings.APP_BASE_URL!r}.",
                id="saleor_automation.E001",
            )
        )
    return problems


@register()
def check_attribution_settings(app_configs: object, **kwargs: object) -> list:
    from .saleor.installation_settings import ATTRIBUTION_MODELS, MAX_ATTRIBUTION_DAYS

    problems = []
    if settings.ATTRIBUTION_MODEL not in ATTRIBUTION_MODELS:
        problems.append(
            Error(
                f"ATTRIBUTION_MODEL must be one of {', '.join(ATTRIBUTION_MODELS)}.",
                hint=f"Got {settings.ATTRIBUTION_MODEL!r}.",
                id="saleor_automation.E002",
            )
        )
    for name in ("ATTRIBUTION_CLICK_DAYS", "ATTRIBUTION_OPEN_DAYS"):
        if not 1 <= getattr(settings, name) <= MAX_ATTRIBUTION_DAYS:
            problems.append(
                Error(
                    f"{name} must be between 1 and {MAX_ATTRIBUTION_DAYS} days.",
                    hint=f"Got {getattr(settings, name)!r}.",
                    id="saleor_automation.E003",
                )
            )
    return problems


@register()
def check_quiet_hours(app_configs: object, **kwargs: object) -> list:
    from .flows.localtime import parse_quiet_hours

    try:
        parse_quiet_hours(settings.QUIET_HOURS)
    except ValueError as error:
        return [
            Error(
                f"QUIET_HOURS: {error}.",
                hint=f'Got {settings.QUIET_HOURS!r}; use "HH:MM-HH:MM" or leave it empty.',
                id="saleor_automation.E004",
            )
        ]
    return []
