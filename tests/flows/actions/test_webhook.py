"""call_webhook end to end: the engine records the effect, effect_run POSTs to a loopback
server (the AppStub), signed and keyed; plus the URL checks that keep it off private hosts."""

import hashlib
import hmac
import ipaddress
import json

import pytest
from django.db import connection

from saleor_automation.flows.actions import webhook
from saleor_automation.flows.actions.models import EffectRetry
from saleor_automation.flows.actions.webhook import webhook_secret_get
from saleor_automation.flows.effects import (
    GRACE,
    MAX_ATTEMPTS,
    effect_run,
    effects_sweep,
    retry_delay,
)
from saleor_automation.flows.models import Effect, EffectStatus
from saleor_automation.saleor.exceptions import UnsafeUrl
from saleor_automation.saleor.url_safety import check_public_url, public_url_addresses
from tests.flows.db_fixtures import make_installation
from tests.saleor_emulator import StubResponse

from .conftest import action_flow, enroll, make_contact

HOOK = "/hooks/automation"


@pytest.fixture
def installation(db, settings):
    settings.ALLOW_PRIVATE_SALEOR_URLS = True  # the receiver is on loopback
    return make_installation()


@pytest.fixture
def contact(installation):
    return make_contact(installation, "ana@example.com", saleor_user_id="VXNlcjo0Mg==")


def webhook_flow(installation, url: str):
    return action_flow(installation, "call_webhook", url=url)


