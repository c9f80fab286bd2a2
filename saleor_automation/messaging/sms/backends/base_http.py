"""HTTP plumbing shared by provider backends (anymail's base_requests.py, on httpx).

One httpx.Client per batch (connection reuse), every transport failure and non-2xx answer
turned into SmsApiError with the provider's own code and message, and JSON parsing that
fails as an SmsApiError too. Error texts go through phone_redact: providers quote the
recipient's number in them, and they end up on the outbox row and in logs.
"""

from typing import Any, ClassVar
from urllib.parse import urljoin

import httpx

from ..exceptions import SmsApiError
from ..phone import phone_redact
from ..settings import get_messaging_setting
from .base import BaseSmsBackend, SmsMessage, SmsPayload

__all__ = ["HttpPayload", "SmsHttpBackend"]

DEFAULT_TIMEOUT = 15.0  # seconds; a send task holds a worker while it waits


class SmsHttpBackend(BaseSmsBackend):
    # None: httpx's real transport. Tests put an httpx.MockTransport here, so only the
    # provider is replaced and the client, auth and encoding are the production ones.
    transport: ClassVar[httpx.BaseTransport | None] = None

    def __init__(self, api_url: str, **kwargs: Any) -> None:
        self.timeout = float(
            get_messaging_setting("timeout", self.provider_name, kwargs, default=DEFAULT_TIMEOUT)
        )
        super().__init__(**kwargs)
        self.api_url = api_url
        self.client: httpx.Client | None = None

    def open(self) -> bool:
        if self.client is not None:
            return False
        self.client = httpx.Client(
            transport=self.transport,
            timeout=self.timeout,
            headers={"User-Agent": "saleor-automation"},
        )
        return True

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def post_to_provider(self, payload: SmsPayload, message: SmsMessage) -> httpx.Response:
        assert isinstance(payload, HttpPayload)
        created = self.open()  # _send called outside send_messages still gets a client
        try:
            response = self.client.request(**payload.get_request_params(self.api_url))
        except httpx.HTTPError as exc:
            # The exception's text can hold the URL and so the account id: its type is enough.
            raise SmsApiError(
                f"{self.provider_name} could not be reached: {type(exc).__name__}"
            ) from exc
        finally:
            if created:
                self.close()
        self.raise_for_status(response, payload, message)
        return response

    def raise_for_status(
        self, response: httpx.Response, payload: SmsPayload, message: SmsMessage
    ) -> None:
        if response.is_success:
            return
        code, text = self.describe_error(response)
        text = phone_redact(text)
        raise self.error_class(code)(
            f"{self.provider_name} API response {response.status_code}: "
            + " ".join(part for part in (code, text) if part),
            status_code=response.status_code,
            provider_code=code,
            provider_message=text,
        )

    def describe_error(self, response: httpx.Response) -> tuple[str, str]:
        """(provider error code, provider message) of a failed response; a provider module
        reads its own error format."""
        return "", response.text[:300]

    def error_class(self, code: str) -> type[SmsApiError]:
        """The SmsApiError subclass for a provider error code (an opt-out, say)."""
        return SmsApiError


class HttpPayload(SmsPayload):
    method: ClassVar[str] = "POST"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.headers: dict[str, str] = {}
        self.auth: tuple[str, str] | None = None
        super().__init__(*args, **kwargs)

    def get_api_endpoint(self) -> str:
        """The path below the backend's api_url."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_api_endpoint")

    def serialize_data(self) -> dict[str, Any]:
        """The form fields of the request, once every setter ran."""
        raise NotImplementedError(f"{type(self).__name__} must implement serialize_data")

    def get_request_params(self, api_url: str) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": urljoin(api_url, self.get_api_endpoint()),
            "data": self.serialize_data(),
            "headers": self.headers,
            "auth": self.auth,
        }

    def deserialize_json_response(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise SmsApiError(
                f"{self.provider_name} answered {response.status_code} with invalid JSON",
                status_code=response.status_code,
            ) from None
