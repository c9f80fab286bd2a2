"""The test backend: runs the whole pipeline, records every message in `outbox` and answers
with scripted responses (anymail's test backend, for SMS).

    outbox                  the SmsMessages sent, each with .test_params (what the payload
                            built) and .send_result
    script(*responses)      queue answers for the next sends, in order
    reset()                 empty both (a test fixture calls it)

A ScriptedResponse either raises `error` or answers `status` with `message_id`; with no
script left, a send is queued with id "test-<n>".
"""

import itertools
from collections import deque
from dataclasses import dataclass
from typing import Any

from ..status import SmsStatus
from .base import BaseSmsBackend, SmsMessage, SmsPayload, SmsSendResult

__all__ = ["ScriptedResponse", "SmsBackend", "TestPayload", "outbox", "reset", "script"]


@dataclass
class ScriptedResponse:
    status: str = SmsStatus.QUEUED
    message_id: str | None = None
    error: Exception | None = None


outbox: list[SmsMessage] = []
_responses: deque[ScriptedResponse] = deque()
_ids = itertools.count(1)


def script(*responses: ScriptedResponse) -> None:
    _responses.extend(responses)


def reset() -> None:
    outbox.clear()
    _responses.clear()


class SmsBackend(BaseSmsBackend):
    provider_name = "Test"

    def build_payload(self, message: SmsMessage, defaults: dict[str, Any]) -> "TestPayload":
        return TestPayload(message, defaults, self)

    def post_to_provider(self, payload: SmsPayload, message: SmsMessage) -> ScriptedResponse:
        assert isinstance(payload, TestPayload)
        message.test_params = payload.params  # type: ignore[attr-defined]
        response = _responses.popleft() if _responses else ScriptedResponse()
        if response.error is not None:
            raise response.error
        outbox.append(message)
        return response

    def parse_status(
        self, response: ScriptedResponse, payload: SmsPayload, message: SmsMessage
    ) -> SmsSendResult:
        message_id = response.message_id or f"test-{next(_ids)}"
        return SmsSendResult(message_id=message_id, status=response.status)

    def status_callback_url(self, webhook_key: str) -> str | None:
        # A recognisable fake, so tests can assert the channel asked for one.
        return f"https://sms.test/status/{webhook_key}"


class TestPayload(SmsPayload):
    """Records each setter's value under its attribute name."""

    __test__ = False  # a payload, not a pytest test class

    def init_payload(self) -> None:
        self.params: dict[str, Any] = {}

    def set_to(self, to: str) -> None:
        self.params["to"] = to

    def set_body(self, body: str) -> None:
        self.params["body"] = body

    def set_sender(self, sender: str) -> None:
        self.params["sender"] = sender

    def set_metadata(self, metadata: dict[str, str]) -> None:
        self.params["metadata"] = metadata

    def set_status_callback(self, url: str) -> None:
        self.params["status_callback"] = url

    def set_provider_extra(self, extra: dict[str, Any]) -> None:
        self.params["provider_extra"] = extra
