"""Revenue attribution: which flow message an order's revenue is credited to, per order line.

    attribution_settings(installation) -> AttributionSettings
    order_counts(status) -> bool
    attribution_decide(order, lines, touches, *, settings, now) -> Decision
    line_amounts(order, lines) -> dict[str, Decimal]

The plain functions decide; stats.attribution_services loads the touches and writes.

Rules:
- Only counted orders (contacts.services.facts.NOT_COUNTED_STATUSES) are attributed, once:
  the decision is made the first time the order is seen counted and never again (a unique
  order per OrderAttribution); later events only recompute the amounts.
- Direct first: a voucher code a flow issued wins the order for the message that carried it
  (the enrollment's first message of a send node after the voucher node, else its latest
  message); else the order's checkout being a cart flow's checkout wins it for that
  enrollment's last message sent before the order. Both only count messages sent before the
  order.
- Otherwise the last message the buyer clicked within the click window before the order's
  creation (both ends included: a click exactly `click_days` before counts, one second more
  does not; a click after the order never counts); with the "click_or_open" model opens within
  the open window compete too, the latest touch winning (a click over an open at the same
  instant).
- Per line: a line whose product the buyer clicked in a message within the click window
  (the click's data "product_id", or the product's slug as a segment of the clicked URL)
  goes to the latest such click, whatever won the order; other lines go to the order's
  winner, or stay unattributed when nothing won.
- Amounts: the order's net revenue (total gross minus refunded; zero once the order stops
  counting, e.g. cancelled) spread over its lines in proportion to their totals, so shipping
  and order-level discounts are shared and the lines add up to the order exactly. Saleor's
  order payload carries refunds per order (totalRefunded), not per line, so a refund is
  shared the same way. An order without lines is one line, key "".
- Every message is of the order's installation: touches are read through it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from urllib.parse import urlsplit

from django.conf import settings as django_settings

from ..contacts.services.facts import NOT_COUNTED_STATUSES
from ..saleor.installation_settings import ATTRIBUTION_MODELS, MAX_ATTRIBUTION_DAYS
from ..saleor.models import Installation
from .models import AttributionKind

DEFAULTS = {"model": "click", "click": 5, "open": 1}  # README's Configuration table
CENT = Decimal("0.001")  # the money precision of the mirrors (contacts.models.MONEY)
DIRECT_KINDS = (AttributionKind.VOUCHER, AttributionKind.CART_RECOVERY)


@dataclass(frozen=True)
class AttributionSettings:
    model: str  # "click" | "click_or_open"
    click_window: timedelta
    open_window: timedelta

    @property
    def counts_opens(self) -> bool:
        return self.model == "click_or_open"


@dataclass(frozen=True)
class OrderFacts:
    created_at: datetime | None
    status: str
    currency: str
    total_gross: Decimal
    total_refunded: Decimal


@dataclass(frozen=True)
class LineFacts:
    key: str
    product_id: str
    product_slug: str
    total_price: Decimal


@dataclass(frozen=True)
class Touch:
    """A message reaching the buyer: a click, an open, or the send that carried a voucher or
    wrote about the checkout."""

    kind: str  # AttributionKind (PRODUCT is never a touch's kind: a click is)
    at: datetime
    message_id: int
    flow_id: int
    version_id: int
    node_id: str
    product_id: str = ""
    url: str = ""


@dataclass(frozen=True)
class Credit:
    line_key: str
    product_id: str
    kind: str  # AttributionKind
    touch: Touch


@dataclass(frozen=True)
class Decision:
    winner: Touch | None  # the order-level winner
    credits: tuple[Credit, ...]


def attribution_settings(installation: Installation) -> AttributionSettings:
    """The installation's choice, else the deployment default (ATTRIBUTION_* settings). A
    default out of range (the system check reports it at start) reads as the documented
    one: attribution runs inside order processing, which must not stop for it."""
    model = installation.attribution_model or django_settings.ATTRIBUTION_MODEL
    if model not in ATTRIBUTION_MODELS:
        model = DEFAULTS["model"]
    days = {}
    for name, own in (
        ("click", installation.attribution_click_days),
        ("open", installation.attribution_open_days),
    ):
        value = own or getattr(django_settings, f"ATTRIBUTION_{name.upper()}_DAYS")
        days[name] = value if 1 <= value <= MAX_ATTRIBUTION_DAYS else DEFAULTS[name]
    return AttributionSettings(
        model=model,
        click_window=timedelta(days=days["click"]),
        open_window=timedelta(days=days["open"]),
    )


def order_counts(status: str) -> bool:
    return status not in NOT_COUNTED_STATUSES


def _within(touch: Touch, placed: datetime, window: timedelta) -> bool:
    return placed - window <= touch.at <= placed


def _url_has_slug(url: str, slug: str) -> bool:
    return bool(url and slug) and slug in urlsplit(url).path.split("/")


def _product_matches(touch: Touch, line: LineFacts) -> bool:
    if touch.product_id:
        return touch.product_id == line.product_id
    return _url_has_slug(touch.url, line.product_slug)


def _latest(touches: Iterable[Touch]) -> Touch | None:
    # Latest first; at the same instant a click beats an open, then the newer message.
    ordered = sorted(touches, key=lambda t: (t.at, t.kind == AttributionKind.CLICK, t.message_id))
    return ordered[-1] if ordered else None


def attribution_decide(
    order: OrderFacts,
    lines: Sequence[LineFacts],
    touches: Iterable[Touch],
    *,
    settings: AttributionSettings,
    now: datetime,
) -> Decision:
    """Who wins the order and each of its lines (the rules in the module docstring)."""
    if not order_counts(order.status):
        return Decision(winner=None, credits=())
    placed = order.created_at or now
    touches = list(touches)
    clicks = [
        t
        for t in touches
        if t.kind == AttributionKind.CLICK and _within(t, placed, settings.click_window)
    ]
    winner = None
    for kind in DIRECT_KINDS:
        winner = _latest(t for t in touches if t.kind == kind and t.at <= placed)
        if winner is not None:
            break
    if winner is None:
        engaged = list(clicks)
        if settings.counts_opens:
            engaged += [
                t
                for t in touches
                if t.kind == AttributionKind.OPEN and _within(t, placed, settings.open_window)
            ]
        winner = _latest(engaged)
    credits = []
    for line in lines or [LineFacts(key="", product_id="", product_slug="", total_price=CENT)]:
        product_click = _latest(t for t in clicks if line.key and _product_matches(t, line))
        if product_click is not None:
            kind = AttributionKind.PRODUCT
            credits.append(Credit(line.key, line.product_id, kind, product_click))
        elif winner is not None:
            credits.append(Credit(line.key, line.product_id, winner.kind, winner))
    return Decision(winner=winner, credits=tuple(credits))


def line_amounts(order: OrderFacts, lines: Sequence[LineFacts]) -> dict[str, Decimal]:
    """Each line's share of the order's net revenue (the rules in the module docstring)."""
    net = max(order.total_gross - order.total_refunded, Decimal(0))
    if not order_counts(order.status):
        net = Decimal(0)
    if not lines:
        return {"": net}
    weights = [max(line.total_price, Decimal(0)) for line in lines]
    whole = sum(weights)
    if not whole:
        weights, whole = [Decimal(1)] * len(lines), Decimal(len(lines))
    shares = {}
    given = Decimal(0)
    for line, weight in zip(lines[:-1], weights[:-1], strict=True):
        share = (net * weight / whole).quantize(CENT, rounding=ROUND_DOWN)
        shares[line.key] = share
        given += share
    shares[lines[-1].key] = net - given  # the rounding rest: the lines add up exactly
    return shares
