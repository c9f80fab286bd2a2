"""contacts/services/facts.py: order count, first/last order and spend per currency."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saleor_automation.contacts import selectors
from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.contacts.models import Contact, ContactSpend
from saleor_automation.saleor.models import InboxEvent, InboxStatus

from .conftest import body, gid


def order(
    n: int,
    *,
    created: str,
    total: float,
    currency: str = "USD",
    status: str = "UNFULFILLED",
    refunded: float = 0.0,
    updated: str | None = None,
) -> dict:
    payload = body("order_created")
    o = payload["order"]
    o.update(
        id=gid("Order", f"facts-{n}"),
        number=str(1000 + n),
        created=created,
        updatedAt=updated or created,
        status=status,
        checkoutId=None,
    )
    o["total"]["gross"] = {"amount": total, "currency": currency}
    o["totalRefunded"] = {"amount": refunded, "currency": currency}
    o["channel"]["currencyCode"] = currency
    return payload


def facts(contact: Contact) -> tuple:
    contact.refresh_from_db()
    return contact.order_count, contact.first_order_at, contact.last_order_at


def test_count_first_last_and_spend_per_currency(deliver):
    deliver("order_created", order(1, created="2026-03-01T10:00:00+00:00", total=50.0))
    deliver("order_created", order(2, created="2026-05-01T10:00:00+00:00", total=20.25))
    deliver(
        "order_created", order(3, created="2026-04-01T10:00:00+00:00", total=80.0, currency="EUR")
    )
    contact = Contact.objects.get()
    assert facts(contact) == (
        3,
        datetime(2026, 3, 1, 10, tzinfo=UTC),
        datetime(2026, 5, 1, 10, tzinfo=UTC),
    )
    assert selectors.contact_spend(contact) == {"USD": Decimal("70.25"), "EUR": Decimal("80")}
    assert ContactSpend.objects.get(contact=contact, currency="USD").order_count == 2


@pytest.mark.parametrize("status", ["DRAFT", "UNCONFIRMED", "CANCELED", "EXPIRED"])
def test_orders_that_are_not_purchases_do_not_count(deliver, status):
    deliver("order_created", order(1, created="2026-03-01T10:00:00+00:00", total=50.0))
    deliver(
        "order_created", order(2, created="2026-05-01T10:00:00+00:00", total=9.0, status=status)
    )
    contact = Contact.objects.get()
    assert facts(contact)[0] == 1 and contact.last_order_at == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert selectors.contact_spend(contact) == {"USD": Decimal("50")}


def test_cancellation_and_refunds_update_the_facts(deliver):
    deliver("order_created")
    contact = Contact.objects.get()
    assert facts(contact)[0] == 1 and selectors.contact_spend(contact) == {"USD": Decimal("71")}

    deliver("order_refunded")
    assert selectors.contact_spend(contact) == {"USD": Decimal("42")}
    deliver("order_fully_refunded")
    assert facts(contact)[0] == 1 and selectors.contact_spend(contact) == {"USD": Decimal("0")}

    cancelled = order(1, created="2026-03-01T10:00:00+00:00", total=50.0)
    deliver("order_created", cancelled)
    cancelled = order(
        1,
        created="2026-03-01T10:00:00+00:00",
        total=50.0,
        status="CANCELED",
        updated="2026-03-02T10:00:00+00:00",
    )
    deliver("order_created", cancelled)
    assert facts(contact)[0] == 1 and selectors.contact_spend(contact) == {"USD": Decimal("0")}


def test_facts_are_idempotent(deliver, installation):
    rows = [
        deliver(t) for t in ("order_created", "order_paid", "order_refunded", "order_fully_paid")
    ]
    contact = Contact.objects.get()
    before = (facts(contact), selectors.contact_spend(contact))

    InboxEvent.objects.filter(pk__in=[r.pk for r in rows]).update(status=InboxStatus.PENDING)
    inbox_process_due()

    assert (facts(contact), selectors.contact_spend(contact)) == before
    assert before[0][0] == 1 and before[1] == {"USD": Decimal("42")}
