"""What content is rendered with: the render context a producer stores on the message at
queue time, and the template context built from it at send time.

    render_context_make(*, contact, timezone, context) -> dict
    render_data(context) -> dict
    template_context(render_context, *, language, store, links) -> dict

The render context (Message.render_context, JSON):

    {"contact": {"first_name", "last_name", "email", "language", "country"},
     "timezone": "Europe/Berlin",
     "context": {"checkout": {...}, "order": {...}, "voucher": {...},
                 "recommendations": [{"name", "url", "image", "price", "currency",
                                      "product_id"}]}}

"context" holds the enrollment's data under the names flows gives it: "checkout" as
flows.triggers.common.checkout_context writes it, "voucher" as create_voucher does
({"code", "valid_until", "discount"}), "recommendations" from a recommender at send time
(flows/recommending.py: "price" a decimal string in "currency", "product_id" Saleor's id,
which a tracked link carries to its click event).

The template context holds plain strings, numbers, dicts and lists only (no model, nothing
callable), with prices and dates already formatted for the reader:
first_name last_name email language locale currency timezone checkout order voucher
recommendations recovery_url unsubscribe_url preferences_url confirm_url store.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from .content import ANY_LANGUAGE, language_key
from .formatting import date_local, locale_choose, money

CONTEXT_KEYS = ("checkout", "order", "voucher", "recommendations")
CONTACT_KEYS = ("first_name", "last_name", "email", "language", "country")
CHECKOUT_URL_SLOT = "{token}"  # where the checkout token goes
PRODUCT_URL_SLOT = "{slug}"  # where a product's slug goes in a storefront product URL
CHANNEL_URL_SLOT = "{channel}"  # and, optionally, its channel's slug


def _same(url: str) -> str:
    return url


@dataclass(frozen=True)
class Links:
    """How links come out: `track` wraps a link for click tracking (identity in previews);
    `track_product(url, product_id)`, when given, wraps a link to a product so its clicks
    name the product."""

    track: Callable[[str], str] = field(default=_same)
    track_product: Callable[[str, str], str] | None = None
    unsubscribe_url: str = ""
    preferences_url: str = ""
    confirm_url: str = ""  # the double opt-in link of the message (messaging.confirm)


@dataclass(frozen=True)
class Store:
    name: str = ""
    postal_address: str = ""
    checkout_url: str = ""  # with "{token}"; "" when the storefront has none


def render_context_make(
    *, contact: Mapping[str, Any], timezone: str, context: Mapping[str, Any]
) -> dict[str, Any]:
    """The JSON to store on a message: the contact's names and language, the reader's time
    zone and the enrollment's data that content can show, nothing else."""
    return {
        "contact": {key: contact.get(key) or "" for key in CONTACT_KEYS},
        "timezone": timezone or "UTC",
        "context": render_data(context),
    }


def render_data(context: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an enrollment's context that content can show (the render context's
    "context"); a pre_render receiver refreshing it at send time uses this too."""
    return {key: context[key] for key in CONTEXT_KEYS if context.get(key) is not None}


def product_url_make(template: str, *, slug: str, channel: str) -> str:
    """The storefront page of a product from the store's product URL template ("" when
    there is none, or the result is not a web link)."""
    if not template or not slug or PRODUCT_URL_SLOT not in template:
        return ""
    url = template.replace(PRODUCT_URL_SLOT, quote(slug)).replace(CHANNEL_URL_SLOT, quote(channel))
    return _url(url)


def languages(render_context: Mapping[str, Any]) -> list[str]:
    """The reader's languages, best first: the contact's, then the checkout's."""
    contact = render_context.get("contact") or {}
    data = render_context.get("context") or {}
    checkout = data.get("checkout") or {}
    order = data.get("order") or {}
    found = [contact.get("language"), checkout.get("language"), order.get("language")]
    return [code for code in found if code]


def _url(value: Any) -> str:
    """Only web links reach a template: a "javascript:" URL in store data must not."""
    if not isinstance(value, str):
        return ""
    parts = urlsplit(value)
    return value if parts.scheme in ("https", "http") and parts.netloc else ""


