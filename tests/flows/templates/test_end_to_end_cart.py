"""The cart abandonment template end to end: checkouts built in the emulated Saleor reach the
app as signed webhooks, the store's clock moves over days, and the emails that come out are
checked for recipient, content and local send time (Europe/Berlin, quiet hours 21-08)."""

from datetime import datetime, timedelta

import pytest

from saleor_automation.flows.actions.models import VoucherCode
from saleor_automation.flows.models import Effect, Enrollment, EnrollmentStatus
from saleor_automation.flows.sending import CHECKOUT_OUT_OF_STOCK
from saleor_automation.flows.triggers.models import PendingEntry
from saleor_automation.messaging.models import Message, MessageStatus
from tests.saleor_emulator.factories import metadata_items

from .driver import StoreClock, inbox_problems
from .shop import (
    BERLIN,
    CHECKOUT_URL,
    deliver,
    local,
    sign_up,
    storefront,
    template_flow,
    touch,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

MONDAY_10 = local(BERLIN, 2026, 3, 2, 10, 0)  # CET, UTC+1


@pytest.fixture
def store(saleor_emulator, installed):
    storefront(installed)
    clock = StoreClock(saleor_emulator, installed, start=MONDAY_10)
    template_flow(clock, "cart_abandonment")
    yield clock
    assert inbox_problems(installed) == []
    assert saleor_emulator.take_faults() == []


@pytest.fixture
def lena(store):
    """A registered customer in Berlin who reads German and agreed to marketing email."""
    return sign_up(
        store,
        "lena@example.com",
        first_name="Lena",
        country="DE",
        city="Berlin",
        postal_code="10115",
        language="DE",
    )


def fill_cart(store: StoreClock, customer: dict) -> dict:
    """The shopper puts a shirt and two totes in the cart now (CHECKOUT_CREATED)."""
    emulator = store.emulator
    shirt = emulator.product("Linen shirt", price=49.0)
    tote = emulator.product("Canvas tote", price=19.0)
    with store.frozen():
        checkout = emulator.checkout(user=customer, lines=[(shirt, 1), (tote, 2)])
    deliver(store, "CHECKOUT_CREATED", checkout)
    return checkout


def change_cart(store: StoreClock, checkout: dict, at: datetime) -> None:
    """One more change at `at`, within the idle hour (CHECKOUT_UPDATED): it starts again."""
    assert store.advance_to(at) == []
    deliver(store, "CHECKOUT_UPDATED", touch(store, checkout))


def test_three_reminders_an_hour_a_day_and_three_days_after_the_last_change(store, lena):
    checkout = fill_cart(store, lena)
    last_change = MONDAY_10 + timedelta(minutes=20)
    change_cart(store, checkout, last_change)

    sent = store.advance(timedelta(days=4))

    assert [(s.to, s.node_id, s.local(BERLIN)) for s in sent] == [
        ("lena@example.com", "email_1", datetime(2026, 3, 2, 11, 20)),
        ("lena@example.com", "email_2", datetime(2026, 3, 3, 10, 20)),
        ("lena@example.com", "email_3", datetime(2026, 3, 5, 10, 20)),
    ]
    assert [s.sent_at - last_change for s in sent] == [
        timedelta(hours=1),
        timedelta(hours=24),
        timedelta(hours=72),
    ]
    assert [s.subject for s in sent] == [
        "Sie haben etwas im Warenkorb vergessen",
        "Noch unentschlossen?",
        "10 % Rabatt auf Ihren Warenkorb - 3 Tage lang",
    ]
    recovery = CHECKOUT_URL.format(token=checkout["token"])
    for email in sent:
        assert "Hallo Lena," in email.html
        assert "Linen shirt" in email.html and "Canvas tote" in email.html
        assert recovery in email.link_targets()
    # The voucher of the last email was created in Saleor for this shopper alone.
    code = VoucherCode.objects.get()
    assert code.contact.email == "lena@example.com"
    assert code.code in sent[2].html
    assert all(code.code not in email.html for email in sent[:2])
    # Valid for the 3 days promised, to the end of the (UTC) day the campaign voucher ends.
    assert timedelta(days=3) <= code.valid_until - sent[2].sent_at < timedelta(days=4)
    problem = store.emulator.voucher_code_problem
    assert problem(code.code, at=sent[2].sent_at) is None
    assert problem(code.code, at=code.valid_until + timedelta(minutes=1)) == "the voucher has ended"
    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.finish_reason) == (EnrollmentStatus.FINISHED, "exit")


