"""contacts/services/erasure.py: deleting a person and keeping them deleted."""

from datetime import datetime
from decimal import Decimal

import pytest

from saleor_automation.contacts.models import (
    Checkout,
    Contact,
    ContactSpend,
    ErasureTombstone,
    Order,
    OrderLine,
)
from saleor_automation.contacts.services.erasure import email_hash
from saleor_automation.saleor.models import InboxStatus

from .conftest import EMAIL, USER_ID, body, gid


@pytest.fixture
def jane(deliver):
    """A registered customer with a converted checkout, an order and an open checkout."""
    deliver("checkout_updated")
    deliver("order_created")
    deliver("customer_updated")
    open_checkout = body("checkout_created")
    open_checkout["checkout"]["id"] = gid("Checkout", "second-basket")
    deliver("checkout_created", open_checkout)
    contact = Contact.objects.get()
    assert contact.saleor_user_id == USER_ID and Checkout.objects.count() == 2
    return contact


@pytest.mark.parametrize("event_type", ["customer_deleted", "account_deleted"])
def test_erasure_deletes_the_person_and_anonymises_their_orders(
    deliver, installation, jane, event_type
):
    row = deliver(event_type)

    assert row.status == InboxStatus.PROCESSED
    assert not Contact.objects.exists() and not ContactSpend.objects.exists()
    assert not Checkout.objects.exists()
    order = Order.objects.get()
    assert order.anonymised and order.contact is None and order.saleor_user_id is None
    assert (order.email, order.first_name, order.last_name, order.phone, order.city) == ("",) * 5
    assert (order.postal_code, order.country) == ("", "US")
    assert order.total_gross == Decimal("71") and OrderLine.objects.count() == 2
    tombstone = ErasureTombstone.objects.get(installation=installation)
    assert tombstone.saleor_user_id == USER_ID
    assert (
        tombstone.email_hash == email_hash(installation, EMAIL)
        and EMAIL not in tombstone.email_hash
    )
    assert tombstone.erased_at == datetime.fromisoformat(body(event_type)["issuedAt"])


def test_late_customer_update_issued_before_the_erasure_is_dropped(deliver, jane):
    deliver("customer_deleted")
    row = deliver("customer_metadata_updated")  # issued before the deletion, arriving after
    assert (row.status, row.last_error) == (InboxStatus.IGNORED, "erased person")
    assert not Contact.objects.exists()


def test_late_order_events_stay_anonymous(deliver, jane, applied):
    deliver("customer_deleted")
    applied.clear()
    row = deliver("order_fulfilled")  # updated after the erasure, but placed before it
    order = Order.objects.get()
    assert row.status == InboxStatus.IGNORED and applied == []
    assert order.status == "FULFILLED" and order.anonymised and order.email == ""
    assert not Contact.objects.exists()


def test_late_checkout_of_the_erased_person_is_not_mirrored(deliver, jane):
    deliver("account_deleted")
    assert deliver("checkout_fully_paid").status == InboxStatus.IGNORED
    assert not Checkout.objects.exists() and not Contact.objects.exists()


def test_a_new_guest_purchase_after_the_erasure_is_a_new_contact(deliver, jane):
    deliver("customer_deleted")
    new = body("order_created")
    new["order"].update(
        id=gid("Order", "after-erasure"),
        created="2026-10-01T09:00:00+00:00",
        updatedAt="2026-10-01T09:00:00+00:00",
        checkoutId=None,
    )
    deliver("order_created", new)
    contact = Contact.objects.get()
    assert contact.email == EMAIL and not contact.is_registered and contact.order_count == 1


def test_erasure_arriving_before_the_data_still_wins(deliver):
    deliver("customer_deleted")
    for event_type in ("checkout_updated", "order_created", "customer_updated"):
        assert deliver(event_type).status == InboxStatus.IGNORED
    assert not Contact.objects.exists() and not Checkout.objects.exists()
    assert Order.objects.get().anonymised


def test_someone_else_who_took_the_email_over_is_kept(deliver, jane):
    deliver("account_email_changed")  # jane moves to jane@doe.family
    newcomer = body("customer_created")
    newcomer["user"].update(id=gid("User", 77), updatedAt="2026-08-30T00:00:00+00:00")
    newcomer["issuedAt"] = "2026-08-30T00:00:00+00:00"
    deliver("customer_created", newcomer)

    deliver("customer_deleted")  # jane's deletion names her old address

    assert list(Contact.objects.values_list("email", "saleor_user_id")) == [
        (EMAIL, gid("User", 77))
    ]
