"""A store in the Saleor emulator whose events reach the app over the real webhook path, and
one-email flows whose messages the test sends itself (tests/flows/test_sending_live.py,
tests/flows/test_recommending.py).
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.core.cache import cache

from saleor_automation.contacts.inbox import inbox_process_due
from saleor_automation.contacts.models import Checkout, Contact, Order
from saleor_automation.flows import engine
from saleor_automation.flows.models import Flow
from saleor_automation.flows.services import enrollment_start
from saleor_automation.messaging import tasks
from saleor_automation.messaging.models import Message, MessageStatus
from saleor_automation.messaging.sender import email_settings_update
from saleor_automation.saleor.models import Installation
from tests.flows.db_fixtures import chain, exit_, make_flow
from tests.saleor_emulator import SaleorEmulator

CHECKOUT_URL = "https://shop.example.com/checkout?token={token}"
PRODUCT_URL = "https://shop.example.com/{channel}/products/{slug}"


def section(text: str) -> str:
    return f"<mj-section><mj-column><mj-text>{text}</mj-text></mj-column></mj-section>"


def content(mjml: str, subject: str = "For you") -> dict[str, Any]:
    """Single-language email content (messaging/rendering/content.py)."""
    return {"subject": subject, "mjml": section("Hi {{ first_name }},") + mjml}


@pytest.fixture
def outbox_by_hand(monkeypatch) -> list[int]:
    """The engine's after-commit publish of send tasks is recorded, not published: the test
    calls message_send itself, at the moment it chooses."""
    published: list[int] = []
    monkeypatch.setattr(tasks, "messages_send_enqueue", published.extend)
    return published


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Product cards and "Saleor unreachable" marks of one test never reach another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def storefront(installed: Installation) -> Installation:
    email_settings_update(
        installation=installed,
        from_email="hello@shop.example.com",
        postal_address="1 Main Street, New York",
        checkout_url=CHECKOUT_URL,
        product_url=PRODUCT_URL,
    )
    return installed


def deliver(saleor_emulator: SaleorEmulator, event: str, subject: dict) -> None:
    """Saleor sends `event` about `subject`; the app stores it and applies it."""
    delivery = saleor_emulator.send_event(event, subject)
    assert delivery.result.status == 200, delivery.result
    inbox_process_due()


def shopper(saleor_emulator: SaleorEmulator, email: str, first_name: str) -> dict:
    """A customer who agreed to marketing (the consent metadata key), known to the app."""
    customer = saleor_emulator.customer(
        email, first_name=first_name, metadata={"marketing_consent": "true"}
    )
    deliver(saleor_emulator, "CUSTOMER_CREATED", customer)
    return customer


def mirrored_checkout(installation: Installation, checkout: dict) -> Checkout:
    return Checkout.objects.get(installation=installation, saleor_id=checkout["id"])


def mirrored_order(installation: Installation, order: dict) -> Order:
    return Order.objects.get(installation=installation, saleor_id=order["id"])


def email_flow(installation: Installation, mjml: str) -> Flow:
    """An active flow: trigger -> email s1 (`mjml` after a greeting) -> exit."""
    return make_flow(installation, chain(("s1", "send_email", {"message": content(mjml)}), exit_()))


def queue_email(
    flow: Flow, contact: Contact, context: dict[str, Any], now: datetime, *, key: str = "k1"
) -> Message:
    """`contact` enters `flow` with `context` and is advanced at `now`: the email is queued
    (its send is the test's)."""
    enrollment = enrollment_start(
        flow=flow, contact=contact, entry_key=key, context=context, now=now
    )
    assert enrollment is not None
    assert engine.enrollment_advance(enrollment.pk, now)
    message = Message.objects.get(enrollment=enrollment)
    assert message.status == MessageStatus.QUEUED
    return message
