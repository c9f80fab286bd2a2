"""Recommendations from co-purchases, with category and channel bestseller fallbacks."""

import itertools

import pytest

from saleor_automation.contacts.models import Order, OrderLine
from saleor_automation.contacts.recommendations import recommendations_for
from saleor_automation.saleor.models import Installation

CATEGORY = {"A": "cat1", "B": "cat1", "H": "cat1", "C": "cat2", "D": "cat2", "I": "cat3"}
_numbers = itertools.count(1)


def order(installation, products, *, channel="eu", status="UNFULFILLED"):
    number = next(_numbers)
    placed = Order.objects.create(
        installation=installation, saleor_id=f"O{number}", channel_slug=channel, status=status
    )
    for product in products:
        OrderLine.objects.create(
            installation=installation,
            order=placed,
            product_id=product,
            product_name=f"Product {product}",
            category_id=CATEGORY.get(product, "other"),
            quantity=1,
        )


@pytest.fixture
def shop(db) -> Installation:
    shop = Installation.objects.create(
        saleor_api_url="https://shop.example.com/graphql/", app_id="app", token="t" * 30
    )
    order(shop, "ABC")
    order(shop, "AB")
    order(shop, "AD")
    order(shop, "BC")
    order(shop, "H")
    order(shop, "H")
    order(shop, "I")
    order(shop, "I")
    order(shop, "I")
    # Not counted (status) or another channel: E, F and G must never show up.
    order(shop, "AE", status="CANCELED")
    order(shop, "AF", status="DRAFT")
    order(shop, "AE", status="EXPIRED")
    order(shop, "AG", channel="us")
    return shop


def ranked(items):
    return [(item["product_id"], item["score"], item["source"]) for item in items]


def test_co_purchase_then_category_then_channel(shop):
    items = recommendations_for(shop, product_ids=["A"], channel="eu", limit=10)
    assert ranked(items) == [
        ("B", 2, "co_purchase"),
        ("C", 1, "co_purchase"),  # ties go to the smaller product id
        ("D", 1, "co_purchase"),
        ("H", 2, "category"),  # cat1, like A
        ("I", 3, "channel"),
    ]
    assert items[0] == {
        "product_id": "B",
        "name": "Product B",
        "category_id": "cat1",
        "score": 2,
        "source": "co_purchase",
    }


def test_limit_cuts_the_ranking(shop):
    items = recommendations_for(shop, product_ids=["A"], channel="eu", limit=2)
    assert ranked(items) == [("B", 2, "co_purchase"), ("C", 1, "co_purchase")]
    assert recommendations_for(shop, product_ids=["A"], channel="eu", limit=0) == []


def test_default_limit_is_four(shop):
    items = recommendations_for(shop, product_ids=["A"], channel="eu")
    assert [item["product_id"] for item in items] == ["B", "C", "D", "H"]


def test_exclusion_of_already_bought_products(shop):
    items = recommendations_for(
        shop, product_ids=["A"], channel="eu", exclude_product_ids=["B", "H"], limit=10
    )
    assert ranked(items) == [
        ("C", 1, "co_purchase"),
        ("D", 1, "co_purchase"),
        ("I", 3, "channel"),
    ]


def test_category_fallback_for_a_product_never_bought_with_others(shop):
    items = recommendations_for(shop, product_ids=["H"], channel="eu", limit=3)
    assert ranked(items) == [
        ("A", 3, "category"),  # cat1, like H
        ("B", 3, "category"),
        ("I", 3, "channel"),
    ]


def test_channel_bestsellers_without_seeds(shop):
    items = recommendations_for(shop, product_ids=[], channel="eu", limit=6)
    assert ranked(items) == [
        ("A", 3, "channel"),
        ("B", 3, "channel"),
        ("I", 3, "channel"),
        ("C", 2, "channel"),
        ("H", 2, "channel"),
        ("D", 1, "channel"),
    ]


def test_other_channel_and_unknown_channel(shop):
    us = recommendations_for(shop, product_ids=["A"], channel="us")
    assert ranked(us) == [("G", 1, "co_purchase")]
    assert recommendations_for(shop, product_ids=["A"], channel="nowhere") == []


def test_installation_isolation(shop):
    other = Installation.objects.create(
        saleor_api_url="https://other.example.com/graphql/", app_id="app", token="u" * 30
    )
    for _ in range(5):
        order(other, "AZ")
    mine = recommendations_for(shop, product_ids=["A"], channel="eu", limit=10)
    assert "Z" not in {item["product_id"] for item in mine}
    theirs = recommendations_for(other, product_ids=["A"], channel="eu", limit=10)
    assert ranked(theirs) == [("Z", 5, "co_purchase")]
