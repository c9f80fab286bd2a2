"""A store for the end-to-end template tests: its flows come from the templates, its
customers, checkouts and orders live in the emulated Saleor and reach the app as signed
webhooks, at the store clock's time."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from saleor_automation.flows.models import Flow
from saleor_automation.flows.services import flow_activate
from saleor_automation.flows.templates import flow_create_from_template
from saleor_automation.messaging.sender_models import EmailSettings
from saleor_automation.saleor.models import Installation
from tests.saleor_emulator import SaleorEmulator
from tests.saleor_emulator.values import iso

from .driver import StoreClock

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
CHECKOUT_URL = "https://shop.example.com/checkout?token={token}"


def local(zone: str, *parts: int) -> datetime:
    """The UTC instant of a wall-clock time in `zone`: local(BERLIN, 2026, 3, 2, 10, 0)."""
    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def template_flow(clock: StoreClock, key: str, **overrides: Any) -> Flow:
    """The template's flow, created and activated by the operator at the clock's time."""
    with clock.frozen() as now:
        flow = flow_create_from_template(
            installation=clock.installation, template_key=key, overrides=overrides or None
        )
        flow_activate(flow=flow, now=now)
    return flow


def storefront(installation: Installation) -> None:
    """The store's checkout page, so cart emails carry a recovery link."""
    EmailSettings.objects.update_or_create(
        installation=installation, defaults={"checkout_url": CHECKOUT_URL}
    )


def shopper(
    emulator: SaleorEmulator,
    email: str,
    *,
    first_name: str,
    country: str,
    city: str,
    postal_code: str,
    language: str = "EN",
    birthday: str | None = None,
) -> dict:
    """A registered customer in Saleor who agreed to marketing email."""
    metadata = {"marketing_consent": "true"}
    if birthday is not None:
        metadata["birthday"] = birthday
    return emulator.customer(
        email,
        first_name=first_name,
        country=country,
        city=city,
        postal_code=postal_code,
        language_code=language,
        metadata=metadata,
    )


def sign_up(clock: StoreClock, email: str, **profile: Any) -> dict:
    """A customer registers now (CUSTOMER_CREATED); `profile` as for shopper()."""
    customer = shopper(clock.emulator, email, **profile)
    deliver(clock, "CUSTOMER_CREATED", customer)
    return customer


def deliver(clock: StoreClock, event: str, subject: dict, **kwargs: Any) -> None:
    """Saleor sends `event` about `subject` now; the app must take it (200)."""
    with clock.frozen():
        delivery = clock.emulator.send_event(event, subject, **kwargs)
    assert delivery.status == 200, (event, delivery.status)


def touch(clock: StoreClock, obj: dict) -> dict:
    """The object changed in Saleor now (updatedAt, and a checkout's lastChange)."""
    with clock.frozen() as now:
        obj["updatedAt"] = iso(now)
        if obj.get("__typename") == "Checkout":
            obj["lastChange"] = iso(now)
    return obj


def fulfil(clock: StoreClock, order: dict) -> dict:
    """Staff ship every line of `order` now (Saleor's status FULFILLED)."""
    for line in order["lines"]:
        line["quantityFulfilled"] = line["quantity"]
        line["quantityToFulfill"] = 0
    order["status"], order["statusDisplay"] = "FULFILLED", "Fulfilled"
    return touch(clock, order)


def cancel(clock: StoreClock, order: dict) -> dict:
    order["status"], order["statusDisplay"] = "CANCELED", "Canceled"
    return touch(clock, order)


def place_order(clock: StoreClock, customer: dict | str, lines: list, **kwargs: Any) -> dict:
    """A paid order placed now (ORDER_CREATED reaches the app)."""
    with clock.frozen():
        order = clock.emulator.order(customer, lines, **kwargs)
    deliver(clock, "ORDER_CREATED", order)
    return order


def products(store: StoreClock, *specs: tuple[str, str, float]) -> dict[str, dict]:
    """Products in the emulated catalog by name: (name, category, price)."""
    with store.frozen():
        return {
            name: store.emulator.product(name, category=category, price=price)
            for name, category, price in specs
        }


def history(store: StoreClock, *baskets: list[dict]) -> None:
    """Other shoppers' past orders: what is bought together in this store."""
    for number, basket in enumerate(baskets):
        place_order(store, f"shopper{number}@example.com", basket)


def names_in(html: str, catalog: dict[str, dict]) -> set[str]:
    return {name for name in catalog if name in html}
