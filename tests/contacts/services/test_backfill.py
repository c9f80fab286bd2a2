"""contacts/services/backfill.py: API page nodes go through the same services as events."""

import json
from decimal import Decimal

import pytest

from saleor_automation.contacts.models import Checkout, Contact, Order
from saleor_automation.contacts.services import backfill_node_apply
from saleor_automation.saleor import payloads
from tests.contacts.conftest import USER_ID, body


def node(event_type: str, field: str) -> dict:
    """An `edges[].node` as the API client decodes it (money as floats)."""
    return json.loads(json.dumps(body(event_type)[field]))


def test_backfill_builds_the_same_rows_as_events(installation, applied):
    backfill_node_apply(installation, "checkout", node("checkout_updated", "checkout"))
    backfill_node_apply(installation, "order", node("order_refunded", "order"))
    result = backfill_node_apply(installation, "customer", node("customer_updated", "user"))

    contact = Contact.objects.get()
    assert result.contact == contact and contact.saleor_user_id == USER_ID
    assert contact.order_count == 1 and contact.birthday_month == 4
    assert Order.objects.get().total_refunded == Decimal("29")
    assert Checkout.objects.get().converted_order == Order.objects.get()
    assert applied == []  # backfill triggers no flows


def test_backfill_accepts_parsed_models(installation):
    customer = payloads.Customer.model_validate(node("customer_updated", "user"))
    assert backfill_node_apply(installation, "customer", customer).contact.email


def test_a_backfill_page_older_than_the_webhooks_changes_nothing(deliver, installation):
    deliver("order_fulfilled")
    deliver("customer_metadata_updated")  # consent "no"
    old_order = node("order_created", "order")
    assert backfill_node_apply(installation, "order", old_order).stale
    old_customer = node("customer_created", "user")
    old_customer["lastName"] = "Stale"
    assert backfill_node_apply(installation, "customer", old_customer).stale
    assert Order.objects.get().status == "FULFILLED"
    contact = Contact.objects.get()
    assert contact.last_name == "Doe" and contact.marketing_consent is False


def test_repeating_a_backfill_is_harmless(installation):
    for _ in range(2):
        backfill_node_apply(installation, "order", node("order_created", "order"))
    assert Order.objects.count() == 1 and Contact.objects.get().order_count == 1


def test_backfill_skips_staff_and_erased_people(deliver, installation):
    staff = node("customer_updated", "user")
    staff["isStaff"] = True
    assert backfill_node_apply(installation, "customer", staff).ignored == "staff user"

    deliver("customer_deleted")
    erased = node("customer_metadata_updated", "user")  # updatedAt before the deletion
    assert backfill_node_apply(installation, "customer", erased).ignored == "erased person"
    assert not Contact.objects.exists()


def test_invalid_node_raises_payload_error(installation):
    broken = node("order_created", "order")
    broken["id"] = None
    with pytest.raises(payloads.PayloadError, match="order: id"):
        backfill_node_apply(installation, "order", broken)
