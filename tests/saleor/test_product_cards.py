"""Product cards (saleor/product_cards.py) read from the Saleor emulator over HTTP: only what a
channel sells now, in batches Saleor accepts, cached per installation, channel and product."""

import os
from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from saleor_automation.saleor.exceptions import SaleorTransportError
from saleor_automation.saleor.models import Installation
from saleor_automation.saleor.product_cards import BATCH, ProductCard, cache_key, product_cards
from saleor_automation.saleor.reachability import UNREACHABLE_FOR
from saleor_automation.settings import cache_backend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def connect(saleor_emulator, saleor_app_factory, api_url: str) -> Installation:
    """An installation of a freshly installed app (its own token) reaching Saleor there."""
    app = saleor_app_factory("https://app.example.com")
    return Installation.objects.create(saleor_api_url=api_url, app_id=app.id, token=app.token)


@pytest.fixture
def shop(saleor_emulator, saleor_app_factory) -> Installation:
    return connect(saleor_emulator, saleor_app_factory, saleor_emulator.api_url)


def requests(saleor_emulator) -> list[dict]:
    return [
        r.variables
        for r in saleor_emulator.requests
        if r.operation_name == "ProductRecommendations"
    ]


def test_a_card_has_the_name_image_slug_and_price_in_the_channel(saleor_emulator, shop):
    stove = saleor_emulator.product("Camping Stove", price=45.5)

    cards = product_cards(shop, channel="default-channel", product_ids=[stove["id"]])

    assert cards == {
        stove["id"]: ProductCard(
            id=stove["id"],
            name="Camping Stove",
            slug="camping-stove",
            image="https://media.example.com/thumbnails/camping-stove.webp",
            image_alt="Camping Stove",
            price="45.5",
            currency="USD",
            on_sale=False,
            undiscounted_price="",
        )
    }
    assert Decimal(cards[stove["id"]].price) == Decimal("45.50")
    (request,) = requests(saleor_emulator)
    assert request == {"channel": "default-channel", "ids": [stove["id"]], "first": 1}


def test_only_products_the_channel_sells_now_come_back(saleor_emulator, shop):
    sold = saleor_emulator.product("Kettle", price=30.0)
    sold_out = saleor_emulator.product("Lamp")
    saleor_emulator.set_stock(sold_out, 0)
    elsewhere = saleor_emulator.product("Parka", channels=["winter"], currency="EUR")
    unavailable = saleor_emulator.product("Prototype")
    hidden = saleor_emulator.product("Staff Gift")
    with saleor_emulator.lock:
        unavailable["isAvailable"] = False
        hidden["channelListings"][0]["visibleInListings"] = False
    ids = [p["id"] for p in (sold, sold_out, elsewhere, unavailable, hidden)]

    cards = product_cards(shop, channel="default-channel", product_ids=ids)

    assert list(cards) == [sold["id"]]
    winter = product_cards(shop, channel="winter", product_ids=ids)
    assert list(winter) == [elsewhere["id"]]
    assert (winter[elsewhere["id"]].price, winter[elsewhere["id"]].currency) == ("10.0", "EUR")


def test_more_ids_than_a_page_are_asked_in_batches(saleor_emulator, shop):
    products = [saleor_emulator.product(f"Item {n}") for n in range(BATCH + 30)]
    ids = [p["id"] for p in products]

    cards = product_cards(shop, channel="default-channel", product_ids=ids + ids[:5])

    assert list(cards) == ids
    assert [len(r["ids"]) for r in requests(saleor_emulator)] == [BATCH, 30]
    assert [r["first"] for r in requests(saleor_emulator)] == [BATCH, 30]


def test_cards_and_unavailable_products_are_cached_per_installation_and_channel(
    saleor_emulator, saleor_app_factory, shop
):
    kettle = saleor_emulator.product("Kettle", channels=["default-channel", "outlet"])
    lamp = saleor_emulator.product("Lamp")
    saleor_emulator.set_stock(lamp, 0)
    ids = [kettle["id"], lamp["id"]]
    assert list(product_cards(shop, channel="default-channel", product_ids=ids)) == [kettle["id"]]

    saleor_emulator.set_stock(lamp, 5)  # back in stock: seen once the cached answer expires
    again = product_cards(shop, channel="default-channel", product_ids=[lamp["id"], kettle["id"]])
    assert list(again) == [kettle["id"]]
    assert len(requests(saleor_emulator)) == 1

    product_cards(shop, channel="outlet", product_ids=ids)
    # Another installation (the same Saleor under another name): its own cache entries.
    other_url = saleor_emulator.api_url.replace("127.0.0.1", "localhost")
    other = connect(saleor_emulator, saleor_app_factory, other_url)
    product_cards(other, channel="default-channel", product_ids=ids)
    assert len(requests(saleor_emulator)) == 3

    cache.clear()
    assert list(product_cards(shop, channel="default-channel", product_ids=ids)) == ids


def test_an_outage_raises_and_caches_no_card(saleor_emulator, shop, time_machine):
    kettle = saleor_emulator.product("Kettle")
    with saleor_emulator.outage(503), pytest.raises(SaleorTransportError):
        product_cards(shop, channel="default-channel", product_ids=[kettle["id"]])

    time_machine.move_to(timezone.now() + timedelta(seconds=UNREACHABLE_FOR + 1), tick=False)
    cards = product_cards(shop, channel="default-channel", product_ids=[kettle["id"]])
    assert list(cards) == [kettle["id"]]


def test_no_ids_or_no_channel_ask_nothing(saleor_emulator, shop):
    assert product_cards(shop, channel="default-channel", product_ids=[]) == {}
    assert product_cards(shop, channel="", product_ids=["UHJvZHVjdDox"]) == {}
    assert requests(saleor_emulator) == []


def test_cards_are_shared_through_redis_when_cache_url_names_it(saleor_emulator, shop, settings):
    # The test's own Redis database (the broker's; nothing else runs in it meanwhile).
    settings.CACHES = {"default": cache_backend(os.environ["CELERY_BROKER_URL"])}
    kettle = saleor_emulator.product("Kettle", price=30.0)
    lamp = saleor_emulator.product("Lamp")
    saleor_emulator.set_stock(lamp, 0)
    ids = [kettle["id"], lamp["id"]]
    keys = [cache_key(shop.pk, "default-channel", pid) for pid in ids]
    try:
        first = product_cards(shop, channel="default-channel", product_ids=ids)
        assert cache.get_many(keys) == {keys[0]: asdict(first[kettle["id"]]), keys[1]: {}}
        assert product_cards(shop, channel="default-channel", product_ids=ids) == first
        assert len(requests(saleor_emulator)) == 1
    finally:
        cache.delete_many(keys)
