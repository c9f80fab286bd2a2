"""Twilio's webhooks: message status callbacks and incoming messages.

Both are form POSTs signed with X-Twilio-Signature: base64(HMAC-SHA1(auth token, the full
URL Twilio called + every POST parameter name and value, sorted by name)). The URL is the
public one the app gave Twilio (APP_BASE_URL + path + query), so a proxy in between changes
nothing. Status callbacks carry MessageSid, MessageStatus, ErrorCode, To, From; the app's
message key rides in the callback URL's query (backends/twilio.py). Incoming messages carry
From, To, Body, MessageSid, and OptOutType when a Messaging Service's Advanced Opt-Out
recognised a keyword (it knows the store's custom keywords too, so it wins over ours).
"""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from ..exceptions import SmsInvalidNumber, SmsWebhookValidationFailure
from ..models import SmsConfig
from ..phone import phone_normalise
from ..settings import get_messaging_setting
from ..status import SmsEventType, SmsTrackingEvent, keyword_event_type
from .base import SmsInboundWebhookView, SmsTrackingWebhookView, public_request_url

__all__ = [
    "SIGNATURE_HEADER",
    "TwilioInboundWebhookView",
    "TwilioSignatureMixin",
    "TwilioTrackingWebhookView",
    "twilio_signature",
]

SIGNATURE_HEADER = "X-Twilio-Signature"

# Twilio's MessageStatus -> ours. Anything else (read, canceled, partially_delivered and
# whatever comes next) is UNKNOWN, kept with its own word in provider_status.
EVENT_TYPES: dict[str, str] = {
    "accepted": SmsEventType.QUEUED,
    "scheduled": SmsEventType.QUEUED,
    "queued": SmsEventType.QUEUED,
    "sending": SmsEventType.SENT,
    "sent": SmsEventType.SENT,
    "delivered": SmsEventType.DELIVERED,
    "undelivered": SmsEventType.UNDELIVERED,
    "failed": SmsEventType.FAILED,
}
# Advanced Opt-Out's OptOutType -> ours.
OPT_OUT_TYPES: dict[str, str] = {
    "STOP": SmsEventType.OPTED_OUT,
    "START": SmsEventType.OPTED_IN,
    "HELP": SmsEventType.INBOUND,
}
# Delivery error codes that say the number itself cannot receive SMS (30005 unknown
# destination handset, 30006 landline or unreachable carrier), as opposed to a phone that
# is off or a carrier that filtered one message.
PERMANENT_ERROR_CODES = frozenset({"30005", "30006"})
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twilio_signature(auth_token: str, url: str, params: QueryDict | dict[str, str]) -> str:
    """The X-Twilio-Signature Twilio computes for a form POST to `url`."""
    data = url
    for name in sorted(params.keys()):
        values = params.getlist(name) if isinstance(params, QueryDict) else [params[name]]
        for value in sorted(set(values)):
            data += name + value
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _url_variants(url: str) -> list[str]:
    """The URL as given, and with the scheme's default port written out or dropped: Twilio
    has signed both forms over the years (its own validators try both)."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    host = parts.hostname or ""
    variants = [url]
    if parts.port is None and default:
        variants.append(urlunsplit(parts._replace(netloc=f"{host}:{default}")))
    elif parts.port == default:
        variants.append(urlunsplit(parts._replace(netloc=host)))
    return variants


class TwilioSignatureMixin:
    def validate_request(self, request: HttpRequest) -> None:
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature:
            raise SmsWebhookValidationFailure(f"Twilio webhook without {SIGNATURE_HEADER}")
        token = get_messaging_setting("auth_token", "twilio")
        url = public_request_url(request)
        if not any(
            constant_time_compare(signature, twilio_signature(token, variant, request.POST))
            for variant in _url_variants(url)
        ):
            raise SmsWebhookValidationFailure(f"Twilio webhook with a wrong {SIGNATURE_HEADER}")


def _e164(number: str) -> str:
    """Twilio sends E.164 already; a short code or an odd channel address stays as sent."""
    try:
        return phone_normalise(number)
    except SmsInvalidNumber:
        return number.strip()


def _raw(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in request.POST}


class TwilioTrackingWebhookView(TwilioSignatureMixin, SmsTrackingWebhookView):
    provider_name = "Twilio"

    def parse_events(self, request: HttpRequest, config: SmsConfig) -> list[SmsTrackingEvent]:
        post = request.POST
        status = post.get("MessageStatus") or post.get("SmsStatus") or ""
        return [
            SmsTrackingEvent(
                event_type=EVENT_TYPES.get(status, SmsEventType.UNKNOWN),
                provider=self.provider_name,
                installation_id=config.installation_id,
                timestamp=timezone.now(),  # Twilio's callbacks carry no time of their own
                message_id=post.get("MessageSid") or post.get("SmsSid") or "",
                message_key=request.GET.get("message_key", ""),
                recipient=_e164(post.get("To", "")),
                sender=post.get("MessagingServiceSid") or post.get("From", ""),
                provider_status=status,
                error_code=post.get("ErrorCode", ""),
                description=post.get("ErrorMessage", ""),
                permanent=post.get("ErrorCode", "") in PERMANENT_ERROR_CODES,
                provider_event=_raw(request),
            )
        ]


class TwilioInboundWebhookView(TwilioSignatureMixin, SmsInboundWebhookView):
    provider_name = "Twilio"

    def parse_events(self, request: HttpRequest, config: SmsConfig) -> list[SmsTrackingEvent]:
        post = request.POST
        body = post.get("Body", "")
        event_type, keyword = keyword_event_type(body)
        opt_out_type = post.get("OptOutType", "").upper()
        if opt_out_type in OPT_OUT_TYPES:
            event_type, keyword = OPT_OUT_TYPES[opt_out_type], opt_out_type
        return [
            SmsTrackingEvent(
                event_type=event_type,
                provider=self.provider_name,
                installation_id=config.installation_id,
                timestamp=timezone.now(),
                message_id=post.get("MessageSid") or post.get("SmsSid") or "",
                recipient=_e164(post.get("From", "")),
                sender=post.get("To", ""),
                body=body,
                keyword=keyword,
                provider_status="received",
                provider_event=_raw(request),
            )
        ]

    def response(self, events: list[SmsTrackingEvent]) -> HttpResponse:
        # Empty TwiML: no reply from the app. Twilio (or the carrier) already answers STOP,
        # START and HELP itself, and a second answer would be a message the person did not
        # ask for.
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")
