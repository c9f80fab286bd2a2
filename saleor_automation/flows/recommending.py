"""Recommendations in a flow's message, picked when the message is rendered.

    message_recommendations(message, data) -> list[dict] | None
    recommendations_limit(content) -> int

Only content that shows the `{% recommendations %}` block gets them (a look at its text, no
query otherwise). The products come from the mirrored order history
(contacts.recommendations: bought together with the enrollment's order or checkout, then
bestsellers of their categories, then of the channel), never one the contact already
bought; Saleor then says which of them the channel sells now, with image, name and price
(saleor.product_cards, cached). The channel is the order's or checkout's, else the one the
contact last shopped in, else the store's first active channel.

Each item is the render context's {"product_id", "name", "url", "image", "price",
"currency"}: "url" from the store's product URL template (none without one), "price" a
decimal string in the channel's currency (formatted for the reader by the renderer).
"""

import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..contacts.recommendations import (
    contact_channel,
    contact_product_ids,
    order_product_ids,
    recommendations_for,
)
from ..messaging.models import Message
from ..messaging.rendering.context import product_url_make
from ..messaging.rendering.library import MAX_RECOMMENDATIONS
from ..messaging.sender import email_profile
from ..messaging.signals import DeferSend
from ..saleor.exceptions import SaleorGraphQLError, SaleorTransportError
from ..saleor.models import Installation
from ..saleor.product_cards import product_cards

logger = logging.getLogger(__name__)

_TAG = re.compile(r"\{%-?\s*recommendations\b(?P<args>.*?)%\}", re.DOTALL)
_LIMIT = re.compile(r"\blimit\s*=\s*[\"']?(\d+)")
DEFAULT_LIMIT = 4  # the block's own default (messaging.rendering.library.recommendations)
# Candidates ranked per product shown: some are no longer sold in the channel.
CANDIDATES_PER_ITEM = 3
SALEOR_UNREACHABLE = "Saleor unreachable while loading recommended products"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def recommendations_limit(content: Any) -> int:
    """The most products any `{% recommendations %}` block of `content` shows (its `limit`,
    else the block's default), 0 when no block does."""
    most = 0
    for text in _strings(content):
        for match in _TAG.finditer(text):
            found = _LIMIT.search(match["args"])
            limit = int(found[1]) if found else DEFAULT_LIMIT
            most = max(most, min(limit, MAX_RECOMMENDATIONS))
    return most


def _seeds(installation: Installation, data: Mapping[str, Any]) -> tuple[list[str], str]:
    """The products recommendations go with, and their channel: the order's, else the
    checkout's."""
    order = data.get("order")
    if isinstance(order, Mapping) and order.get("id"):
        products = order_product_ids(installation, order_id=str(order["id"]))
        return products, str(order.get("channel") or "")
    checkout = data.get("checkout")
    if isinstance(checkout, Mapping):
        lines = [line for line in checkout.get("lines") or [] if isinstance(line, Mapping)]
        products = [str(line["product_id"]) for line in lines if line.get("product_id")]
        return products, str(checkout.get("channel") or "")
    return [], ""


def _store_channel(installation: Installation) -> str:
    for channel in installation.channels or []:
        if isinstance(channel, Mapping) and channel.get("slug") and channel.get("isActive", True):
            return str(channel["slug"])
    return ""


def message_recommendations(message: Message, data: Mapping[str, Any]) -> list[dict] | None:
    """Products for the message's `{% recommendations %}` blocks (see the module doc), or
    None when its content has none. `data` is the enrollment's render data (its order or
    checkout). Raises DeferSend when Saleor cannot be reached; a Saleor refusal leaves the
    products out."""
    limit = recommendations_limit(message.content)
    if not limit:
        return None
    installation = message.installation
    seeds, channel = _seeds(installation, data)
    channel = (
        channel
        or contact_channel(installation, contact_id=message.contact_id)
        or _store_channel(installation)
    )
    if not channel:
        return []
    candidates = recommendations_for(
        installation,
        product_ids=seeds,
        channel=channel,
        exclude_product_ids=contact_product_ids(installation, contact_id=message.contact_id),
        limit=limit * CANDIDATES_PER_ITEM,
    )
    try:
        cards = product_cards(
            installation, channel=channel, product_ids=[c["product_id"] for c in candidates]
        )
    except SaleorTransportError as exc:
        logger.warning("installation %s: recommendations deferred: %s", installation.pk, exc)
        raise DeferSend(SALEOR_UNREACHABLE) from exc
    except SaleorGraphQLError as exc:
        logger.warning("installation %s: recommendations left out: %s", installation.pk, exc)
        return []
    url_template = email_profile(installation.pk).product_url
    items = []
    for candidate in candidates:
        card = cards.get(candidate["product_id"])
        if card is None:
            continue
        items.append(
            {
                "product_id": card.id,
                "name": card.name,
                "url": product_url_make(url_template, slug=card.slug, channel=channel),
                "image": card.image,
                "price": card.price,
                "currency": card.currency,
            }
        )
        if len(items) == limit:
            break
    return items
