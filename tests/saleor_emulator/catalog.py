"""Factories for the catalog side of the store: channels, categories, products, variants.

Objects are plain dicts in Saleor's GraphQL shape (camelCase, `__typename`). Shared objects
(channel, category, collection, product type) are matched by slug when added to an emulator,
so two products made with category="Shoes" end up in one category there.
"""

from collections.abc import Iterable
from datetime import datetime

from .ids import new_global_id
from .values import country, iso, metadata_items, now, taxed_money


def slugify(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def make_channel(
    slug: str = "default-channel",
    *,
    currency: str = "USD",
    name: str | None = None,
    default_country: str = "US",
    is_active: bool = True,
) -> dict:
    return {
        "__typename": "Channel",
        "id": new_global_id("Channel"),
        "slug": slug,
        "name": name or slug.replace("-", " ").title(),
        "isActive": is_active,
        "currencyCode": currency,
        "defaultCountry": country(default_country),
        "countries": [country(default_country)],
        "hasOrders": False,
        "metadata": [],
        "privateMetadata": [],
    }


def make_category(name: str, *, slug: str | None = None) -> dict:
    return {
        "__typename": "Category",
        "id": new_global_id("Category"),
        "name": name,
        "slug": slug or slugify(name),
        "level": 0,
        "parent": None,
        "description": None,
        "seoTitle": None,
        "seoDescription": None,
        "backgroundImage": None,
        "updatedAt": iso(now()),
        "metadata": [],
        "privateMetadata": [],
    }


def make_collection(name: str, *, slug: str | None = None) -> dict:
    return {
        "__typename": "Collection",
        "id": new_global_id("Collection"),
        "name": name,
        "slug": slug or slugify(name),
        "channel": None,
        "description": None,
        "seoTitle": None,
        "seoDescription": None,
        "backgroundImage": None,
        "metadata": [],
        "privateMetadata": [],
    }


def make_product_type(name: str = "Simple", *, slug: str | None = None) -> dict:
    return {
        "__typename": "ProductType",
        "id": new_global_id("ProductType"),
        "name": name,
        "slug": slug or slugify(name),
        "hasVariants": False,
        "isShippingRequired": True,
        "kind": "NORMAL",
        "weight": None,
        "metadata": [],
        "privateMetadata": [],
    }


def _listing(channel: dict, published: datetime) -> dict:
    return {
        "__typename": "ProductChannelListing",
        "id": new_global_id("ProductChannelListing"),
        "channel": channel,
        "isPublished": True,
        "publishedAt": iso(published),
        "publicationDate": published.date().isoformat(),
        "visibleInListings": True,
        "isAvailableForPurchase": True,
        "availableForPurchaseAt": iso(published),
        "availableForPurchase": published.date().isoformat(),
    }


def _pricing(price: float, currency: str) -> dict:
    price_range = {"start": taxed_money(price, currency), "stop": taxed_money(price, currency)}
    return {
        "onSale": False,
        "discount": None,
        "discountPrior": None,
        "discountLocalCurrency": None,
        "displayGrossPrices": True,
        "priceRange": price_range,
        "priceRangeUndiscounted": price_range,
        "priceRangePrior": None,
        "priceRangeLocalCurrency": None,
    }


def make_variant(
    product: dict, *, name: str = "", sku: str | None = None, price: float = 10.0
) -> dict:
    """A variant of `product`, appended to its `variants`."""
    currency = product["pricing"]["priceRange"]["start"]["currency"]
    created = iso(now())
    variant = {
        "__typename": "ProductVariant",
        "id": new_global_id("ProductVariant"),
        "name": name,
        "sku": sku,
        "product": product,
        "trackInventory": True,
        "quantityAvailable": 100,
        "quantityLimitPerCustomer": None,
        "externalReference": None,
        "created": created,
        "updatedAt": created,
        "pricing": {
            "onSale": False,
            "discount": None,
            "discountPrior": None,
            "discountLocalCurrency": None,
            "price": taxed_money(price, currency),
            "priceUndiscounted": taxed_money(price, currency),
            "pricePrior": None,
            "priceLocalCurrency": None,
        },
        "metadata": [],
        "privateMetadata": [],
    }
    product["variants"].append(variant)
    if product["defaultVariant"] is None:
        product["defaultVariant"] = variant
    return variant


def make_product(
    name: str,
    *,
    category: str | dict | None = "Default",
    price: float = 10.0,
    currency: str = "USD",
    slug: str | None = None,
    sku: str | None = None,
    collections: Iterable[str | dict] = (),
    product_type: str | dict = "Simple",
    channels: Iterable[str | dict] = ("default-channel",),
    metadata: dict[str, str] | None = None,
    created: datetime | None = None,
) -> dict:
    """A product with one variant (`defaultVariant`), published in `channels`."""
    slug = slug or slugify(name)
    created = created or now()
    listed = [c if isinstance(c, dict) else make_channel(c, currency=currency) for c in channels]
    product = {
        "__typename": "Product",
        "id": new_global_id("Product"),
        "name": name,
        "slug": slug,
        "description": None,
        "seoTitle": None,
        "seoDescription": None,
        "externalReference": None,
        "rating": None,
        "chargeTaxes": True,
        "weight": None,
        "channel": None,  # set on the copies returned for products(channel:)
        "category": make_category(category) if isinstance(category, str) else category,
        "collections": [make_collection(c) if isinstance(c, str) else c for c in collections],
        "productType": (
            make_product_type(product_type) if isinstance(product_type, str) else product_type
        ),
        "thumbnail": {"url": f"https://media.example.com/thumbnails/{slug}.webp", "alt": name},
        "isAvailable": True,
        "isAvailableForPurchase": True,
        "availableForPurchaseAt": iso(created),
        "channelListings": [_listing(channel, created) for channel in listed],
        "pricing": _pricing(price, currency),
        "created": iso(created),
        "updatedAt": iso(created),
        "variants": [],
        "defaultVariant": None,
        "metadata": metadata_items(metadata),
        "privateMetadata": [],
    }
    make_variant(product, sku=sku or f"SKU-{slug}".upper(), price=price)
    return product
