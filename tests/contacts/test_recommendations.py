"""Recommendations from co-purchases, with category and channel bestseller fallbacks."""

import itertools
from datetime import UTC, datetime

import pytest

from saleor_automation.contacts.models import (
    Checkout,
    Contact,
    CoPurchase,
    Order,
    OrderLine,
    ProductSales,
)
from saleor_automation.contacts.recommendations import (
    contact_channel,
    contact_product_ids,
    order_product_ids,
    recommendations_for,
)
from saleor_automation.contacts.services.product_sales import (
    product_sales_rebuild,
    product_sales_sync,
)
from saleor_automation.saleor.models import Installation

CATEGORY = {"A": "cat1", "B": "cat1", "H": "cat1", "C": "cat2", "D": "cat2", "I": "cat3"}
_numbers = itertools.count(1)


def order(installation, products, *, channel="eu", status="UNFULFILLED", **fields):
    number = next(_numbers)
    placed = Order.objects.create(
        installation=installation,
        saleor_id=f"O{number}",
        channel_slug=channel,
        status=status,
        **fields,
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
    product_sales_sync(placed)  # what order_apply does after writing the lines
    return placed


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


def test_what_a_contact_bought_and_where(shop):
    ana = Contact.objects.create(installation=shop, email="ana@example.com")
    bo = Contact.objects.create(installation=shop, email="bo@example.com")
    assert contact_product_ids(shop, contact_id=ana.pk) == set()
    assert contact_channel(shop, contact_id=ana.pk) == ""
    Checkout.objects.create(installation=shop, saleor_id="C1", contact=ana, channel_slug="outlet")
    assert contact_channel(shop, contact_id=ana.pk) == "outlet"  # never ordered: the cart's

    march = datetime(2026, 3, 1, tzinfo=UTC)
    first = order(shop, "BAB", channel="us", contact=ana, saleor_created_at=march)
    latest = order(shop, "C", channel="eu", contact=ana, saleor_created_at=march.replace(month=5))
    order(shop, "D", contact=bo)

    assert contact_product_ids(shop, contact_id=ana.pk) == {"A", "B", "C"}
    assert contact_channel(shop, contact_id=ana.pk) == "eu"
    assert order_product_ids(shop, order_id=first.saleor_id) == ["B", "A"]  # line order, once
    assert order_product_ids(shop, order_id=latest.saleor_id) == ["C"]
    assert order_product_ids(shop, order_id="nope") == []


def test_what_a_contact_bought_stays_in_its_installation(shop):
    other = Installation.objects.create(
        saleor_api_url="https://other.example.com/graphql/", app_id="app", token="u" * 30
    )
    ana = Contact.objects.create(installation=shop, email="ana@example.com")
    placed = order(shop, "A", contact=ana)
    assert contact_product_ids(other, contact_id=ana.pk) == set()
    assert contact_channel(other, contact_id=ana.pk) == ""
    assert order_product_ids(other, order_id=placed.saleor_id) == []


def _pairs(shop, channel="eu") -> dict[tuple[str, str], int]:
    rows = CoPurchase.objects.filter(installation=shop, channel_slug=channel, orders__gt=0)
    return {(r.product_id, r.other_product_id): r.orders for r in rows}


def _sales(shop, channel="eu") -> dict[str, int]:
    rows = ProductSales.objects.filter(installation=shop, channel_slug=channel, orders__gt=0)
    return {r.product_id: r.orders for r in rows}


def test_counts_move_order_by_order(shop):
    before_pairs, before_sales = _pairs(shop), _sales(shop)
    placed = order(shop, "AE")
    assert _pairs(shop)[("A", "E")] == 1 and _pairs(shop)[("E", "A")] == 1
    assert _sales(shop)["A"] == before_sales["A"] + 1
    # A replay of the same order changes nothing.
    product_sales_sync(placed)
    assert _sales(shop)["A"] == before_sales["A"] + 1
    # Edited: E replaced by F.
    OrderLine.objects.filter(order=placed, product_id="E").update(product_id="F")
    product_sales_sync(placed)
    assert ("A", "E") not in _pairs(shop) and _pairs(shop)[("A", "F")] == 1
    # Cancelled: it no longer counts at all.
    placed.status = "CANCELED"
    product_sales_sync(placed)
    assert _pairs(shop) == before_pairs and _sales(shop) == before_sales


def test_a_rebuild_recounts_the_same_figures(shop):
    running = [(_pairs(shop, c), _sales(shop, c)) for c in ("eu", "us")]
    assert product_sales_rebuild(shop.pk) == 10  # 9 counted orders in eu, 1 in us
    assert [(_pairs(shop, c), _sales(shop, c)) for c in ("eu", "us")] == running
    assert _sales(shop, "us") == {"A": 1, "G": 1}
