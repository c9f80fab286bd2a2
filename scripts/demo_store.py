"""The demo's store: a small coffee shop in the emulated Saleor, lived through on the store
clock of the template end-to-end tests (tests/flows/templates/driver.py).

Before the window opens the shop already has regulars (orders 3 weeks to 5 months old, a big
spender among them) and other shoppers' orders (what is bought together); the app is
installed at the window's start and imports them (backfill). Then, day by day, new customers
sign up, fill carts and leave some, order, come back, have birthdays; regulars fall quiet.
Every email the app sends is read by its recipient with a seeded chance: opened, clicked
(a real GET of the tracked link), sometimes followed by an order (the abandoned checkout
completed, the product clicked, the voucher received), which attribution then credits.

Django must be set up (scripts/demo.py does it) before this module is imported.
"""

import heapq
import itertools
import random
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import time_machine
from django.utils import timezone

from saleor_automation.contacts.backfill import backfill_run, backfill_start
from saleor_automation.flows.actions.models import VoucherCode
from saleor_automation.flows.models import Flow
from saleor_automation.flows.templates import TEMPLATES
from saleor_automation.messaging.links import InvalidLink, tracked_link_read
from saleor_automation.messaging.models import Message, MessageEventKind
from saleor_automation.messaging.sender_models import EmailSettings
from saleor_automation.messaging.tracking.events import message_event_record
from saleor_automation.saleor.models import Installation
from saleor_automation.stats.rollup import stats_rollup
from saleor_automation.stats.selectors import flow_stats
from tests.flows.templates.driver import StoreClock, inbox_problems
from tests.flows.templates.shop import deliver, fulfil, template_flow
from tests.saleor_emulator import SaleorEmulator

STOREFRONT = "https://demo-shop.example.com"
CURRENCY = "EUR"
# How far the clock moves at most between two looks at what was sent: a recipient's
# reaction is never later than this after the moment it was drawn for.
STEP = timedelta(hours=1)
# How often the scheduled triggers and segments run (beat runs them every 15 minutes): a
# birthday or win-back email still goes out at 9:00 local, a best customer is seen up to
# two hours later, and the simulation runs in half the time of an hourly beat.
BEAT = timedelta(hours=2)

# (name, category, price in EUR)
CATALOG = [
    ("Burr grinder", "Coffee gear", 129.0),
    ("Pour-over kettle", "Coffee gear", 59.0),
    ("Tamper", "Coffee gear", 25.0),
    ("Milk jug", "Coffee gear", 18.0),
    ("Espresso machine", "Machines", 649.0),
    ("House blend 1 kg", "Coffee", 24.0),
    ("Ethiopia Yirgacheffe", "Coffee", 16.0),
    ("Colombia decaf", "Coffee", 14.0),
    ("Ceramic mug", "Cups", 12.0),
    ("Travel cup", "Cups", 22.0),
    ("Paper filters", "Accessories", 6.0),
    ("Cleaning tablets", "Accessories", 9.0),
]
# What tends to be bought together; a basket is one of these, or a part of it.
BUNDLES = [
    ["Burr grinder", "Tamper", "House blend 1 kg"],
    ["Pour-over kettle", "Paper filters", "Ethiopia Yirgacheffe"],
    ["Espresso machine", "Milk jug", "Tamper", "Cleaning tablets"],
    ["Ceramic mug", "House blend 1 kg"],
    ["Travel cup", "Colombia decaf"],
    ["Paper filters", "Ethiopia Yirgacheffe", "Ceramic mug"],
    ["House blend 1 kg"],
    ["Ethiopia Yirgacheffe", "Colombia decaf"],
]
# (country, city, postal code, language): Berlin 10xxx is the geolocation template's area.
PLACES = [
    ("DE", "Berlin", "10115", "DE"),
    ("DE", "Berlin", "10999", "DE"),
    ("DE", "Hamburg", "20095", "DE"),
    ("DE", "München", "80331", "DE"),
    ("GB", "London", "EC1A 1BB", "EN"),
    ("US", "New York", "10001", "EN"),
    ("US", "Chicago", "60601", "EN"),
    ("FR", "Paris", "75001", "EN"),
]
FIRST_NAMES = [
    "Lena", "Tom", "Mia", "Noah", "Ava", "Jonas", "Emma", "Liam", "Sofia", "Max", "Julia",
    "Ben", "Clara", "Leo", "Ella", "Paul", "Nora", "Finn", "Ida", "Oscar", "Maya", "Luca",
    "Zoe", "Elias", "Hanna",
]  # fmt: skip

