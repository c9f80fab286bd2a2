"""The development backend: prints each SMS to a stream (standard output) instead of sending.

The number is masked on the console and in the log (phone_mask): consoles end up in shared
terminals and CI logs. The body is printed, since seeing it is the point of this backend;
the log line carries only sizes. The message id is made up, so status callbacks never come.
"""

import logging
import sys
import threading
import uuid
from typing import Any, TextIO

from ..phone import phone_mask
from ..segments import sms_segments
from ..status import SmsStatus
from .base import BaseSmsBackend, SmsMessage, SmsPayload, SmsSendResult

__all__ = ["ConsolePayload", "SmsBackend"]

logger = logging.getLogger(__name__)


class SmsBackend(BaseSmsBackend):
    provider_name = "Console"

    def __init__(self, *, stream: TextIO | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream = stream
        self._lock = threading.RLock()  # one message's lines stay together across threads

    def build_payload(self, message: SmsMessage, defaults: dict[str, Any]) -> "ConsolePayload":
        return ConsolePayload(message, defaults, self)

    def post_to_provider(self, payload: SmsPayload, message: SmsMessage) -> str:
        assert isinstance(payload, ConsolePayload)
        message_id = f"console-{uuid.uuid4().hex}"
        info = sms_segments(payload.body)
        out = self.stream or sys.stdout
        with self._lock:
            out.write(
                f"SMS {message_id}\n"
                f"To: {phone_mask(payload.to)}\n"
                f"From: {payload.sender or '(default)'}\n"
                f"Segments: {info.segments} ({info.encoding}, {info.characters} characters)\n"
                f"\n{payload.body}\n{'-' * 40}\n"
            )
            out.flush()
        logger.info(
            "SMS %s to %s printed (%s segments)", message_id, phone_mask(payload.to), info.segments
        )
        return message_id

    def parse_status(
        self, response: str, payload: SmsPayload, message: SmsMessage
    ) -> SmsSendResult:
        return SmsSendResult(message_id=response, status=SmsStatus.SENT)


class ConsolePayload(SmsPayload):
    """Takes everything: the console expresses any feature by printing it or ignoring it."""

    def init_payload(self) -> None:
        self.to = self.body = self.sender = ""

    def set_to(self, to: str) -> None:
        self.to = to

    def set_body(self, body: str) -> None:
        self.body = body

    def set_sender(self, sender: str) -> None:
        self.sender = sender

    def set_metadata(self, metadata: dict[str, str]) -> None:
        pass

    def set_status_callback(self, url: str) -> None:
        pass

    def set_provider_extra(self, extra: dict[str, Any]) -> None:
        pass
