"""CheckoutForRecovery (saleor/checkout_recovery.py) against the Saleor emulator over HTTP."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from saleor_automation.saleor.checkout_recovery import RecoveryLine, checkout_for_recovery
from saleor_automation.saleor.exceptions import SaleorTransportError
from saleor_automation.saleor.models import Installation
from saleor_automation.saleor.reachability import UNREACHABLE_FOR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """An "unreachable" mark of one test never reaches another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shop(saleor_emulator, saleor_app_factory) -> Installation:
    app = saleor_app_factory("https://app.example.com")
    return Installation.objects.create(
        saleor_api_url=saleor_emulator.api_url, app_id=app.id, token=app.token
    )


def test_the_checkout_comes_back_with_its_lines_stock_and_totals(saleor_emulator, shop):
    boots = saleor_emulator.product("Trail Boots", price=120.0, category="Shoes")
    socks = saleor_emulator.product("Wool Socks", price=10.0)
    checkout = saleor_emulator.checkout("ana@example.com", lines=[boots, (socks, 2)])
    saleor_emulator.set_stock(socks, 0)

    live = checkout_for_recovery(shop, checkout["id"])

    assert live is not None
    assert (live.id, live.token, live.channel.slug) == (
        checkout["id"],
        checkout["token"],
        "default-channel",
    )
    assert live.total_price.gross.amount == Decimal("140")
    first, second = live.lines
    assert (first.variant.product.name, first.variant.product.category.slug) == (
        "Trail Boots",
        "shoes",
    )
    assert (first.quantity, first.variant.quantity_available, first.in_stock) == (1, 100, True)
    assert (second.quantity, second.variant.quantity_available, second.in_stock) == (2, 0, False)
    assert live.lines_in_stock() == [first]
    assert saleor_emulator.operations()[-1] == "CheckoutForRecovery"


def test_a_completed_checkout_is_none(saleor_emulator, shop):
    checkout = saleor_emulator.checkout("ana@example.com")
    saleor_emulator.complete_checkout(checkout)

    assert checkout_for_recovery(shop, checkout["id"]) is None


def test_an_outage_raises_and_saleor_is_left_alone_for_a_while(saleor_emulator, shop, time_machine):
    checkout = saleor_emulator.checkout("ana@example.com")
    with saleor_emulator.outage(500), pytest.raises(SaleorTransportError):
        checkout_for_recovery(shop, checkout["id"])
    asked = len(saleor_emulator.requests)

    # Back up at once, but the next sends of this installation do not wait on it yet.
    with pytest.raises(SaleorTransportError, match="unreachable moments ago"):
        checkout_for_recovery(shop, checkout["id"])
    assert len(saleor_emulator.requests) == asked

    time_machine.move_to(timezone.now() + timedelta(seconds=UNREACHABLE_FOR + 1), tick=False)
    assert checkout_for_recovery(shop, checkout["id"]).id == checkout["id"]
    assert len(saleor_emulator.requests) == asked + 1


@pytest.mark.parametrize(
    ("variant", "quantity", "in_stock"),
    [
        ({"id": "V1", "quantityAvailable": 3}, 1, True),
        ({"id": "V1", "quantityAvailable": None}, 1, True),  # stock not tracked
        ({"id": "V1", "quantityAvailable": 0}, 1, False),
        (None, 1, False),  # the variant is gone
    ],
)
def test_a_line_is_in_stock_while_its_variant_has_stock(variant, quantity, in_stock):
    line = RecoveryLine.model_validate({"quantity": quantity, "variant": variant})
    assert line.in_stock is in_stock
