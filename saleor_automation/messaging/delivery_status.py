"""How a store's messages leave, for the settings page: which provider each channel uses,
whether it really sends, whether provider tracking webhooks can be trusted, and the store's
last send and last failure.

    delivery_status(installation_id) -> DeliveryStatus
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from .models import Message, MessageChannel, MessageStatus
from .sms.backends import DEFAULT_BACKEND as DEFAULT_SMS_BACKEND
from .sms.settings import get_messaging_setting

SMS_BACKENDS = "saleor_automation.messaging.sms.backends"
# Backends that deliver nothing: fine on a laptop, a mistake in production.
NOT_SENDING = {
    "django.core.mail.backends.console.EmailBackend": "Console (prints, sends nothing)",
    "django.core.mail.backends.locmem.EmailBackend": "In memory (tests, sends nothing)",
    "django.core.mail.backends.filebased.EmailBackend": "Files (sends nothing)",
    "django.core.mail.backends.dummy.EmailBackend": "Dummy (sends nothing)",
    "anymail.backends.test.EmailBackend": "anymail test backend (sends nothing)",
    f"{SMS_BACKENDS}.console.SmsBackend": "Console (prints, sends nothing)",
    f"{SMS_BACKENDS}.test.SmsBackend": "Test backend (sends nothing)",
}
FAILED = (MessageStatus.FAILED, MessageStatus.FAILED_UNKNOWN, MessageStatus.BOUNCED)


@dataclass(frozen=True)
class ChannelStatus:
    provider: str  # for people: "Postmark (anymail)", "SMTP mail.example.com:587", ...
    backend: str  # the dotted path in use
    sends: bool  # False for backends that deliver nothing
    tracking: bool | None  # email: tracking webhooks authenticated; None where not relevant
    last_sent_at: datetime | None
    last_failure_at: datetime | None
    last_failure: str  # the provider's reason, as stored on the message (no address)


@dataclass(frozen=True)
class DeliveryStatus:
    email: ChannelStatus
    sms: ChannelStatus


def _email_provider(backend: str) -> str:
    if backend in NOT_SENDING:
        return NOT_SENDING[backend]
    if backend.startswith("anymail.backends."):
        esp = backend.split(".")[2]
        return f"{esp.replace('_', ' ').title()} (anymail)"
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        return f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return backend


def _sms_provider(backend: str) -> str:
    if backend in NOT_SENDING:
        return NOT_SENDING[backend]
    if backend == f"{SMS_BACKENDS}.twilio.SmsBackend":
        return "Twilio"
    return backend


def _email_tracking() -> bool:
    anymail = getattr(settings, "ANYMAIL", {}) or {}
    return bool(anymail.get("WEBHOOK_SECRET")) or bool(anymail.get("MAILGUN_WEBHOOK_SIGNING_KEY"))


def _channel(installation_id: int, channel: str, backend: str, provider: str, tracking):
    messages = Message.objects.filter(installation_id=installation_id, channel=channel)
    last_sent = (
        messages.filter(sent_at__isnull=False)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    failure = (
        messages.filter(status__in=FAILED)
        .order_by("-created_at")
        .values("created_at", "sent_at", "error")
        .first()
    )
    return ChannelStatus(
        provider=provider,
        backend=backend,
        sends=backend not in NOT_SENDING,
        tracking=tracking,
        last_sent_at=last_sent,
        last_failure_at=(failure["sent_at"] or failure["created_at"]) if failure else None,
        last_failure=failure["error"] if failure else "",
    )


def delivery_status(installation_id: int) -> DeliveryStatus:
    email_backend = settings.EMAIL_BACKEND
    sms_backend = get_messaging_setting("sms_backend", default=DEFAULT_SMS_BACKEND)
    return DeliveryStatus(
        email=_channel(
            installation_id,
            MessageChannel.EMAIL,
            email_backend,
            _email_provider(email_backend),
            _email_tracking(),
        ),
        sms=_channel(
            installation_id, MessageChannel.SMS, sms_backend, _sms_provider(sms_backend), None
        ),
    )
