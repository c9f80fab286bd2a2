"""The templates that follow orders, end to end: purchase feedback with a cross-sell after a
fulfilment, and the upsell after a repeat order. Orders are built in the emulated Saleor
(with other shoppers' orders as the co-purchase history) and reach the app as webhooks;
recommended products are read back from the emulated Saleor when the email is sent."""

from datetime import datetime, timedelta

import pytest

from saleor_automation.flows.models import Enrollment, EnrollmentStatus

from .driver import StoreClock, inbox_problems
from .shop import (
    deliver,
    fulfil,
    history,
    local,
    names_in,
    place_order,
    products,
    sign_up,
    template_flow,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


@pytest.fixture
def store(saleor_emulator, installed):
    clock = StoreClock(saleor_emulator, installed, start=local(LONDON, 2026, 5, 4, 8, 0))
    yield clock
    assert inbox_problems(installed) == []
    assert saleor_emulator.take_faults() == []


def test_feedback_three_days_after_fulfilment_then_what_goes_with_it(store):
    catalog = products(
        store,
        ("Burr grinder", "Coffee gear", 120.0),
        ("Tamper", "Coffee gear", 25.0),
        ("Milk jug", "Coffee gear", 18.0),
        ("House blend", "Coffee", 12.0),
    )
    grinder, tamper, jug, blend = catalog.values()
    history(store, [grinder, tamper], [grinder, tamper, blend], [grinder, jug])
    template_flow(store, "first_purchase_feedback")
    mia = sign_up(
        store,
        "mia@example.com",
        first_name="Mia",
        country="US",
        city="New York",
        postal_code="10001",
    )
    store.advance_to(local(NEW_YORK, 2026, 5, 4, 10, 0))
    order = place_order(store, mia, [grinder])
    store.advance_to(local(NEW_YORK, 2026, 5, 5, 15, 0))
    deliver(store, "ORDER_FULFILLED", fulfil(store, order))

    sent = store.advance(timedelta(days=10))

    assert [(s.to, s.node_id, s.subject, s.local(NEW_YORK)) for s in sent] == [
        ("mia@example.com", "feedback", "How did it go?", datetime(2026, 5, 8, 15, 0)),
        (
            "mia@example.com",
            "cross_sell",
            "Goes well with your last order",
            datetime(2026, 5, 12, 15, 0),
        ),
    ]
    feedback, cross_sell = sent
    assert f"Your order {order['number']} should have arrived." in feedback.html
    assert "Hi Mia," in feedback.html
    # Bought with the grinder by others; never the grinder itself.
    assert names_in(cross_sell.html, catalog) == {"Tamper", "Milk jug", "House blend"}


def test_feedback_is_asked_once_not_for_every_fulfilled_order(store):
    [mug] = products(store, ("Mug", "Kitchen", 9.0)).values()
    template_flow(store, "first_purchase_feedback")
    mia = sign_up(
        store,
        "mia@example.com",
        first_name="Mia",
        country="GB",
        city="London",
        postal_code="SW1A 1AA",
    )
    first = place_order(store, mia, [mug])
    deliver(store, "ORDER_FULFILLED", fulfil(store, first))
    assert [s.node_id for s in store.advance(timedelta(days=8))] == ["feedback", "cross_sell"]

    second = place_order(store, mia, [(mug, 2)])
    deliver(store, "ORDER_FULFILLED", fulfil(store, second))

    assert store.advance(timedelta(days=8)) == []
    assert Enrollment.objects.count() == 1


def test_a_repeat_order_gets_suggestions_two_days_later_without_what_was_bought(store):
    catalog = products(
        store,
        ("Trail shoes", "Running", 130.0),
        ("Running socks", "Running", 15.0),
        ("Water bottle", "Accessories", 20.0),
        ("Headlamp", "Accessories", 35.0),
    )
    shoes, socks, bottle, headlamp = catalog.values()
    history(store, [socks, bottle], [socks, bottle], [socks, shoes], [headlamp])
    template_flow(store, "upsell_cross_sell")
    noah = sign_up(
        store,
        "noah@example.com",
        first_name="Noah",
        country="GB",
        city="London",
        postal_code="E1 6AN",
    )
    store.advance_to(local(LONDON, 2026, 5, 4, 9, 0))
    place_order(store, noah, [shoes])  # the first order: not a repeat
    assert store.advance(timedelta(days=7)) == []

    store.advance_to(local(LONDON, 2026, 5, 14, 20, 45))
    place_order(store, noah, [socks])
    sent = store.advance(timedelta(days=5))

    assert [(s.to, s.subject, s.local(LONDON)) for s in sent] == [
        (
            "noah@example.com",
            "Thanks for coming back - you might also like",
            datetime(2026, 5, 16, 20, 45),
        )
    ]
    assert "Hi Noah," in sent[0].html
    # Bought with the socks by others, then the channel's bestsellers; not the shoes he
    # already has, nor the socks.
    assert names_in(sent[0].html, catalog) == {"Water bottle", "Headlamp"}
    enrollment = Enrollment.objects.get()
    assert enrollment.status == EnrollmentStatus.FINISHED
