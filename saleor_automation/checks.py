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
