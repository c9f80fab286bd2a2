"""contacts/services/checkouts.py: the checkout mirror and conversion to an order."""

from datetime import UTC, datetime
from decimal import Decimal

from saleor_automation.contacts.models import Checkout, Contact, Order
from saleor_automation.saleor.models import InboxStatus

from .conftest import EMAIL, body


def test_checkout_is_mirrored(deliver, installation):
    deliver("checkout_updated")
    checkout = Checkout.objects.get(installation=installation)
    source = body("checkout_updated")["checkout"]
    assert checkout.saleor_id == source["id"] and checkout.token == source["token"]
    assert checkout.email == EMAIL and checkout.contact == Contact.objects.get()
    assert (checkout.channel_slug, checkout.currency) == ("default-channel", "USD")
    assert (checkout.total_gross, checkout.subtotal_gross) == (Decimal("71"), Decimal("66"))
    assert checkout.quantity == 3 and checkout.language_code == "EN_US"
    assert checkout.saleor_created_at == datetime(2026, 8, 20, 9, 58, 11, 402913, tzinfo=UTC)
    assert checkout.saleor_updated_at == datetime(2026, 8, 20, 10, 4, 37, 120977, tzinfo=UTC)
    assert checkout.issued_at == datetime(2026, 8, 20, 10, 4, 37, 115402, tzinfo=UTC)
    assert checkout.lines[0] == {
        "line_id": source["lines"][0]["id"],
        "product_id": source["lines"][0]["variant"]["product"]["id"],
        "product_name": "Enamel Camp Mug",
        "product_slug": "enamel-camp-mug",
        "variant_id": source["lines"][0]["variant"]["id"],
        "variant_name": "Forest green",
        "sku": "MUG-GRN-12",
        "category_id": source["lines"][0]["variant"]["product"]["category"]["id"],
        "category_slug": "homewares",
        "category_name": "Homewares",
        "thumbnail_url": "https://shop.example.com/thumbnails/products/mug-256.webp",
        "quantity": 2,
        "unit_price": "18.5",
        "total_price": "37.0",
    }
    assert len(checkout.lines) == 2 and checkout.converted_order is None


def test_guest_contact_gets_blank_fields_from_the_addresses(deliver):
    deliver("checkout_updated")
    contact = Contact.objects.get()
    assert (contact.first_name, contact.phone, contact.country, contact.city) == (
        "Jane",
        "+15035550123",
        "US",
        "Portland",
    )
    assert contact.language_code == "EN_US" and contact.marketing_consent is None


def test_an_older_checkout_payload_never_overwrites_a_newer_one(deliver):
    deliver("checkout_fully_paid")
    row = deliver("checkout_created")  # one line, rendered before the update
    checkout = Checkout.objects.get()
    assert row.status == InboxStatus.PROCESSED
    assert len(checkout.lines) == 2 and checkout.total_gross == Decimal("71")


def test_checkout_without_email_or_user_has_no_contact(deliver):
    anonymous = body("checkout_created")
    anonymous["checkout"]["email"] = None
    deliver("checkout_created", anonymous)
    assert Checkout.objects.get().contact is None and not Contact.objects.exists()


def test_order_converts_the_checkout_it_came_from(deliver):
    deliver("checkout_updated")
    deliver("order_created")
    assert Checkout.objects.get().converted_order == Order.objects.get()


def test_order_arriving_before_the_checkout_update_still_converts_it(deliver):
    deliver("order_created")
    deliver("checkout_fully_paid")  # deferred payloads overtake each other
    assert Checkout.objects.get().converted_order == Order.objects.get()
    assert Contact.objects.count() == 1


def test_a_changed_email_moves_the_checkout_to_that_contact(deliver):
    deliver("checkout_updated")
    corrected = body("checkout_fully_paid")
    corrected["checkout"]["email"] = "jane.d@example.org"
    deliver("checkout_fully_paid", corrected)
    assert Checkout.objects.get().contact.email == "jane.d@example.org"
