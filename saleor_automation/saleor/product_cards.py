"""Product cards for recommendations: a product's name, image, price and slug as one channel
sells it now (PROTOCOL.md §6 "Recommendations"), cached.

    product_cards(installation, *, channel, product_ids) -> dict[str, ProductCard]

Only products a shopper could buy in the channel come back (published, visible in
listings, available for purchase, in stock); the others are missing from the result. Cards
are cached per installation, channel and product for CARD_TTL (Django's default cache,
settings.CACHE_URL), unavailable products too, so a burst of sends asks Saleor once per
product: a price or stock change shows within that time. Raises SaleorTransportError or
SaleorGraphQLError (saleor/client.py, saleor/reachability.py) when Saleor has to be asked
and cannot answer.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.cache import cache

from .models import Installation
from .payloads import Product, TaxedMoney, _Model
from .reachability import saleor_read

DOCUMENT = "queries/product-recommendations"
# 15 minutes: a price, stock or publication change reaches emails within that time, and a
# send burst of one flow (thousands of messages with the same few products) asks once.
CARD_TTL = 15 * 60
BATCH = 100  # Saleor's most items per page (PROTOCOL.md §6)
CACHE_PREFIX = "saleor_automation:product-card:v1"
# Cached for a product Saleor did not return (not sold in the channel now): a falsy value
# that still counts as a hit.
UNAVAILABLE: dict[str, Any] = {}


@dataclass(frozen=True)
class ProductCard:
    id: str
    name: str
    slug: str
    image: str  # "" when the product has no image
    image_alt: str
    price: str  # the lowest variant's gross price as decimal text; "" when Saleor hid it
    currency: str
    on_sale: bool
    undiscounted_price: str  # the price before discounts ("" when the same or unknown)


class _PriceRange(_Model):
    start: TaxedMoney | None = None


class _Pricing(_Model):
    on_sale: bool | None = None
    price_range: _PriceRange | None = None
    price_range_undiscounted: _PriceRange | None = None


class _ProductNode(Product):
    is_available_for_purchase: bool | None = None
    pricing: _Pricing | None = None


def _start(price_range: _PriceRange | None) -> tuple[str, str]:
    gross = price_range.start.gross if price_range and price_range.start else None
    if gross is None or gross.amount is None:
        return "", ""
    return str(gross.amount), gross.currency or ""


def _card(node: _ProductNode) -> ProductCard | None:
    # A product available later (availableForPurchaseAt in the future) is listed but cannot
    # be bought yet: not worth a recommendation.
    if node.is_available_for_purchase is False or not node.name or not node.slug:
        return None
    pricing = node.pricing or _Pricing()
    price, currency = _start(pricing.price_range)
    undiscounted, _ = _start(pricing.price_range_undiscounted)
    return ProductCard(
        id=node.id,
        name=node.name,
        slug=node.slug,
        image=(node.thumbnail.url or "") if node.thumbnail else "",
        image_alt=(node.thumbnail.alt or "") if node.thumbnail else "",
        price=price,
        currency=currency,
        on_sale=bool(pricing.on_sale),
        undiscounted_price=undiscounted if undiscounted != price else "",
    )


def cache_key(installation_id: int, channel: str, product_id: str) -> str:
    return f"{CACHE_PREFIX}:{installation_id}:{channel}:{product_id}"


def _fetch(installation: Installation, channel: str, ids: list[str]) -> dict[str, ProductCard]:
    cards: dict[str, ProductCard] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        variables = {"channel": channel, "ids": chunk, "first": len(chunk)}
        data = saleor_read(installation, DOCUMENT, variables)
        for edge in (data.get("products") or {}).get("edges") or []:
            card = _card(_ProductNode.model_validate(edge["node"]))
            if card is not None and card.id in chunk:
                cards[card.id] = card
    return cards


def product_cards(
    installation: Installation, *, channel: str, product_ids: Iterable[str]
) -> dict[str, ProductCard]:
    """The cards of those `product_ids` sold in `channel` now, by product id (see the module
    doc); order and duplicates of `product_ids` do not matter."""
    ids = list(dict.fromkeys(pid for pid in product_ids if pid))
    if not ids or not channel:
        return {}
    keys = {pid: cache_key(installation.pk, channel, pid) for pid in ids}
    cached = cache.get_many(list(keys.values()))
    cards = {pid: ProductCard(**cached[keys[pid]]) for pid in ids if cached.get(keys[pid])}
    missing = [pid for pid in ids if keys[pid] not in cached]
    if missing:
        fetched = _fetch(installation, channel, missing)
        cache.set_many(
            {keys[pid]: asdict(fetched[pid]) if pid in fetched else UNAVAILABLE for pid in missing},
            CARD_TTL,
        )
        cards.update(fetched)
    return {pid: cards[pid] for pid in ids if pid in cards}
