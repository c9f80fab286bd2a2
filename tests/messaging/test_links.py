"""messaging/links.py and the `r/<token>` redirect: signature, expiry, clicks recorded."""

from datetime import timedelta

import pytest
from django.core import signing

from saleor_automation.messaging import links
from saleor_automation.messaging.links import tracked_url
from saleor_automation.messaging.models import MessageEvent, MessageStatus
from saleor_automation.messaging.signals import message_event_recorded
from tests.flows.db_fixtures import contact, installation

from .sent_messages import sent_message

__all__ = ["contact", "installation"]  # fixtures used by name

BASE = "https://automation.example.com"
TARGET = "https://shop.example.com/checkout/?token=secret-checkout-id"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.APP_BASE_URL = BASE


@pytest.fixture
def message(contact):
    return sent_message(contact)


def path_of(url: str) -> str:
    assert url.startswith(f"{BASE}/r/")
    return url[len(BASE) :]


def test_the_redirect_records_a_click_and_goes_to_the_target(client, message):
    recorded = []
    message_event_recorded.connect(
        lambda sender, **kw: recorded.append(kw["event"].kind), weak=False, dispatch_uid="t.l"
    )
    try:
        response = client.get(path_of(tracked_url(message, TARGET)))
    finally:
        message_event_recorded.disconnect(dispatch_uid="t.l")
    assert response.status_code == 302
    assert response["Location"] == TARGET
    assert response["Referrer-Policy"] == "no-referrer"
    event = MessageEvent.objects.get()
    assert (event.kind, event.data["url"]) == ("clicked", TARGET)
    assert recorded == ["clicked"]
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED


def test_the_secret_is_never_in_a_url_the_app_did_not_sign(message):
    url = tracked_url(message, TARGET)
    assert "secret-checkout-id" not in url  # compressed inside the signed token


def test_a_burst_counts_once_and_later_clicks_count_again(client, message, time_machine):
    time_machine.move_to("2026-06-15T12:00:00Z", tick=False)
    path = path_of(tracked_url(message, TARGET))
    client.get(path)
    client.get(path)
    assert MessageEvent.objects.count() == 1
    time_machine.shift(links.CLICK_BURST + timedelta(seconds=1))
    client.get(path)
    other = path_of(tracked_url(message, "https://shop.example.com/other"))
    client.get(other)
    assert MessageEvent.objects.count() == 3


def test_head_redirects_without_counting(client, message):
    response = client.head(path_of(tracked_url(message, TARGET)))
    assert response.status_code == 302
    assert not MessageEvent.objects.exists()


def test_an_expired_link_leads_to_the_store_home_not_the_target(client, message, time_machine):
    time_machine.move_to("2026-06-15T12:00:00Z", tick=False)
    path = path_of(tracked_url(message, TARGET, expires_in=timedelta(hours=2)))
    time_machine.shift(timedelta(hours=2, seconds=1))
    response = client.get(path)
    assert response.status_code == 410
    assert b'href="https://shop.example.com/"' in response.content
    assert b"secret-checkout-id" not in response.content
    assert not MessageEvent.objects.exists()


def test_the_default_expiry_comes_from_settings(client, message, settings, time_machine):
    settings.TRACKED_LINK_MAX_AGE_DAYS = 3
    time_machine.move_to("2026-06-15T12:00:00Z", tick=False)
    path = path_of(tracked_url(message, TARGET))
    time_machine.shift(timedelta(days=2))
    assert client.get(path).status_code == 302
    time_machine.shift(timedelta(days=1, seconds=1))
    assert client.get(path).status_code == 410


def test_a_forged_or_altered_token_is_refused(client, message):
    token = path_of(tracked_url(message, TARGET))[len("/r/") :]
    forged = signing.dumps([message.pk, "https://evil.example.com/", 9999999999], salt="x")
    for bad in [token[:-2] + "xx", forged, "nonsense"]:
        response = client.get(f"/r/{bad}")
        assert response.status_code == 400
        assert "Location" not in response
    assert not MessageEvent.objects.exists()


@pytest.mark.parametrize(
    "target", ["javascript:alert(1)", "ftp://shop.example.com/", "/relative", "https://"]
)
def test_only_absolute_http_targets_are_tracked(message, target):
    with pytest.raises(ValueError):
        tracked_url(message, target)


def test_a_click_of_an_erased_message_still_redirects(client, message):
    path = path_of(tracked_url(message, TARGET))
    message.delete()
    response = client.get(path)
    assert response.status_code == 302
    assert not MessageEvent.objects.exists()


def test_a_product_link_records_the_product_with_the_click(client, message):
    url = tracked_url(message, "https://shop.example.com/p/stove", product_id="UHJvZHVjdDo3")
    assert links.tracked_link_read(path_of(url)[3:]).product_id == "UHJvZHVjdDo3"

    assert client.get(path_of(url)).status_code == 302

    event = MessageEvent.objects.get()
    assert event.data == {
        "url": "https://shop.example.com/p/stove",
        "source": "redirect",
        "product_id": "UHJvZHVjdDo3",
    }


def test_a_link_signed_before_product_ids_existed_still_works(client, message):
    # The token of links in mail sent earlier: [message id, url, expiry], no product.
    expires = int(message.created_at.timestamp()) + 3600 * 24 * 365 * 10
    token = signing.dumps([message.pk, TARGET, expires], salt=links.SALT, compress=True)
    assert links.tracked_link_read(token).product_id == ""

    assert client.get(f"/r/{token}").status_code == 302
    assert MessageEvent.objects.get().data == {"url": TARGET, "source": "redirect"}