# Recipients' behaviour: the chance of each step given the one before.
OPEN_RATE = 0.55
CLICK_RATE = 0.40  # of the opened
ORDER_RATE = {"Cart abandonment": 0.55}  # of the clicked, per flow name
DEFAULT_ORDER_RATE = 0.30
# A checkout bought within the idle hour, before any reminder.
QUICK_PURCHASE_RATE = 0.15


@dataclass
class Shopper:
    email: str
    customer: dict
    checkout: dict | None = None  # open in Saleor
    orders: int = 0


@dataclass(order=True)
class _Due:
    at: datetime
    seq: int
    run: Callable[[], None] = field(compare=False)


@dataclass
class Counts:
    customers: int = 0
    signups: int = 0
    orders: int = 0
    checkouts: int = 0
    opens: int = 0
    clicks: int = 0


@dataclass
class FlowRow:
    name: str
    entered: int
    sent: int
    opened: int
    clicked: int
    converted: int
    attributed_orders: int
    revenue: Decimal


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the recipient's browser would go on to the shop: not part of the demo


_opener = urllib.request.build_opener(_NoRedirect)


def _fulfilled(order: dict) -> dict:
    for line in order["lines"]:
        line["quantityFulfilled"], line["quantityToFulfill"] = line["quantity"], 0
    order["status"], order["statusDisplay"] = "FULFILLED", "Fulfilled"
    return order


