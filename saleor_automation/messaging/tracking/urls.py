"""The ESPs' tracking webhook URLs: `webhooks/esp/<esp>/tracking/` for every ESP anymail
supports, each verified as anymail verifies it (basic auth with ANYMAIL_WEBHOOK_SECRET, and
the ESP's own signature where it signs: Mailgun, Mandrill, Postal, Resend...).

Stricter than anymail on one point: anymail accepts an ESP that has basic auth as its only
protection (Postmark, SendGrid, Brevo...) with a warning when no secret is set; here such a
webhook is refused with 400. Forged events could otherwise suppress any customer or mark
messages delivered.
"""

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailWebhookValidationFailure
from django.http import HttpRequest
from django.urls import URLPattern, path


class WebhookSecretRequired:
    """A validate_request that anymail's views run besides their own (anymail collects every
    validate_request of the class's MRO)."""

    warn_if_no_basic_auth: bool
    basic_auth: list[str]
    esp_name: str

    def validate_request(self, request: HttpRequest) -> None:
        if getattr(self, "warn_if_no_basic_auth", False) and not getattr(self, "basic_auth", None):
            raise AnymailWebhookValidationFailure(
                f"{self.esp_name} tracking webhook refused: ANYMAIL_WEBHOOK_SECRET is not set"
            )


def _tracking_patterns() -> list[URLPattern]:
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if not (pattern.name or "").endswith("_tracking_webhook"):
            continue
        view_class = pattern.callback.view_class
        secured = type(view_class.__name__, (WebhookSecretRequired, view_class), {})
        patterns.append(path(str(pattern.pattern), secured.as_view(), name=pattern.name))
    return patterns


app_name = "anymail"
urlpatterns = _tracking_patterns()
