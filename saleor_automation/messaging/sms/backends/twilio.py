"""Twilio's Programmable Messaging, over its REST API with httpx (no SDK: one form POST and
one HMAC check do not need a dependency tree of their own).

POST {api_url}Accounts/{AccountSid}/Messages.json, basic auth AccountSid:AuthToken, form
fields To, Body, From or MessagingServiceSid, StatusCallback. The JSON answer carries the
message `sid` (the id status callbacks use) and its `status`; an error answer carries
`code` and `message` (21211 invalid To, 21610 recipient replied STOP...).

Settings (get_messaging_setting, provider "twilio"): TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
optional TWILIO_API_URL, TWILIO_SENDER (else SMS_SENDER), TWILIO_TIMEOUT.
"""

import re
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.urls import reverse

from ..exceptions import SmsApiError, SmsRecipientOptedOut
from ..settings import get_messaging_setting
from ..status import SmsStatus
from .base import SmsMessage, SmsSendResult
from .base_http import HttpPayload, SmsHttpBackend

__all__ = ["SmsBackend", "TwilioPayload"]

API_URL = "https://api.twilio.com/2010-04-01/"
STATUS_URL_NAME = "sms:twilio-status"

# A Messaging Service (a pool of senders, with its own opt-out handling) rather than a number.
_MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")

# Twilio's message statuses at the moment the create call returns.
_SEND_STATUS = {
    "accepted": SmsStatus.QUEUED,  # a messaging service is choosing the sender
    "scheduled": SmsStatus.QUEUED,
    "queued": SmsStatus.QUEUED,
    "sending": SmsStatus.SENT,
    "sent": SmsStatus.SENT,
    "failed": SmsStatus.FAILED,
    "undelivered": SmsStatus.FAILED,
}
# The recipient replied STOP to this sender: Twilio blocks the send itself.
OPTED_OUT_CODES = frozenset({"21610"})


class SmsBackend(SmsHttpBackend):
    provider_name = "Twilio"

    def __init__(self, **kwargs: Any) -> None:
        self.account_sid = get_messaging_setting("account_sid", "twilio", kwargs)
        self.auth_token = get_messaging_setting("auth_token", "twilio", kwargs)
        api_url = get_messaging_setting("api_url", "twilio", kwargs, default=API_URL)
        super().__init__(api_url, **kwargs)

    def build_payload(self, message: SmsMessage, defaults: dict[str, Any]) -> "TwilioPayload":
        return TwilioPayload(message, defaults, self)

    def parse_status(
        self, response: httpx.Response, payload: HttpPayload, message: SmsMessage
    ) -> SmsSendResult:
        data = payload.deserialize_json_response(response)
        sid = data.get("sid") if isinstance(data, dict) else None
        if not sid:
            raise SmsApiError(
                "Twilio answered without a message sid", status_code=response.status_code
            )
        status = _SEND_STATUS.get(str(data.get("status")), SmsStatus.UNKNOWN)
        return SmsSendResult(message_id=sid, status=status, provider_response=data)

    def describe_error(self, response: httpx.Response) -> tuple[str, str]:
        try:
            data = response.json()
        except ValueError:
            return "", response.text[:300]
        if not isinstance(data, dict):
            return "", str(data)[:300]
        code = data.get("code")
        return ("" if code is None else str(code)), str(data.get("message") or "")[:300]

    def error_class(self, code: str) -> type[SmsApiError]:
        return SmsRecipientOptedOut if code in OPTED_OUT_CODES else SmsApiError

    def status_callback_url(self, webhook_key: str) -> str | None:
        # The public URL (APP_BASE_URL), never the Host Django sees: Twilio signs this URL,
        # and the webhook checks the signature against exactly this string.
        path = reverse(STATUS_URL_NAME, kwargs={"webhook_key": webhook_key})
        return settings.APP_BASE_URL + path


class TwilioPayload(HttpPayload):
    def init_payload(self) -> None:
        self.data: dict[str, Any] = {}
        self.metadata: dict[str, str] = {}
        self.status_callback = ""
        self.auth = (self.backend.account_sid, self.backend.auth_token)

    def get_api_endpoint(self) -> str:
        return f"Accounts/{self.backend.account_sid}/Messages.json"

    def set_to(self, to: str) -> None:
        self.data["To"] = to

    def set_body(self, body: str) -> None:
        self.data["Body"] = body

    def set_sender(self, sender: str) -> None:
        if _MESSAGING_SERVICE_SID.match(sender):
            self.data["MessagingServiceSid"] = sender
        else:
            self.data["From"] = sender

    def set_metadata(self, metadata: dict[str, str]) -> None:
        # Twilio keeps no metadata on a message; the status callback URL carries it instead
        # and comes back verbatim (and signed) with every delivery report.
        self.metadata = {str(k): str(v) for k, v in metadata.items()}

    def set_status_callback(self, url: str) -> None:
        self.status_callback = url

    def set_provider_extra(self, extra: dict[str, Any]) -> None:
        self.data.update(extra)  # e.g. {"ValidityPeriod": 3600, "ShortenUrls": True}

    def serialize_data(self) -> dict[str, Any]:
        data = dict(self.data)
        if self.metadata and not self.status_callback:
            self.unsupported_feature("metadata without a status callback URL")
        if self.status_callback:
            data["StatusCallback"] = _with_query(self.status_callback, self.metadata)
        return data


def _with_query(url: str, params: dict[str, str]) -> str:
    if not params:
        return url
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(sorted(params.items()))) if q)
    return urlunsplit(parts._replace(query=query))