class DemoStore:
    """The shop and its people over `days` ending at `end`."""

    def __init__(
        self,
        emulator: SaleorEmulator,
        *,
        app_url: str,
        end: datetime,
        days: int,
        customers: int,
        seed: int,
    ) -> None:
        self.emulator = emulator
        self.app_url = app_url
        self.end = end
        self.start = end - timedelta(days=days)
        self.days = days
        self.size = customers
        self.rng = random.Random(seed)
        self.counts = Counts()
        self.shoppers: dict[str, Shopper] = {}
        self.products: dict[str, dict] = {}
        self._agenda: list[_Due] = []
        self._seq = itertools.count()
        self._names = itertools.count()
        self._read: set[int] = set()  # the emails whose recipients' reading is drawn
        self.clock: StoreClock
        self.installation: Installation

    # -- the calendar -------------------------------------------------------------------------

    def at(self, when: datetime, run: Callable[[], None]) -> None:
        heapq.heappush(self._agenda, _Due(when, next(self._seq), run))

    def _days_in(self, low: float, high: float) -> datetime:
        return self.start + timedelta(days=self.rng.uniform(low, high))

    # -- before the window --------------------------------------------------------------------

    def open_shop(self) -> None:
        """The catalog, the regulars and their past orders, in Saleor before the app (as
        Saleor holds them at the window's start)."""
        with time_machine_at(self.start):
            self._open_shop()

    def _open_shop(self) -> None:
        # A euro shop: best customers are counted in EUR (the template's sample threshold).
        self.emulator.channel("default-channel")["currencyCode"] = CURRENCY
        for name, category, price in CATALOG:
            self.products[name] = self.emulator.product(
                name,
                category=category,
                price=price,
                currency=CURRENCY,
                created=self.start - timedelta(days=400),
            )
        for number in range(12):  # other shoppers: what is bought together here
            guest = self.emulator.order(
                f"guest{number}@example.net",
                self._basket(),
                currency=CURRENCY,
                created=self.start - timedelta(days=self.rng.uniform(20, 200)),
            )
            _fulfilled(guest)
        regulars = max(3, round(self.size * 0.3))
        big_spenders = max(1, self.size // 25)
        for number in range(regulars):
            shopper = self._shopper(joined=self.start - timedelta(days=self.rng.uniform(200, 600)))
            big = number < big_spenders
            # The last order 3 weeks to 5 months ago: those past 90 days in the window are
            # the win-back's; a big spender ordered often and recently.
            ages = sorted(
                (self.rng.uniform(20, 60) for _ in range(4))
                if big
                else (self.rng.uniform(25, 150) for _ in range(self.rng.randint(1, 3))),
                reverse=True,
            )
            for age in ages:
                lines = self._basket(big=big)
                order = self.emulator.order(
                    shopper.customer,
                    lines,
                    currency=CURRENCY,
                    created=self.start - timedelta(days=age),
                )
                _fulfilled(order)
                shopper.orders += 1
            if big:  # the fifth order in a year puts them among the best customers
                self.at(
                    self._days_in(3, self.days * 0.8), lambda s=shopper: self.order(s, big=True)
                )
            else:
                self._plan_regular(shopper)

    def install(self, manifest_url: str) -> Installation:
        """The operator installs the app, imports the shop's past, sets the storefront's
        URLs and turns on every template."""
        with time_machine_at(self.start):
            result = self.emulator.install(manifest_url)
            if not result.ok:
                raise RuntimeError(f"installing the app into the emulator failed: {result.message}")
            self.installation = Installation.objects.get(saleor_api_url=self.emulator.api_url)
            backfill_run(backfill_start(self.installation))
            EmailSettings.objects.update_or_create(
                installation=self.installation,
                defaults={
                    "checkout_url": f"{STOREFRONT}/checkout?token={{token}}",
                    "product_url": f"{STOREFRONT}/products/{{slug}}",
                },
            )
        self.clock = StoreClock(self.emulator, self.installation, start=self.start, beat=BEAT)
        for key in TEMPLATES:
            template_flow(self.clock, key)
        return self.installation

    # -- people -------------------------------------------------------------------------------

    def _shopper(self, joined: datetime) -> Shopper:
        number = next(self._names)
        first = FIRST_NAMES[number % len(FIRST_NAMES)]
        country, city, postal_code, language = self.rng.choice(PLACES)
        metadata = {"marketing_consent": "true" if self.rng.random() < 0.9 else "false"}
        if self.rng.random() < 0.85:
            metadata["birthday"] = self._birthday()
        email = f"{first.lower()}.{number}@example.com"
        customer = self.emulator.customer(
            email,
            first_name=first,
            last_name="Demo",
            country=country,
            city=city,
            postal_code=postal_code,
            language_code=language,
            metadata=metadata,
            date_joined=joined,
        )
        shopper = self.shoppers[email] = Shopper(email, customer)
        self.counts.customers += 1
        return shopper

    def _birthday(self) -> str:
        """A quarter within the window (so the figures do not depend on the season)."""
        if self.rng.random() < 0.25:
            day = self._days_in(1, self.days - 1).date()
        else:
            day = (self.start + timedelta(days=self.rng.uniform(0, 365))).date()
        year = self.rng.randint(1965, 2002)
        if (day.month, day.day) == (2, 29):
            return "02-29"
        return date(year, day.month, day.day).isoformat()

    def plan_newcomers(self) -> None:
        """Sign-ups spread over the window, each with what that customer will do."""
        regulars = len(self.shoppers)
        for _ in range(max(0, self.size - regulars)):
            self.at(self._days_in(0.05, self.days * 0.92), self.sign_up)

    def sign_up(self) -> None:
        shopper = self._shopper(joined=self.clock.now)
        deliver(self.clock, "CUSTOMER_CREATED", shopper.customer)
        self.counts.signups += 1
        now = self.clock.now
        if self.rng.random() < 0.40:
            self.at(now + timedelta(days=self.rng.uniform(0.2, 8)), lambda: self.fill_cart(shopper))
        if self.rng.random() < 0.55:
            first = now + timedelta(days=self.rng.uniform(1, 18))
            self.at(first, lambda: self.order(shopper))
            if self.rng.random() < 0.45:
                again = first + timedelta(days=self.rng.uniform(8, 25))
                self.at(again, lambda: self.order(shopper))

    def _plan_regular(self, shopper: Shopper) -> None:
        if self.rng.random() < 0.30:
            self.at(self._days_in(1, self.days), lambda: self.order(shopper))
        if self.rng.random() < 0.25:
            self.at(self._days_in(1, self.days), lambda: self.fill_cart(shopper))

    # -- what they do -------------------------------------------------------------------------

    def _basket(self, big: bool = False) -> list[tuple[dict, int]]:
        bundle = BUNDLES[2] if big else self.rng.choice(BUNDLES)
        size = len(bundle) if big else self.rng.randint(1, len(bundle))
        return [(self.products[name], self.rng.choice((1, 1, 1, 2))) for name in bundle[:size]]

    def fill_cart(self, shopper: Shopper) -> None:
        if shopper.checkout is not None:
            return
        with self.clock.frozen():
            checkout = self.emulator.checkout(
                user=shopper.customer, lines=self._basket(), currency=CURRENCY
            )
        shopper.checkout = checkout
        deliver(self.clock, "CHECKOUT_CREATED", checkout)
        self.counts.checkouts += 1
        if self.rng.random() < QUICK_PURCHASE_RATE:
            minutes = self.rng.uniform(5, 40)
            self.at(self.clock.now + timedelta(minutes=minutes), lambda: self.buy_cart(shopper))

    def buy_cart(self, shopper: Shopper) -> bool:
        """The shopper completes the open checkout; False when there is none."""
        checkout, shopper.checkout = shopper.checkout, None
        if checkout is None:
            return False
        with self.clock.frozen():
            order = self.emulator.complete_checkout(checkout)
        self._placed(shopper, order)
        return True

    def order(
        self,
        shopper: Shopper,
        *,
        big: bool = False,
        lines: list[tuple[dict, int]] | None = None,
        voucher_code: str | None = None,
    ) -> None:
        with self.clock.frozen():
            order = self.emulator.order(
                shopper.customer,
                lines or self._basket(big=big),
                currency=CURRENCY,
                voucher_code=voucher_code,
            )
        self._placed(shopper, order)

    def _placed(self, shopper: Shopper, order: dict) -> None:
        deliver(self.clock, "ORDER_CREATED", order)
        shopper.orders += 1
        self.counts.orders += 1
        shipped = self.clock.now + timedelta(days=self.rng.uniform(0.5, 3))
        self.at(shipped, lambda: deliver(self.clock, "ORDER_FULFILLED", fulfil(self.clock, order)))

    # -- reading the emails -------------------------------------------------------------------

    def _react(self, since: datetime) -> None:
        """Draw what each recipient of an email sent since `since` (the previous stop,
        included: a store event right after it may have had an email sent at that very
        moment) does with it, once per email."""
        sent = (
            Message.objects.filter(installation=self.installation, sent_at__gte=since)
            .exclude(pk__in=self._read)
            .select_related("enrollment__flow")
            .order_by("pk")
        )
        for message in sent:
            self._read.add(message.pk)
            if self.rng.random() >= OPEN_RATE:
                continue
            opened = message.sent_at + timedelta(minutes=self.rng.uniform(3, 600))
            self.at(opened, lambda m=message: self._open(m))
            tokens = re.findall(r'href="[^"]*/r/([^"/?#]+)"', message.body_html)
            if not tokens or self.rng.random() >= CLICK_RATE:
                continue
            token = self.rng.choice(tokens)
            clicked = opened + timedelta(minutes=self.rng.uniform(1, 20))
            self.at(clicked, lambda t=token: self._click(t))
            flow = message.enrollment.flow.name if message.enrollment else ""
            shopper = self.shoppers.get(message.to_address)
            if shopper and self.rng.random() < ORDER_RATE.get(flow, DEFAULT_ORDER_RATE):
                bought = clicked + timedelta(minutes=self.rng.uniform(5, 36 * 60))
                self.at(bought, lambda s=shopper, t=token: self._buy_after_click(s, t))

    def _open(self, message: Message) -> None:
        # Opens come from the ESP's tracking webhooks in production; the console backend has
        # none, so the demo records them as those webhooks would.
        with self.clock.frozen() as now:
            message_event_record(
                message,
                MessageEventKind.OPENED,
                occurred_at=now,
                dedupe_key=f"demo-open-{message.pk}",
                data={"source": "demo"},
            )
        self.counts.opens += 1

    def _click(self, token: str) -> None:
        """The recipient's browser follows the tracked link (the app counts the click)."""
        with self.clock.frozen():
            try:
                _opener.open(f"{self.app_url}/r/{token}", timeout=30)
            except urllib.error.HTTPError as answer:
                if answer.code != 302:
                    raise RuntimeError(f"a tracked link answered {answer.code}") from answer
        self.counts.clicks += 1

    def _buy_after_click(self, shopper: Shopper, token: str) -> None:
        """Back in the shop: the cart, else what the link showed, else a usual basket; with
        the shopper's voucher when they hold one."""
        if self.buy_cart(shopper):
            return
        try:
            product_id = tracked_link_read(token, now=self.clock.now).product_id
        except InvalidLink:
            product_id = ""
        shown = [p for p in self.products.values() if p["id"] == product_id]
        now = self.clock.now
        voucher = (
            VoucherCode.objects.filter(
                installation=self.installation,
                contact__email=shopper.email,
                redeemed_at__isnull=True,
                valid_until__gt=now,
            )
            .order_by("-created_at")
            .values_list("code", flat=True)
            .first()
        )
        self.order(shopper, lines=[(shown[0], 1)] if shown else None, voucher_code=voucher)

    # -- running ------------------------------------------------------------------------------

    def run(self, on_progress: Callable[[float], None] = lambda days: None) -> None:
        """Live through the window: store events, the app's work, the recipients' reading."""
        since = self.start
        while self.clock.now < self.end:
            target = min(self.clock.now + STEP, self.end)
            if self._agenda and self._agenda[0].at < target:
                target = max(self._agenda[0].at, self.clock.now)
            self.clock.advance_to(target)
            self._react(since)
            since = self.clock.now
            while self._agenda and self._agenda[0].at <= self.clock.now:
                heapq.heappop(self._agenda).run()
            on_progress((self.clock.now - self.start) / timedelta(days=1))
        problems = inbox_problems(self.installation)
        faults = self.emulator.take_faults()
        if problems or faults:
            raise RuntimeError(f"the store did not run cleanly: {problems or faults}")

    # -- what happened ------------------------------------------------------------------------

    def flow_rows(self) -> list[FlowRow]:
        """Each flow's totals over the window, as the dashboard reads them: the stats
        rollup counts what is new, flow_stats adds up the counters."""
        with self.clock.frozen():
            stats_rollup(settle=False)
        rows = []
        for flow in Flow.objects.filter(installation=self.installation).order_by("pk"):
            total = flow_stats(
                self.installation, flow.pk, since=self.start.date(), until=self.end.date()
            )["total"]
            rows.append(
                FlowRow(
                    name=flow.name,
                    entered=total["entered"],
                    sent=total["sent"],
                    opened=total["opened"],
                    clicked=total["clicked"],
                    converted=total["converted"],
                    attributed_orders=total["attributed_orders"],
                    revenue=total["revenue"].get(CURRENCY, Decimal(0)),
                )
            )
        return rows


def time_machine_at(moment: datetime) -> Any:
    """The wall clock held at `moment` (app, emulator and the served app alike)."""
    return time_machine.travel(moment, tick=False)


def now_on_the_hour() -> datetime:
    """The demo's window ends at the last full hour: the app picks up from there."""
    return timezone.now().replace(minute=0, second=0, microsecond=0)