def test_the_receiver_gets_a_signed_body_and_the_effects_key(app_stub, installation, contact, now):
    url = app_stub.route(HOOK, StubResponse(status=204, body=b""))
    enrollment, effect = enroll(webhook_flow(installation, url), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.DONE

    [request] = app_stub.requests_to(HOOK)
    assert request.method == "POST"
    assert request.header("Content-Type") == "application/json"
    assert request.header("Idempotency-Key") == str(effect.idempotency_key)
    secret = webhook_secret_get(installation)
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.header("X-Automation-Signature") == f"sha256={expected}"
    assert request.json() == {
        "event": "flow.action",
        "flow_id": enrollment.flow_id,
        "node_id": "a1",
        "enrollment_id": enrollment.pk,
        "saleor_api_url": installation.saleor_api_url,
        "contact": {"id": contact.pk, "email": "ana@example.com", "saleor_user_id": "VXNlcjo0Mg=="},
        "context": {},
    }


def test_a_host_name_is_called_at_the_checked_address_under_its_own_name(
    app_stub, installation, contact, now
):
    url = app_stub.route(HOOK, StubResponse()).replace("127.0.0.1", "localhost")
    _, effect = enroll(webhook_flow(installation, url), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.DONE

    [request] = app_stub.requests_to(HOOK)
    assert request.header("Host") == f"localhost:{app_stub.server_address[1]}"


def test_the_next_checked_address_is_tried_when_one_refuses_connections(
    app_stub, installation, contact, now, monkeypatch
):
    # The stub listens on 127.0.0.1 only: 127.0.0.2 refuses the connection.
    addresses = [ipaddress.ip_address("127.0.0.2"), ipaddress.ip_address("127.0.0.1")]
    monkeypatch.setattr(webhook, "public_url_addresses", lambda url: addresses)
    url = app_stub.route(HOOK, StubResponse()).replace("127.0.0.1", "hooks.example.com")
    _, effect = enroll(webhook_flow(installation, url), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.DONE

    [request] = app_stub.requests_to(HOOK)
    assert request.header("Host") == f"hooks.example.com:{app_stub.server_address[1]}"


def test_a_private_target_is_refused_unless_allowed(app_stub, installation, contact, now, settings):
    settings.ALLOW_PRIVATE_SALEOR_URLS = False
    url = app_stub.route(HOOK, StubResponse())
    _, effect = enroll(webhook_flow(installation, url), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.FAILED

    assert Effect.objects.get().error == (
        "refused to call the webhook: "
        "the URL's host resolves to a loopback, private or link-local address"
    )
    assert app_stub.requests == []


def test_a_5xx_is_retried_after_a_backoff_with_the_same_key_and_signature(
    app_stub, installation, contact, now
):
    answers = iter([StubResponse(status=503), StubResponse(status=200)])
    url = app_stub.route(HOOK, lambda request: next(answers))
    _, effect = enroll(webhook_flow(installation, url), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.PENDING
    assert Effect.objects.get().error == "the webhook answered HTTP 503"
    due = now + retry_delay(1)
    assert effect_run(effect.pk, now=due - retry_delay(1) / 2) == EffectStatus.PENDING  # early
    assert effects_sweep(now=due + GRACE) == [effect.pk]
    assert effect_run(effect.pk, now=due) == EffectStatus.DONE

    first, second = app_stub.requests_to(HOOK)
    assert first.body == second.body
    for name in ("Idempotency-Key", "X-Automation-Signature"):
        assert first.header(name) == second.header(name)
    assert EffectRetry.objects.get().attempts == 1


def test_retrying_stops_after_max_attempts(app_stub, installation, contact, now):
    url = app_stub.route(HOOK, StubResponse(status=500))
    _, effect = enroll(webhook_flow(installation, url), contact, now)

    moment = now
    for attempt in range(1, MAX_ATTEMPTS):
        assert effect_run(effect.pk, now=moment) == EffectStatus.PENDING
        moment += retry_delay(attempt)
    assert effect_run(effect.pk, now=moment) == EffectStatus.FAILED

    assert len(app_stub.requests_to(HOOK)) == MAX_ATTEMPTS
    assert Effect.objects.get().error == (
        f"the webhook answered HTTP 500 (gave up after {MAX_ATTEMPTS} attempts)"
    )


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (StubResponse(status=410), "the webhook answered HTTP 410"),
        (
            StubResponse(status=302, headers=(("Location", "http://169.254.169.254/"),)),
            "the webhook answered a redirect (HTTP 302), not followed",
        ),
    ],
)
def test_a_4xx_or_a_redirect_fails_at_once(app_stub, installation, contact, now, response, error):
    url = app_stub.route(HOOK, response)
    _, effect = enroll(webhook_flow(installation, url), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.FAILED

    assert Effect.objects.get().error == error
    assert len(app_stub.requests) == 1


def test_an_unreachable_receiver_is_retried(installation, contact, now):
    _, effect = enroll(webhook_flow(installation, "http://127.0.0.1:9/hook"), contact, now)

    assert effect_run(effect.pk, now=now) == EffectStatus.PENDING
    assert Effect.objects.get().error == "the webhook could not be reached"


def test_the_secret_is_made_once_and_stored_encrypted(installation):
    secret = webhook_secret_get(installation)

    assert len(secret) == 64 and webhook_secret_get(installation) == secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_secret FROM saleor_automation_actionsecret")
        (stored,) = cursor.fetchone()
    assert secret not in stored


def test_the_body_is_compact_json(app_stub, installation, contact, now):
    url = app_stub.route(HOOK, StubResponse())
    _, effect = enroll(webhook_flow(installation, url), contact, now)
    effect_run(effect.pk, now=now)

    [request] = app_stub.requests_to(HOOK)
    body = request.json()
    assert request.body == json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://100.64.0.1/hook",  # carrier-grade NAT
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
        "http://[fe80::1]/hook",
        "http://224.0.0.1/hook",  # multicast
        "http://0.0.0.0/hook",
        "ftp://93.184.216.34/hook",
        "http:///hook",
        "http://93.184.216.34:99999/hook",
    ],
)
def test_private_and_malformed_urls_are_refused(settings, url):
    settings.ALLOW_PRIVATE_SALEOR_URLS = False
    with pytest.raises(UnsafeUrl):
        check_public_url(url)


def test_a_public_address_passes_and_loopback_passes_when_allowed(settings):
    settings.ALLOW_PRIVATE_SALEOR_URLS = False
    assert public_url_addresses("https://93.184.216.34/hook") == [
        ipaddress.ip_address("93.184.216.34")
    ]
    settings.ALLOW_PRIVATE_SALEOR_URLS = True
    check_public_url("http://127.0.0.1:8000/hook")
