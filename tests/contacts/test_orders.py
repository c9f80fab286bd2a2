"""contacts/services/orders.py: the order mirror and its lines."""

from datetime import UTC, datetime
from decimal import Decimal

from saleor_automation.contacts.models import Contact, Order, OrderLine
from saleor_automation.saleor.models import InboxStatus

from .conftest import EMAIL, USER_ID, body, gid


def test_order_is_mirrored_with_its_lines(deliver, installation):
    deliver("order_refunded")
    order = Order.objects.get(installation=installation)
    source = body("order_refunded")["order"]
    assert (order.saleor_id, order.number, order.status) == (source["id"], "1042", "FULFILLED")
    assert order.email == EMAIL and order.contact == Contact.objects.get()
    assert (order.first_name, order.last_name, order.city, order.country) == (
        "Jane",
        "Doe",
        "Portland",
        "US",
    )
    assert (order.channel_slug, order.currency, order.origin) == (
        "default-channel",
        "USD",
        "CHECKOUT",
    )
    assert order.total_gross == Decimal("71") and order.subtotal_gross == Decimal("66")
    assert order.total_refunded == Decimal("29") and order.is_paid
    assert order.checkout_id == source["checkoutId"] and order.voucher_code == ""
    assert order.saleor_created_at == datetime(2026, 8, 20, 10, 7, 46, 250117, tzinfo=UTC)
    assert order.issued_at == datetime(2026, 8, 25, 8, 12, 30, 771004, tzinfo=UTC)
    mug = OrderLine.objects.get(order=order, sku="MUG-GRN-12")
    line = source["lines"][0]
    assert mug.installation == installation
    assert (mug.product_id, mug.variant_id) == (
        line["variant"]["product"]["id"],
        line["variant"]["id"],
    )
    assert (mug.product_name, mug.variant_name) == ("Enamel Camp Mug", "Forest green")
    assert mug.category_id == line["variant"]["product"]["category"]["id"]
    assert (mug.quantity, mug.unit_price, mug.total_price) == (2, Decimal("18.5"), Decimal("37"))


def test_lines_are_replaced_not_added(deliver):
    for event_type in ("order_created", "order_paid", "order_fully_paid", "order_fulfilled"):
        deliver(event_type)
    assert OrderLine.objects.count() == 2 and Order.objects.get().status == "FULFILLED"


def test_an_older_order_payload_never_overwrites_a_newer_one(deliver, applied):
    deliver("order_fulfilled")
    row = deliver("order_cancelled")  # updatedAt before the fulfilment
    assert row.status == InboxStatus.PROCESSED and len(applied) == 2
    assert Order.objects.get().status == "FULFILLED"


def test_registered_buyer_is_found_by_user_id_not_order_email(deliver):
    deliver("customer_updated")
    order = body("order_created")
    order["order"]["user"] = {"id": USER_ID, "email": EMAIL, "firstName": "Jane", "lastName": "Doe"}
    order["order"]["userEmail"] = "gift-for-mum@example.org"
    deliver("order_created", order)
    assert Contact.objects.get().order_count == 1
    assert Order.objects.get().email == "gift-for-mum@example.org"


def test_hidden_amounts_keep_the_stored_ones(deliver):
    deliver("order_created")
    hidden = body("order_fulfilled")
    hidden["order"]["total"] = None
    hidden["order"]["lines"] = None
    hidden["errors"] = [{"message": "denied"}]
    deliver("order_fulfilled", hidden)
    order = Order.objects.get()
    assert order.status == "FULFILLED" and order.total_gross == Decimal("71")
    assert order.lines.count() == 2


def test_guest_order_without_email_has_no_contact(deliver):
    order = body("order_created")
    order["order"]["userEmail"] = None
    order["order"]["id"] = gid("Order", "no-email")
    deliver("order_created", order)
    assert Order.objects.get().contact is None and not Contact.objects.exists()
