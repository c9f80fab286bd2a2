"""messaging/unsubscribe: the List-Unsubscribe headers, RFC 8058 one-click, the confirmation
page and the preferences page, through Django's real test client (no cookies, no CSRF)."""

import pytest
from django.test import Client

from saleor_automation.messaging.models import MessageEvent, MessageStatus
from saleor_automation.messaging.signals import suppression_changed
from saleor_automation.messaging.suppression import (
    is_suppressed,
    suppression_add,
    suppression_reasons,
)
from saleor_automation.messaging.suppression_models import Suppression
from saleor_automation.messaging.unsubscribe import (
    list_unsubscribe_headers,
    preferences_url,
    unsubscribe_url,
)
from saleor_automation.messaging.unsubscribe.tokens import (
    InvalidToken,
    unsubscribe_token,
    unsubscribe_token_read,
)
from tests.flows.db_fixtures import contact, installation

from .sent_messages import sent_message

__all__ = ["contact", "installation"]  # fixtures used by name

BASE = "https://automation.example.com"
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.APP_BASE_URL = BASE


@pytest.fixture
def client() -> Client:
    # enforce_csrf_checks: a one-click POST carries no CSRF token and must still work.
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def message(contact):
    return sent_message(contact)


def path_of(url: str) -> str:
    assert url.startswith(BASE + "/")
    return url[len(BASE) :]


def one_click(client: Client, url: str):
    return client.post(
        path_of(url), data=ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )


def test_headers_name_the_https_url_and_one_click(message):
    headers = list_unsubscribe_headers(message)
    assert headers == {
        "List-Unsubscribe": f"<{unsubscribe_url(message)}>",
        "List-Unsubscribe-Post": ONE_CLICK,
    }
    assert unsubscribe_url(message).startswith(f"{BASE}/u/")
    assert preferences_url(message).startswith(f"{BASE}/p/")


def test_a_mailto_is_added_when_configured(message, settings):
    settings.UNSUBSCRIBE_MAILTO = "unsubscribe@shop.example.com"
    value = list_unsubscribe_headers(message)["List-Unsubscribe"]
    first, second = value.split(", ")
    assert first == f"<{unsubscribe_url(message)}>"
    assert second.startswith("<mailto:unsubscribe@shop.example.com?subject=unsubscribe%20")


def test_one_click_post_unsubscribes_once(client, message, contact):
    seen = []
    suppression_changed.connect(
        lambda sender, **kw: seen.append(kw), weak=False, dispatch_uid="t.uns"
    )
    try:
        response = one_click(client, unsubscribe_url(message))
        again = one_click(client, unsubscribe_url(message))
    finally:
        suppression_changed.disconnect(dispatch_uid="t.uns")
    assert (response.status_code, again.status_code) == (200, 200)
    assert not response.cookies
    assert is_suppressed(contact.installation_id, "email", contact.email)
    assert Suppression.objects.get().source == "one_click"
    assert [(s["contact_id"], s["suppressed"], s["reason"]) for s in seen] == [
        (contact.pk, True, "unsubscribed")
    ]
    # The message gets one "unsubscribed" event, and the unsubscribe proves delivery.
    assert list(MessageEvent.objects.values_list("kind", flat=True)) == ["unsubscribed"]
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_get_shows_a_confirmation_and_changes_nothing(client, message, contact):
    response = client.get(path_of(unsubscribe_url(message)))
    assert response.status_code == 200
    assert b"Unsubscribe?" in response.content
    assert b'method="post"' in response.content
    assert contact.email.encode() not in response.content  # masked
    assert not Suppression.objects.exists()
    assert not MessageEvent.objects.exists()


def test_the_confirmation_button_unsubscribes(client, message, contact):
    response = client.post(path_of(unsubscribe_url(message)), {"confirm": "yes"})
    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    assert Suppression.objects.get().source == "unsubscribe_page"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_altered_token_is_refused(client, message, contact, method):
    token = unsubscribe_token(message)
    signature = token.rpartition(":")[2]
    tampered = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
        "W1siMSIsMiwiZW1haWwiLCJ4Il1d:" + signature,  # payload swapped
        "not-a-token",
    ]
    for bad in tampered:
        response = getattr(client, method)(f"/u/{bad}")
        assert response.status_code == 400, bad
        response = getattr(client, method)(f"/p/{bad}")
        assert response.status_code == 400, bad
    assert not Suppression.objects.exists()


def test_a_token_is_bound_to_its_message_address(message):
    token = unsubscribe_token(message)
    message.to_address = "someone.else@example.com"
    message.save()
    with pytest.raises(InvalidToken):
        unsubscribe_token_read(token)


def test_a_token_has_no_expiry(message, time_machine):
    token = unsubscribe_token(message)
    time_machine.move_to("2036-01-01T00:00:00Z")
    assert unsubscribe_token_read(token).message == message


def test_preferences_page_unsubscribes_and_resubscribes_per_channel(client, message, contact):
    sent_message(contact, channel="sms", to_address="+33 6 12 34 56 78")
    path = path_of(preferences_url(message))
    page = client.get(path)
    assert page.status_code == 200
    assert b"marketing_email" in page.content and b"marketing_sms" in page.content

    # Email off, SMS on.
    response = client.post(path, {"action": "save", "marketing_sms": "on"})
    assert response.status_code == 200
    assert is_suppressed(contact.installation_id, "email", contact.email)
    assert not is_suppressed(contact.installation_id, "sms", "+33612345678")

    # Back on for email.
    client.post(path, {"action": "save", "marketing_email": "on", "marketing_sms": "on"})
    assert not is_suppressed(contact.installation_id, "email", contact.email)

    # Everything off.
    client.post(path, {"action": "unsubscribe_all", "marketing_email": "on"})
    assert is_suppressed(contact.installation_id, "email", contact.email)
    assert is_suppressed(contact.installation_id, "sms", "+33612345678")


def test_preferences_leave_a_hard_bounce_and_an_sms_stop_alone(client, message, contact):
    sent_message(contact, channel="sms", to_address="+33612345678")
    suppression_add(contact.installation_id, "email", contact.email, "hard_bounce")
    suppression_add(contact.installation_id, "sms", "+33612345678", "sms_stop")
    path = path_of(preferences_url(message))
    client.post(path, {"action": "save", "marketing_email": "on", "marketing_sms": "on"})
    assert suppression_reasons(contact.installation_id, "email", contact.email) == {"hard_bounce"}
    assert suppression_reasons(contact.installation_id, "sms", "+33612345678") == {"sms_stop"}
    assert b"reply START" in client.get(path).content


def test_a_token_survives_a_secret_key_rotation(message, settings):
    token = unsubscribe_token(message)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-brand-new-secret-key-0123456789-abcdefghijklmnop"
    with pytest.raises(InvalidToken):
        unsubscribe_token_read(token)
    settings.SECRET_KEY_FALLBACKS = [old]
    assert unsubscribe_token_read(token).message == message