def template_context(
    render_context: Mapping[str, Any], *, language: str, store: Store, links: Links
) -> dict[str, Any]:
    contact = render_context.get("contact") or {}
    data = render_context.get("context") or {}
    timezone = render_context.get("timezone") or "UTC"
    checkout = data.get("checkout") if isinstance(data.get("checkout"), Mapping) else None
    order = data.get("order") if isinstance(data.get("order"), Mapping) else None
    currency = str((checkout or {}).get("currency") or (order or {}).get("currency") or "")
    locale = _locale(language, contact)
    recovery = ""
    if checkout and checkout.get("token") and store.checkout_url:
        target = store.checkout_url.replace(CHECKOUT_URL_SLOT, quote(str(checkout["token"])))
        recovery = links.track(target) if _url(target) else ""
    return {
        "first_name": str(contact.get("first_name") or ""),
        "last_name": str(contact.get("last_name") or ""),
        "email": str(contact.get("email") or ""),
        "language": language or language_key(contact.get("language")),
        "locale": locale,
        "currency": currency,
        "timezone": timezone,
        "checkout": _checkout(checkout, currency, locale, timezone) if checkout else None,
        "order": _order(order, locale, timezone) if order else None,
        "voucher": _voucher(data.get("voucher"), locale, timezone),
        "recommendations": _recommendations(data.get("recommendations"), currency, locale, links),
        "recovery_url": recovery,
        "unsubscribe_url": links.unsubscribe_url,
        "preferences_url": links.preferences_url,
        "confirm_url": links.confirm_url,
        "store": {"name": store.name, "postal_address": store.postal_address},
    }


def _locale(language: str, contact: Mapping[str, Any]) -> str:
    """The contact's own locale when the variant is in their language (de-AT keeps its
    Austrian dates); else the variant's language, with the contact's country."""
    own = language_key(contact.get("language"))
    country = str(contact.get("country") or "")
    if language == ANY_LANGUAGE or own.split("-")[0] == language.split("-")[0]:
        return locale_choose(own or language, country)
    return locale_choose(language, country)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _checkout(raw: Mapping[str, Any], currency: str, locale: str, tz: str) -> dict[str, Any]:
    lines = []
    for line in raw.get("lines") or []:
        if not isinstance(line, Mapping):
            continue
        name = str(line.get("product_name") or line.get("variant_name") or "")
        variant = str(line.get("variant_name") or "")
        lines.append(
            {
                "name": name,
                "variant": variant if variant != name else "",
                "sku": str(line.get("sku") or ""),
                "quantity": _int(line.get("quantity")),
                "image": _url(line.get("thumbnail_url")),
                "unit_price": money(line.get("unit_price"), currency, locale),
                "total_price": money(line.get("total_price"), currency, locale),
            }
        )
    return {
        "lines": lines,
        "lines_count": _int(raw.get("lines_count")) or len(lines),
        "quantity": _int(raw.get("quantity")),
        "total": money(raw.get("total"), currency, locale),
        "subtotal": money(raw.get("subtotal"), currency, locale),
        "voucher_code": str(raw.get("voucher_code") or ""),
        "updated_at": date_local(raw.get("updated_at"), locale, tz),
    }


def _order(raw: Mapping[str, Any], locale: str, tz: str) -> dict[str, Any]:
    currency = str(raw.get("currency") or "")
    return {
        "number": str(raw.get("number") or ""),
        "total": money(raw.get("total"), currency, locale),
        "created_at": date_local(raw.get("created_at"), locale, tz),
    }


def _voucher(raw: Any, locale: str, tz: str) -> dict[str, str] | None:
    if not isinstance(raw, Mapping) or not raw.get("code"):
        return None
    return {
        "code": str(raw["code"]),
        "discount": str(raw.get("discount") or ""),
        "valid_until": date_local(raw.get("valid_until"), locale, tz),
    }


def _tracked(url: str, product_id: str, links: Links) -> str:
    if not url:
        return ""
    if product_id and links.track_product is not None:
        return links.track_product(url, product_id)
    return links.track(url)


def _recommendations(raw: Any, currency: str, locale: str, links: Links) -> list[dict[str, str]]:
    items = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, Mapping) or not item.get("name"):
            continue
        url = _url(item.get("url"))
        price = item.get("price")
        product_id = str(item.get("product_id") or "")
        items.append(
            {
                "name": str(item["name"]),
                "product_id": product_id,
                "url": _tracked(url, product_id, links),
                "image": _url(item.get("image") or item.get("thumbnail_url")),
                "price": ""
                if price in (None, "")
                else money(price, str(item.get("currency") or currency), locale),
            }
        )
    return items
