"""Shared bases of the SMS tests (anymail's mock_requests_backend.py and webhook_cases.py).

load_sample(provider, name)     a sample payload from tests/fixtures/sms/<provider>/
MockHttpBackendCase             only the provider is mocked: SmsHttpBackend.transport
                                becomes an httpx.MockTransport that records requests
                                and answers from a queue
WebhookCase                     autospec'd receivers on sms_tracking/sms_consent_changed
SignatureSuite                  the checks every provider's signed webhooks must pass;
                                a provider's test class inherits it and says how to sign
"""

import json
from collections import deque
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest

from saleor_automation.messaging.sms.backends.base_http import SmsHttpBackend
from saleor_automation.messaging.sms.models import SmsConfig
from saleor_automation.messaging.sms.signals import sms_consent_changed, sms_tracking
from saleor_automation.messaging.sms.status import SmsTrackingEvent
from tests.flows.db_fixtures import make_installation

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sms"
APP_BASE_URL = "https://automation.example.com"


def load_sample(provider: str, name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / provider / f"{name}.json").read_text())


class MockHttpBackendCase:
    default_status = 200
    default_json: dict[str, Any] = {}

    @pytest.fixture(autouse=True)
    def mock_http(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests: list[httpx.Request] = []
        self.responses: deque[httpx.Response | Exception] = deque()

        def handler(request: httpx.Request) -> httpx.Response:
            request.read()
            self.requests.append(request)
            answer = (
                self.responses.popleft()
                if self.responses
                else httpx.Response(self.default_status, json=self.default_json)
            )
            if isinstance(answer, Exception):
                raise answer
            return answer

        monkeypatch.setattr(SmsHttpBackend, "transport", httpx.MockTransport(handler))

    def set_response(self, status: int = 200, json: Any = None, text: str | None = None) -> None:
        if text is not None:
            self.responses.append(httpx.Response(status, text=text))
        else:
            self.responses.append(httpx.Response(status, json=json))

    def set_transport_error(self, exc: Exception) -> None:
        self.responses.append(exc)

    @property
    def last_request(self) -> httpx.Request:
        assert self.requests, "no request reached the provider"
        return self.requests[-1]

    def form(self, request: httpx.Request | None = None) -> dict[str, str]:
        """The urlencoded fields of a request (each sent once)."""
        request = request or self.last_request
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        pairs = parse_qsl(request.content.decode(), keep_blank_values=True)
        fields = dict(pairs)
        assert len(fields) == len(pairs), f"a field was sent twice: {pairs}"
        return fields


def _tracking_receiver(sender: type, event: SmsTrackingEvent, provider: str, **kwargs: Any):
    """The signature sms_tracking receivers must accept (autospec'd below)."""


def _consent_receiver(
    sender: type, installation_id: int, phone: str, opted_in: bool, **kwargs: Any
):
    """The signature sms_consent_changed receivers must accept."""


class WebhookCase:
    @pytest.fixture(autouse=True)
    def signal_receivers(self) -> Any:
        self.tracking_receiver = mock.create_autospec(_tracking_receiver)
        self.consent_receiver = mock.create_autospec(_consent_receiver)
        sms_tracking.connect(self.tracking_receiver, weak=False, dispatch_uid="tests.tracking")
        sms_consent_changed.connect(self.consent_receiver, weak=False, dispatch_uid="tests.consent")
        yield
        sms_tracking.disconnect(dispatch_uid="tests.tracking")
        sms_consent_changed.disconnect(dispatch_uid="tests.consent")

    def tracked_events(self) -> list[SmsTrackingEvent]:
        return [call.kwargs["event"] for call in self.tracking_receiver.call_args_list]

    def consent_changes(self) -> list[tuple[str, bool]]:
        return [(c.kwargs["phone"], c.kwargs["opted_in"]) for c in self.consent_receiver.mock_calls]


class SignatureSuite(WebhookCase):
    """Subclasses set `webhook_url_name` and a valid sample, and implement sign()."""

    webhook_url_name = ""  # e.g. "sms:twilio-status"
    signature_header = ""  # the Django META name, e.g. "HTTP_X_TWILIO_SIGNATURE"

    def sample_params(self) -> dict[str, str]:
        raise NotImplementedError

    def sign(self, url: str, params: dict[str, str]) -> str:
        raise NotImplementedError

    @pytest.fixture
    def sms_config(self, db: Any, settings: Any) -> SmsConfig:
        settings.APP_BASE_URL = APP_BASE_URL
        installation = make_installation()
        return SmsConfig.objects.create(installation=installation)

    def path(self, config: SmsConfig, query: str = "") -> str:
        from django.urls import reverse

        path = reverse(self.webhook_url_name, args=[config.webhook_key])
        return f"{path}?{query}" if query else path

    def post(self, client: Any, path: str, params: dict[str, str], signature: str | None) -> Any:
        headers = {self.signature_header: signature} if signature is not None else {}
        return client.post(
            path,
            data=urlencode(params),
            content_type="application/x-www-form-urlencoded",
            **headers,
        )

    def test_a_valid_signature_is_accepted(self, client, sms_config):
        path, params = self.path(sms_config), self.sample_params()
        response = self.post(client, path, params, self.sign(APP_BASE_URL + path, params))
        assert response.status_code == 200
        assert self.tracking_receiver.call_count == 1

    def test_no_signature_is_refused(self, client, sms_config):
        response = self.post(client, self.path(sms_config), self.sample_params(), None)
        assert response.status_code == 400
        assert self.tracking_receiver.call_count == 0

    def test_a_wrong_signature_is_refused(self, client, sms_config):
        path, params = self.path(sms_config), self.sample_params()
        response = self.post(client, path, params, self.sign(APP_BASE_URL + path, {"x": "y"}))
        assert response.status_code == 400
        assert self.tracking_receiver.call_count == 0

    def test_changed_parameters_are_refused(self, client, sms_config):
        path, params = self.path(sms_config), self.sample_params()
        signature = self.sign(APP_BASE_URL + path, params)
        tampered = {**params, "To": "+15550000000"}
        assert self.post(client, path, tampered, signature).status_code == 400
        assert self.tracking_receiver.call_count == 0

    def test_the_signed_url_is_the_public_one_not_the_host_header(self, client, sms_config):
        path, params = self.path(sms_config), self.sample_params()
        # What Django sees behind a proxy: the test client's Host, plain http.
        signature = self.sign("http://testserver" + path, params)
        assert self.post(client, path, params, signature).status_code == 400

    def test_an_unknown_key_is_not_found(self, client, sms_config):
        path = self.path(sms_config).replace(sms_config.webhook_key, "not-a-key")
        params = self.sample_params()
        response = self.post(client, path, params, self.sign(APP_BASE_URL + path, params))
        assert response.status_code == 404
        assert self.tracking_receiver.call_count == 0


TEST_BACKEND = "saleor_automation.messaging.sms.backends.test.SmsBackend"


@pytest.fixture
def sms_outbox(settings: Any) -> Any:
    """The test backend in use, its outbox and script empty; yields the outbox list."""
    from saleor_automation.messaging.sms.backends import test as test_backend

    settings.MESSAGING = {**getattr(settings, "MESSAGING", {}), "SMS_BACKEND": TEST_BACKEND}
    test_backend.reset()
    yield test_backend.outbox
    test_backend.reset()
