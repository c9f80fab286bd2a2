"""Property-based abuse of the webhook receiver: whatever the headers and body, a clean
4xx (or 200 for a genuine signature), never a 5xx, and nothing stored unless the
signature is Saleor's. A genuinely signed body of any JSON shape is stored and then
processed or parked by the inbox, never crashing it, never writing half of itself."""

import json

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.contacts.models import Checkout, Contact, Order
from saleor_automation.saleor.event_types import WEBHOOKS
from saleor_automation.saleor.models import InboxEvent, InboxStatus, Installation
from tests.saleor_emulator.signing import SigningKey

pytestmark = pytest.mark.django_db

API_URL = "https://fuzz.example.com/graphql/"
KEY = SigningKey()
IDENTIFIERS = [webhook.identifier for webhook in WEBHOOKS]
EVENTS = sorted({event.lower() for webhook in WEBHOOKS for event in webhook.async_events})
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@pytest.fixture
def installation(db) -> Installation:
    # jwks_fetched_at = now and a long refetch interval: an unknown kid is refused at once
    # instead of the receiver fetching keys from a Saleor that does not exist.
    return Installation.objects.create(
        saleor_api_url=API_URL,
        app_id="QXBwOjE=",
        token="t" * 30,
        jwks=KEY.jwks(),
        jwks_fetched_at=timezone.now(),
    )


def _post(client: Client, identifier: str, body: bytes, headers: dict[str, str]):
    return client.post(
        f"/api/webhooks/{identifier}", body, content_type="application/json", headers=headers
    )


@FUZZ
@given(
    identifier=st.sampled_from(IDENTIFIERS) | header_text,
    event=st.sampled_from(EVENTS) | header_text,
    api_url=st.just(API_URL) | header_text,
    signature=header_text | st.just(KEY.sign(b"{}")),
    body=st.binary(max_size=2000) | json_values.map(lambda v: json.dumps(v).encode()),
)
def test_forged_or_broken_deliveries_get_a_4xx_and_store_nothing(
    installation, settings, identifier, event, api_url, signature, body
):
    settings.JWKS_REFETCH_MIN_INTERVAL = 3600
    if signature == KEY.sign(body):  # hypothesis found Saleor's own signature: not forged
        return
    before = InboxEvent.objects.count()
    response = _post(
        Client(),
        identifier.replace("/", "") or "x",
        body,
        {"Saleor-Api-Url": api_url, "Saleor-Event": event, "Saleor-Signature": signature},
    )
    status = response.status_code
    if status == 503:
        # A kid the app does not know, just after it refetched the keys: maybe a rotation
        # it cannot see yet, so Saleor is asked to retry rather than the event refused.
        assert response.json()["error"]["code"] == "SIGNATURE_NOT_VERIFIABLE_NOW"
    else:
        assert 400 <= status < 500, (status, response.content[:200])
    if identifier in IDENTIFIERS:  # other paths get Django's own 404 page
        assert response.json()["success"] is False
    assert InboxEvent.objects.count() == before


@FUZZ
@given(payload=json_values, identifier=st.sampled_from(IDENTIFIERS))
def test_a_genuine_delivery_of_any_shape_is_stored_then_processed_or_parked(
    installation, payload, identifier
):
    webhook = next(w for w in WEBHOOKS if w.identifier == identifier)
    event = webhook.async_events[0].lower()
    body = json.dumps(payload).encode()
    before = {model: model.objects.count() for model in (Contact, Checkout, Order)}
    response = _post(
        Client(),
        identifier,
        body,
        {"Saleor-Api-Url": API_URL, "Saleor-Event": event, "Saleor-Signature": KEY.sign(body)},
    )
    if not isinstance(payload, dict):
        assert response.status_code == 400
        assert not InboxEvent.objects.exists()
        return
    assert response.status_code == 200, response.content
    row = InboxEvent.objects.get()
    inbox_process_due()  # must not raise, whatever the body holds
    row.refresh_from_db()
    if row.status == InboxStatus.PENDING:  # failed: kept with its error, to retry later
        assert row.last_error and row.attempts == 1
    else:
        assert row.status in {InboxStatus.PROCESSED, InboxStatus.IGNORED, InboxStatus.PARKED}
    if row.status in {InboxStatus.PENDING, InboxStatus.PARKED}:
        # A failed row wrote nothing: its savepoint rolled back whatever it had begun.
        assert {model: model.objects.count() for model in before} == before
    InboxEvent.objects.all().delete()
