"""Errors of the SMS layer (anymail's exceptions.py pattern): each also subclasses the Django
or Python class that makes the framework do the right thing with it.

The text of an error is stored on the outbox row (Message.error) and may be logged, so it
never carries a full phone number: provider messages are redacted where they are built
(backends/base_http.py) and phone.py's errors name the region, not the number.
"""

from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation

__all__ = [
    "SmsApiError",
    "SmsConfigurationError",
    "SmsError",
    "SmsInvalidNumber",
    "SmsRecipientOptedOut",
    "SmsRecipientRejected",
    "SmsUnsupportedFeature",
    "SmsWebhookValidationFailure",
]


class SmsError(Exception):
    """Base of every SMS error: nothing went out."""


class SmsApiError(SmsError):
    """The provider refused the request or could not be reached.

    `status_code` is the HTTP status (None when no response came), `provider_code` and
    `provider_message` what the provider said (Twilio: 21211 and "The 'To' number ...").
    """

    def __init__(
        self,
        text: str,
        *,
        status_code: int | None = None,
        provider_code: str = "",
        provider_message: str = "",
    ) -> None:
        super().__init__(text)
        self.status_code = status_code
        self.provider_code = provider_code
        self.provider_message = provider_message


class SmsRecipientOptedOut(SmsApiError):
    """The provider refuses because the recipient replied STOP to this sender."""


class SmsRecipientRejected(SmsError):
    """The provider accepted the request but reported the message rejected or failed."""


class SmsInvalidNumber(SmsError, ValueError):
    """The recipient is not a valid phone number (or not one E.164 can express)."""


class SmsUnsupportedFeature(SmsError, ValueError):
    """The message uses something the provider cannot express (see SmsPayload)."""


class SmsConfigurationError(SmsError, ImproperlyConfigured):
    """A setting is missing or wrong; the message names the setting to add."""


class SmsWebhookValidationFailure(SmsError, SuspiciousOperation):
    """A webhook failed its signature check: Django answers 400 and nothing is stored."""