def test_late_night_cart_waits_for_the_end_of_quiet_hours(store, lena):
    store.advance_to(local(BERLIN, 2026, 3, 2, 22, 30))
    fill_cart(store, lena)

    sent = store.advance(timedelta(days=5))

    # Due at 23:30 local, inside quiet hours (21:00-08:00): held until 08:00. The day's
    # wait from there ends at 07:00, still quiet, so the second goes out at 08:00 too.
    assert [(s.node_id, s.local(BERLIN)) for s in sent] == [
        ("email_1", datetime(2026, 3, 3, 8, 0)),
        ("email_2", datetime(2026, 3, 4, 8, 0)),
        ("email_3", datetime(2026, 3, 6, 8, 0)),
    ]


def test_buying_before_the_second_reminder_stops_the_series(store, lena):
    checkout = fill_cart(store, lena)
    [first] = store.advance(timedelta(hours=2))
    assert (first.node_id, first.local(BERLIN)) == ("email_1", datetime(2026, 3, 2, 11, 0))

    store.advance_to(local(BERLIN, 2026, 3, 2, 18, 0))
    with store.frozen():
        order = store.emulator.complete_checkout(checkout)
    deliver(store, "ORDER_CREATED", order)

    assert store.advance(timedelta(days=5)) == []
    enrollment = Enrollment.objects.get()
    assert enrollment.status == EnrollmentStatus.FINISHED
    assert enrollment.finish_reason == "goal_order_placed"  # the first goal listed
    assert enrollment.conversion["order_id"] == order["id"]
    assert not VoucherCode.objects.exists()  # the voucher step was never reached


def test_a_cart_bought_within_the_idle_hour_sends_nothing(store, lena):
    checkout = fill_cart(store, lena)
    store.advance(timedelta(minutes=30))
    with store.frozen():
        order = store.emulator.complete_checkout(checkout)
    deliver(store, "ORDER_CREATED", order)

    assert store.advance(timedelta(days=4)) == []
    assert not Enrollment.objects.exists()
    assert not PendingEntry.objects.exists()


def test_each_reminder_shows_the_cart_as_saleor_holds_it_when_it_goes_out(store, lena):
    checkout = fill_cart(store, lena)
    [first] = store.advance(timedelta(hours=2))
    assert "Linen shirt" in first.html and "Canvas tote" in first.html

    # In the afternoon the totes come out of the cart (Saleor tells the app, too).
    store.advance_to(local(BERLIN, 2026, 3, 2, 15, 0))
    checkout["lines"] = [
        line for line in checkout["lines"] if "Linen" in line["variant"]["product"]["name"]
    ]
    checkout["quantity"] = 1
    deliver(store, "CHECKOUT_UPDATED", touch(store, checkout))
    [second] = store.advance(timedelta(days=1))
    assert (second.node_id, second.local(BERLIN)) == ("email_2", datetime(2026, 3, 3, 10, 0))
    assert "Linen shirt" in second.html and "Canvas tote" not in second.html

    # Then the shirt sells out: nothing left to remind her of.
    shirt = checkout["lines"][0]["variant"]
    store.emulator.set_stock(shirt, 0)
    assert store.advance(timedelta(days=3)) == []
    last = Message.objects.get(node_id="email_3")
    assert (last.status, last.error) == (MessageStatus.SKIPPED, CHECKOUT_OUT_OF_STOCK)


def test_no_voucher_is_made_for_a_shopper_who_withdrew_consent(store):
    # Made at the store's time (sign_up() stamps the customer with the real date, which
    # would make every later update of it look stale).
    with store.frozen():
        customer = store.emulator.customer(
            "tom@example.com", first_name="Tom", metadata={"marketing_consent": "true"}
        )
    deliver(store, "CUSTOMER_CREATED", customer)
    fill_cart(store, customer)
    sent = store.advance(timedelta(days=2))
    assert [s.node_id for s in sent] == ["email_1", "email_2"]

    # Tom unsubscribes in his account before the third email: it would not go out, so no
    # code is made in Saleor for it.
    customer["metadata"] = metadata_items({"marketing_consent": "false"})
    deliver(store, "CUSTOMER_METADATA_UPDATED", touch(store, customer))
    sent = store.advance(timedelta(days=3))

    assert sent == []
    assert not Effect.objects.exists() and not VoucherCode.objects.exists()
    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.current_node) == (EnrollmentStatus.FINISHED, "exit")
