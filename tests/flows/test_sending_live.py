"""The send-time re-read of a cart reminder's checkout (flows/sending.py) against the Saleor
emulator over HTTP: the checkout as Saleor holds it at send time is what the email shows,
and the reminder is skipped, with its reason, when there is nothing left to remind of."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from saleor_automation.contacts.models import Contact
from saleor_automation.flows.sending import (
    CHECKOUT_CONVERTED,
    CHECKOUT_EMPTY,
    CHECKOUT_GONE,
    CHECKOUT_OUT_OF_STOCK,
    SALEOR_UNREACHABLE,
)
from saleor_automation.flows.triggers.common import checkout_context
from saleor_automation.messaging.links import tracked_link_read
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.services import (
    DEFER_LIMIT,
    DEFERRED,
    GAVE_UP,
    defer_delay,
    message_send,
    messages_sweep,
)

from .live_shop import (
    deliver,
    email_flow,
    fresh_cache,
    mirrored_checkout,
    outbox_by_hand,
    queue_email,
    shopper,
    storefront,
)

__all__ = ["fresh_cache", "outbox_by_hand", "storefront"]  # fixtures used by name

pytestmark = pytest.mark.django_db(transaction=True)

CART = '{% checkout_lines title="Your cart" %}{% recovery_button label="Back to your cart" %}'


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def boots(saleor_emulator):
    return saleor_emulator.product("Trail Boots", price=120.0, category="Shoes")


@pytest.fixture
def socks(saleor_emulator):
    return saleor_emulator.product("Wool Socks", price=10.0, category="Shoes")


@pytest.fixture
def cart(saleor_emulator, storefront, boots, socks):
    """Ana's checkout (1 boots, 2 socks: $140) in Saleor, mirrored by the app."""
    customer = shopper(saleor_emulator, "ana@example.com", "Ana")
    checkout = saleor_emulator.checkout(user=customer, lines=[boots, (socks, 2)])
    deliver(saleor_emulator, "CHECKOUT_UPDATED", checkout)
    return checkout


@pytest.fixture
def reminder(storefront, cart, now, outbox_by_hand):
    """The cart reminder, queued for the mirrored checkout (not sent yet)."""
    row = mirrored_checkout(storefront, cart)
    return queue_email(email_flow(storefront, CART), row.contact, checkout_context(row), now)


def rereads(saleor_emulator) -> list[dict]:
    return [
        r.variables for r in saleor_emulator.requests if r.operation_name == "CheckoutForRecovery"
    ]


def skipped_with(message: Message) -> str:
    message.refresh_from_db()
    assert message.status == MessageStatus.SKIPPED
    assert message.body_html == "" and mail.outbox == []
    return message.error


def test_the_reminder_shows_the_cart_as_saleor_holds_it_when_sent(
    saleor_emulator, cart, reminder, now
):
    assert rereads(saleor_emulator) == []  # queueing asks Saleor nothing
    assert message_send(reminder.pk, now=now) == MessageStatus.SENT

    assert rereads(saleor_emulator) == [{"id": cart["id"]}]
    reminder.refresh_from_db()
    html = reminder.body_html
    assert "Trail Boots" in html and "Wool Socks" in html
    assert "2 &times; $10.00" in html and "$140.00" in html
    (sent,) = mail.outbox
    assert sent.to == ["ana@example.com"]
    # The recovery button leads, through the click redirect, to the storefront's cart.
    token = html.split("/r/", 1)[1].split('"', 1)[0]
    target = tracked_link_read(token).url
    assert target == f"https://shop.example.com/checkout?token={cart['token']}"
    assert saleor_emulator.faults == []


def test_an_out_of_stock_line_is_left_out_and_the_total_is_what_is_shown(
    saleor_emulator, socks, reminder, now
):
    saleor_emulator.set_stock(socks, 0)  # sold out after the cart was abandoned

    assert message_send(reminder.pk, now=now) == MessageStatus.SENT

    reminder.refresh_from_db()
    html = reminder.body_html
    assert "Trail Boots" in html and "$120.00" in html
    assert "Wool Socks" not in html and "$140.00" not in html
    assert len(mail.outbox) == 1


def test_stock_that_is_not_tracked_counts_as_available(saleor_emulator, socks, reminder, now):
    saleor_emulator.set_stock(socks, None)

    assert message_send(reminder.pk, now=now) == MessageStatus.SENT
    reminder.refresh_from_db()
    assert "Wool Socks" in reminder.body_html


