"""Recommendations in a flow's email (flows/recommending.py) on a known order history, end to
end: orders reach the app as webhooks from the Saleor emulator, the email picks products
bought together with the enrollment's order, Saleor supplies their cards (name, image, price
in the channel) and the cards are cached."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from saleor_automation.contacts.models import Contact
from saleor_automation.flows.recommending import recommendations_limit
from saleor_automation.flows.triggers.common import order_context
from saleor_automation.messaging.links import tracked_link_read
from saleor_automation.messaging.models import MessageEvent, MessageEventKind, MessageStatus
from saleor_automation.messaging.sender import email_settings_update
from saleor_automation.messaging.services import message_send

from .live_shop import (
    deliver,
    email_flow,
    fresh_cache,
    mirrored_order,
    outbox_by_hand,
    queue_email,
    shopper,
    storefront,
)

__all__ = ["fresh_cache", "outbox_by_hand", "storefront"]  # fixtures used by name

pytestmark = pytest.mark.django_db(transaction=True)

PICKS = '{% recommendations title="Goes well with your tent" limit=4 %}'
PRICES = {"Tent": 200.0, "Stove": 45.5, "Lamp": 25.0, "Mug": 8.0, "Kettle": 30.0}
PRICES |= {"Boots": 120.0, "Hat": 15.0}
CATEGORIES = {"Tent": "Camping", "Stove": "Camping", "Lamp": "Camping", "Mug": "Kitchen"}
CATEGORIES |= {"Kettle": "Kitchen", "Boots": "Shoes", "Hat": "Shoes"}


@pytest.fixture
def products(saleor_emulator) -> dict[str, dict]:
    return {
        name: saleor_emulator.product(name, price=price, category=CATEGORIES[name])
        for name, price in PRICES.items()
    }


@pytest.fixture
def history(saleor_emulator, storefront, products, fresh_cache) -> dict[str, dict]:
    """Other shoppers' orders; Ana bought a mug before, and a tent now (her latest order).

    For the tent: Stove (2 orders) and Lamp (1) were bought with it; nothing else of its
    category is left; then the channel's bestsellers: Kettle (2), then Boots and Hat (1).
    Mug sells best of all, but Ana has one.
    """
    p = products
    for lines in [
        [p["Tent"], p["Stove"]],
        [p["Tent"], p["Stove"]],
        [p["Tent"], p["Lamp"]],
        [p["Mug"]],
        [p["Mug"]],
        [p["Mug"]],
        [p["Kettle"]],
        [p["Kettle"]],
        [p["Boots"]],
        [p["Hat"]],
    ]:
        deliver(saleor_emulator, "ORDER_CREATED", saleor_emulator.order(None, lines))
    ana = shopper(saleor_emulator, "ana@example.com", "Ana")
    deliver(saleor_emulator, "ORDER_CREATED", saleor_emulator.order(ana, [p["Mug"]]))
    tent_order = saleor_emulator.order(ana, [p["Tent"]])
    deliver(saleor_emulator, "ORDER_CREATED", tent_order)
    return {"ana": ana, "tent_order": tent_order}


def card_requests(saleor_emulator) -> list[dict]:
    requests = saleor_emulator.requests
    return [r.variables for r in requests if r.operation_name == "ProductRecommendations"]


def tracked_targets(html: str) -> list[tuple[str, str]]:
    """(target URL, product id) of each tracked link in `html`, in order, without repeats."""
    found = []
    for chunk in html.split("/r/")[1:]:
        link = tracked_link_read(chunk.split('"', 1)[0])
        if (link.url, link.product_id) not in found:
            found.append((link.url, link.product_id))
    return found


def send_picks(storefront, history, now, key="k1"):
    order = mirrored_order(storefront, history["tent_order"])
    message = queue_email(
        email_flow(storefront, PICKS), order.contact, order_context(order), now, key=key
    )
    assert message_send(message.pk, now=now) == MessageStatus.SENT
    message.refresh_from_db()
    return message


def test_an_order_email_shows_products_bought_with_it_that_the_channel_sells_now(
    saleor_emulator, storefront, products, history, outbox_by_hand
):
    saleor_emulator.set_stock(products["Lamp"], 0)  # co-purchased, but sold out now
    now = timezone.now()

    message = send_picks(storefront, history, now)

    html = message.body_html
    assert "Goes well with your tent" in html
    assert "Stove" in html and "$45.50" in html
    assert "Kettle" in html and "$30.00" in html
    assert "Boots" in html and "Hat" in html
    # Sold out; already bought; the order's own product.
    assert "Lamp" not in html and "Mug" not in html and ">Tent</a>" not in html
    assert html.index("Stove") < html.index("Kettle") < min(html.index("Boots"), html.index("Hat"))
    assert 'src="https://media.example.com/thumbnails/stove.webp"' in html
    links = tracked_targets(html)
    ids = {name: products[name]["id"] for name in PRICES}
    assert links[:2] == [
        ("https://shop.example.com/default-channel/products/stove", ids["Stove"]),
        ("https://shop.example.com/default-channel/products/kettle", ids["Kettle"]),
    ]
    assert {product for _, product in links[2:]} == {ids["Boots"], ids["Hat"]}
    assert len(mail.outbox) == 1
    # One request for the ranked candidates, in the order's channel.
    (request,) = card_requests(saleor_emulator)
    assert request["channel"] == "default-channel"
    assert set(request["ids"]) == {ids[n] for n in ("Stove", "Lamp", "Kettle", "Boots", "Hat")}
    assert request["first"] == len(request["ids"])


def test_a_second_email_is_served_from_the_cache_without_asking_saleor(
    saleor_emulator, storefront, products, history, outbox_by_hand
):
    saleor_emulator.set_stock(products["Lamp"], 0)
    now = timezone.now()
    first = send_picks(storefront, history, now, key="k1")
    assert len(card_requests(saleor_emulator)) == 1

    second = send_picks(storefront, history, now, key="k2")

    assert len(card_requests(saleor_emulator)) == 1  # unavailable Lamp was cached too
    assert "Lamp" not in second.body_html
    assert [url for url, _ in tracked_targets(second.body_html)] == [
        url for url, _ in tracked_targets(first.body_html)
    ]


def test_a_click_on_a_recommendation_records_the_product(
    saleor_emulator, storefront, products, history, outbox_by_hand
):
    message = send_picks(storefront, history, timezone.now())
    token = message.body_html.split("/r/", 1)[1].split('"', 1)[0]

    response = Client().get(f"/r/{token}")

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/default-channel/products/stove"
    event = MessageEvent.objects.get(message=message, kind=MessageEventKind.CLICKED)
    assert event.data == {
        "url": "https://shop.example.com/default-channel/products/stove",
        "source": "redirect",
        "product_id": products["Stove"]["id"],
    }


def test_without_a_product_url_the_cards_show_without_links(
    saleor_emulator, storefront, products, history, outbox_by_hand
):
    email_settings_update(installation=storefront, product_url="")

    message = send_picks(storefront, history, timezone.now())

    assert "Stove" in message.body_html and "$45.50" in message.body_html
    assert tracked_targets(message.body_html) == []


def test_a_new_customer_gets_the_bestsellers_of_the_store_channel(
    saleor_emulator, storefront, products, history, outbox_by_hand
):
    shopper(saleor_emulator, "bo@example.com", "Bo")
    bo = Contact.objects.get(installation=storefront, email="bo@example.com")
    now = timezone.now()
    message = queue_email(email_flow(storefront, PICKS), bo, {}, now)

    assert message_send(message.pk, now=now) == MessageStatus.SENT

    message.refresh_from_db()
    html = message.body_html
    # Mug (3 orders), Tent (3), Kettle and Stove (2): ties by product id, so as a set.
    shown = {name for name in PRICES if f">{name}</a>" in html}
    assert shown == {"Mug", "Tent", "Kettle", "Stove"}


def test_saleor_down_defers_the_email_until_the_cards_can_be_read(
    saleor_emulator, storefront, history, outbox_by_hand, time_machine
):
    order = mirrored_order(storefront, history["tent_order"])
    now = timezone.now()
    message = queue_email(email_flow(storefront, PICKS), order.contact, order_context(order), now)

    with saleor_emulator.outage(503):
        assert message_send(message.pk, now=now) == MessageStatus.QUEUED
    assert mail.outbox == []

    message.refresh_from_db()
    time_machine.move_to(message.retry_at, tick=False)
    assert message_send(message.pk, now=message.retry_at) == MessageStatus.SENT
    message.refresh_from_db()
    assert "Stove" in message.body_html


@pytest.mark.parametrize(
    ("content", "limit"),
    [
        ({"subject": "x", "mjml": "no block here"}, 0),
        ({"subject": "x", "mjml": "{% recommendations %}"}, 4),
        ({"subject": "x", "mjml": '{% recommendations title="A" limit=2 %}'}, 2),
        ({"subject": "x", "mjml": "{%recommendations limit=40%}"}, 12),
        (
            {
                "default_language": "en",
                "variants": {
                    "en": {"subject": "x", "mjml": "{% recommendations limit=3 %}"},
                    "de": {"subject": "x", "mjml": "{% recommendations limit=6 %}"},
                },
            },
            6,
        ),
        ({"text": "our recommendations: none"}, 0),
    ],
)
def test_recommendations_limit_reads_the_blocks_of_the_content(content, limit):
    assert recommendations_limit(content) == limit
