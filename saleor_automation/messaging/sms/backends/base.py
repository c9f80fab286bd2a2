"""The backend interface, split like anymail's: a backend sends a batch, a payload turns one
message into one provider request.

    SmsMessage         what to send (the channel builds it from an outbox row)
    SmsSendResult      what the provider answered, attached as message.send_result
    BaseSmsBackend     send_messages(messages) -> int, around a fixed _send pipeline
    SmsPayload         set_to/set_body/set_sender/set_metadata/set_status_callback/
                       set_provider_extra, and unsupported_feature()

A provider module implements only build_payload, post_to_provider and parse_status (and its
payload's setters); the order of the steps, the defaults and the error policy live here.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..exceptions import SmsError, SmsRecipientRejected, SmsUnsupportedFeature
from ..settings import get_messaging_setting
from ..status import SmsStatus

__all__ = ["BaseSmsBackend", "SmsMessage", "SmsPayload", "SmsSendResult"]


@dataclass
class SmsSendResult:
    message_id: str | None  # the provider's id, joined against its status callbacks
    status: str  # an SmsStatus
    provider_response: Any = None  # parsed response, for debugging; may hold the number


@dataclass
class SmsMessage:
    to: str  # E.164
    body: str
    sender: str | None = None  # a number, a sender id or a messaging service; None: default
    # Strings the provider should give back with its status callbacks (our message key).
    metadata: dict[str, str] = field(default_factory=dict)
    status_callback: str | None = None  # public URL for delivery reports; None: none
    provider_extra: dict[str, Any] = field(default_factory=dict)  # passed through untouched
    send_result: SmsSendResult | None = None


def _last(value: Any, default: Any) -> Any:
    return default if value is None or value == "" else value


def _merge(value: Any, default: Any) -> Any:
    return {**(default or {}), **(value or {})}


class BaseSmsBackend:
    """Subclasses set `provider_name` and implement the three hooks.

    Options (keyword arguments, else settings through get_messaging_setting):
    `fail_silently`, `ignore_unsupported_features` and `send_defaults` (a dict of SmsMessage
    attribute -> default; the sender default is MESSAGING["SMS_SENDER"], or
    MESSAGING["<PROVIDER>_SENDER"] for one provider).
    """

    provider_name: ClassVar[str] = ""

    def __init__(self, *, fail_silently: bool = False, **kwargs: Any) -> None:
        self.fail_silently = fail_silently
        provider = self.provider_name or None
        # Per provider (TWILIO_IGNORE_...), else for every backend.
        self.ignore_unsupported_features = bool(
            get_messaging_setting(
                "ignore_unsupported_features",
                provider,
                kwargs,
                default=get_messaging_setting("ignore_unsupported_features", default=False),
            )
        )
        sender = get_messaging_setting("sender", provider, kwargs, default="") or (
            get_messaging_setting("sms_sender", default="")
        )
        self.send_defaults: dict[str, Any] = {
            "sender": sender,
            **get_messaging_setting("sms_send_defaults", default={}),
            **get_messaging_setting("send_defaults", provider, kwargs, default={}),
        }

    # --- connection -------------------------------------------------------------------

    def open(self) -> bool:
        """Open what a batch shares (an HTTP session); True when this call opened it."""
        return False

    def close(self) -> None:
        """Release what open() opened."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        """Send each message; returns how many went. Opens once for the batch and closes
        only what it opened, so a caller holding the connection open keeps it."""
        if not messages:
            return 0
        created = self.open()
        sent = 0
        try:
            for message in messages:
                try:
                    sent += self._send(message)
                except SmsError:
                    if not self.fail_silently:
                        raise
        finally:
            if created:
                self.close()
        return sent

    # --- the fixed pipeline -----------------------------------------------------------

    def _send(self, message: SmsMessage) -> bool:
        self.pre_send(message)
        payload = self.build_payload(message, self.send_defaults)
        response = self.post_to_provider(payload, message)
        message.send_result = self.parse_status(response, payload, message)
        self.post_send(message)
        self.raise_for_send_status(message)
        return True

    def pre_send(self, message: SmsMessage) -> None:
        """Hook before anything is built (a subclass may validate or raise SmsError)."""

    def post_send(self, message: SmsMessage) -> None:
        """Hook once message.send_result is set, before refusals raise."""

    def build_payload(self, message: SmsMessage, defaults: dict[str, Any]) -> "SmsPayload":
        raise NotImplementedError(
            f"{type(self).__module__}.{type(self).__name__} must implement build_payload"
        )

    def post_to_provider(self, payload: "SmsPayload", message: SmsMessage) -> Any:
        raise NotImplementedError(
            f"{type(self).__module__}.{type(self).__name__} must implement post_to_provider"
        )

    def parse_status(
        self, response: Any, payload: "SmsPayload", message: SmsMessage
    ) -> SmsSendResult:
        raise NotImplementedError(
            f"{type(self).__module__}.{type(self).__name__} must implement parse_status"
        )

    def raise_for_send_status(self, message: SmsMessage) -> None:
        result = message.send_result
        if result is not None and result.status in SmsStatus.REFUSED:
            raise SmsRecipientRejected(
                f"{self.provider_name} reported the message {result.status} "
                f"(id {result.message_id or 'none'})"
            )

    # --- URLs the provider calls back -------------------------------------------------

    def status_callback_url(self, webhook_key: str) -> str | None:
        """The public URL this provider should post delivery reports for an installation
        to; None for a backend that reports none (console, test)."""
        return None


class SmsPayload:
    """One message as one provider request.

    `attrs` is the declared table (SmsMessage attribute, combiner with its default or None
    for a required attribute, converter); each present value reaches `set_<attribute>`. A
    provider that cannot express something calls unsupported_feature(), which raises
    unless the deployment chose to send without it. Provider limits (length, sender format)
    are the provider's to enforce: refusing here what it might accept helps nobody.
    """

    attrs: ClassVar[tuple[tuple[str, Callable[[Any, Any], Any] | None, Callable], ...]] = (
        ("to", None, str),
        ("body", None, str),
        ("sender", _last, str),
        ("metadata", _merge, dict),
        ("status_callback", _last, str),
        ("provider_extra", _merge, dict),
    )

    def __init__(self, message: SmsMessage, defaults: dict[str, Any], backend: BaseSmsBackend):
        self.message = message
        self.backend = backend
        self.provider_name = backend.provider_name
        self.init_payload()
        for attr, combiner, converter in self.attrs:
            value = getattr(message, attr)
            if combiner is not None:
                value = combiner(value, defaults.get(attr))
                if value is None or value == "" or value == {}:
                    continue
            getattr(self, f"set_{attr}")(converter(value))

    def unsupported_feature(self, feature: str) -> None:
        if not self.backend.ignore_unsupported_features:
            raise SmsUnsupportedFeature(
                f"{self.provider_name} does not support {feature}. To send without it, set "
                'MESSAGING["IGNORE_UNSUPPORTED_FEATURES"] = True.'
            )

    def init_payload(self) -> None:
        """Start the provider's request data."""

    def set_to(self, to: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement set_to")

    def set_body(self, body: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement set_body")

    def set_sender(self, sender: str) -> None:
        self.unsupported_feature("choosing the sender")

    def set_metadata(self, metadata: dict[str, str]) -> None:
        self.unsupported_feature("metadata")

    def set_status_callback(self, url: str) -> None:
        self.unsupported_feature("status callbacks")

    def set_provider_extra(self, extra: dict[str, Any]) -> None:
        self.unsupported_feature("provider_extra")
