"""messaging/confirm: the double opt-in link, its page (GET shows, POST confirms) and the
{% confirm_button %} block, through Django's real test client (no cookies, no CSRF)."""

import logging

import pytest
from django.test import Client

from saleor_automation.messaging.compose import message_compose
from saleor_automation.messaging.confirm import confirm_url
from saleor_automation.messaging.confirm.models import ConsentConfirmation
from saleor_automation.messaging.confirm.tokens import confirm_token
from saleor_automation.messaging.rendering import message_validate
from saleor_automation.messaging.rendering.render import email_render
from saleor_automation.messaging.rendering.validate import (
    SAMPLE_LINKS,
    SAMPLE_STORE,
    sample_render_context,
)
from saleor_automation.messaging.signals import consent_confirmed
from saleor_automation.messaging.unsubscribe.tokens import unsubscribe_token
from tests.flows.db_fixtures import contact, installation

from .sent_messages import queued_email, sent_message

__all__ = ["contact", "installation"]  # fixtures used by name

BASE = "https://automation.example.com"
SECTION = "<mj-section><mj-column><mj-text>Please confirm</mj-text></mj-column></mj-section>"


def content(block: str) -> dict:
    variant = {"subject": "Confirm", "mjml": SECTION + block}
    return {"default_language": "en", "variants": {"en": variant}}


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.APP_BASE_URL = BASE


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def message(contact):
    return sent_message(contact, marketing=False)


@pytest.fixture
def signals():
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    consent_confirmed.connect(listener, dispatch_uid="test.confirm")
    yield received
    consent_confirmed.disconnect(dispatch_uid="test.confirm")


def path(message) -> str:
    url = confirm_url(message)
    assert url.startswith(f"{BASE}/confirm/")
    return url[len(BASE) :]


def test_get_shows_the_button_and_changes_nothing(client, message, contact, signals):
    response = client.get(path(message))
    assert response.status_code == 200
    assert b"Confirm my subscription" in response.content
    assert b'method="post"' in response.content
    assert response["Cache-Control"].startswith("max-age=0")
    assert not ConsentConfirmation.objects.exists() and signals == []
    contact.refresh_from_db()
    assert contact.marketing_consent is True  # the fixture's, untouched


def test_post_confirms_once(client, message, contact, signals, caplog):
    contact.marketing_consent = None
    contact.save()
    caplog.set_level(logging.DEBUG)

    first = client.post(path(message))
    second = client.post(path(message))

    assert first.status_code == second.status_code == 200
    assert b"is confirmed" in first.content and b"is confirmed" in second.content
    confirmation = ConsentConfirmation.objects.get()
    assert (confirmation.message_id, confirmation.contact_id) == (message.pk, contact.pk)
    assert confirmation.source == "double_opt_in"
    assert len(signals) == 1
    assert signals[0]["contact_id"] == contact.pk
    assert signals[0]["installation_id"] == contact.installation_id
    contact.refresh_from_db()
    assert contact.marketing_consent is True
    assert contact.consent_confirmed_at == confirmation.confirmed_at
    assert contact.email not in caplog.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_other_token_is_refused(client, message, method):
    token = confirm_token(message)
    bad_tokens = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
        "not-a-token",
        unsubscribe_token(message),  # another kind of link for the same message
    ]
    for bad in bad_tokens:
        response = getattr(client, method)(f"/confirm/{bad}")
        assert response.status_code == 400, bad
    assert not ConsentConfirmation.objects.exists()


def test_a_token_is_bound_to_its_message_address(client, message):
    token = confirm_token(message)
    message.to_address = "someone.else@example.com"
    message.save()
    assert client.post(f"/confirm/{token}").status_code == 400
    assert not ConsentConfirmation.objects.exists()


def test_the_block_renders_the_link_of_a_transactional_message(contact):
    message = queued_email(contact, content=content("{% confirm_button %}"), marketing=False)
    message_compose(message)
    assert f'href="{confirm_url(message)}"' in message.body_html
    assert "Confirm my subscription" in message.body_html
    assert "/u/" not in message.body_html  # transactional: no unsubscribe footer link


def test_the_block_takes_a_label_and_needs_a_link():
    block = content("{% confirm_button label='Abonnement bestätigen' %}")
    rendered = email_render(block, sample_render_context(), store=SAMPLE_STORE, links=SAMPLE_LINKS)
    assert "Abonnement bestätigen" in rendered.html
    assert SAMPLE_LINKS.confirm_url in rendered.html
    # Without a link (a preview of a message that has none) the block is left out.
    bare = email_render(block, sample_render_context(), store=SAMPLE_STORE)
    assert "Abonnement bestätigen" not in bare.html


def test_validation_knows_the_block():
    assert message_validate(content("{% confirm_button %}")) == []
    inside = {
        "default_language": "en",
        "variants": {
            "en": {
                "subject": "Confirm",
                "mjml": "<mj-section><mj-column>{% confirm_button %}</mj-column></mj-section>",
            }
        },
    }
    assert message_validate(inside) != []  # a block is a whole section: not inside one
    good = SECTION.replace("Please confirm", "{{ confirm_url }}")
    assert message_validate(content(good)) == []