def test_a_checkout_gone_from_saleor_skips_the_reminder(saleor_emulator, cart, reminder, now):
    saleor_emulator.remove(cart)  # completed elsewhere, or expired

    assert message_send(reminder.pk, now=now) == MessageStatus.SKIPPED
    assert skipped_with(reminder) == CHECKOUT_GONE
    assert rereads(saleor_emulator) == [{"id": cart["id"]}]


def test_an_emptied_checkout_skips_the_reminder(saleor_emulator, cart, reminder, now):
    with saleor_emulator.lock:
        cart["lines"] = []
        cart["quantity"] = 0

    assert message_send(reminder.pk, now=now) == MessageStatus.SKIPPED
    assert skipped_with(reminder) == CHECKOUT_EMPTY


def test_a_checkout_with_nothing_in_stock_skips_the_reminder(
    saleor_emulator, boots, socks, reminder, now
):
    saleor_emulator.set_stock(boots, 0)
    saleor_emulator.set_stock(socks, 0)

    assert message_send(reminder.pk, now=now) == MessageStatus.SKIPPED
    assert skipped_with(reminder) == CHECKOUT_OUT_OF_STOCK


def test_a_converted_checkout_skips_the_reminder_without_asking_saleor(
    saleor_emulator, cart, reminder, now
):
    order = saleor_emulator.complete_checkout(cart)
    deliver(saleor_emulator, "ORDER_CREATED", order)  # the app now knows the order

    assert message_send(reminder.pk, now=now) == MessageStatus.SKIPPED
    assert skipped_with(reminder) == CHECKOUT_CONVERTED
    assert rereads(saleor_emulator) == []


def test_a_saleor_outage_defers_the_reminder_and_it_goes_out_once_saleor_is_back(
    saleor_emulator, reminder, now, time_machine
):
    first_try = now + timedelta(seconds=90)
    with saleor_emulator.outage(503):
        assert message_send(reminder.pk, now=first_try) == MessageStatus.QUEUED
        reminder.refresh_from_db()
        assert reminder.error == f"{DEFERRED}: {SALEOR_UNREACHABLE}"
        # It waited 90 s so far, so it waits 90 s more before the sweep offers it again.
        assert reminder.retry_at == first_try + timedelta(seconds=90)
        assert messages_sweep(now=reminder.retry_at - timedelta(seconds=1)).requeue == []
        assert messages_sweep(now=reminder.retry_at).requeue == [reminder.pk]
        assert message_send(reminder.pk, now=reminder.retry_at) == MessageStatus.QUEUED
        reminder.refresh_from_db()
        assert reminder.retry_at == first_try + timedelta(seconds=90 + 180)
    assert mail.outbox == []

    # Saleor is back; the app asks again once its "unreachable" mark has lapsed.
    time_machine.move_to(reminder.retry_at, tick=False)
    assert message_send(reminder.pk, now=reminder.retry_at) == MessageStatus.SENT
    reminder.refresh_from_db()
    assert (reminder.status, reminder.error) == (MessageStatus.SENT, "")
    assert "Trail Boots" in reminder.body_html
    assert len(mail.outbox) == 1


def test_a_reminder_deferred_for_a_day_is_skipped_with_the_reason(saleor_emulator, reminder, now):
    with saleor_emulator.outage(502):
        later = now + DEFER_LIMIT
        assert message_send(reminder.pk, now=later) == MessageStatus.SKIPPED
    assert skipped_with(reminder) == f"{GAVE_UP}: {SALEOR_UNREACHABLE}"


def test_the_wait_between_tries_doubles_from_a_minute_up_to_an_hour():
    assert defer_delay(timedelta(seconds=5)) == timedelta(minutes=1)
    assert defer_delay(timedelta(minutes=7)) == timedelta(minutes=7)
    assert defer_delay(timedelta(hours=5)) == timedelta(hours=1)


def test_a_message_without_a_checkout_asks_saleor_nothing(
    saleor_emulator, storefront, now, outbox_by_hand
):
    shopper(saleor_emulator, "bo@example.com", "Bo")
    bo = Contact.objects.get(installation=storefront, email="bo@example.com")
    message = queue_email(email_flow(storefront, ""), bo, {}, now)
    before = len(saleor_emulator.requests)

    assert message_send(message.pk, now=now) == MessageStatus.SENT
    assert len(saleor_emulator.requests) == before
