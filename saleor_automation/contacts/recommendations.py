"""Product recommendations from the orders the app has seen (no Saleor API calls), read from
the bestseller and bought-together counts that services/product_sales.py keeps current
order by order (per installation and channel).

    recommendations_for(installation, *, product_ids, channel, exclude_product_ids=(),
                        limit=4) -> list[dict]
    order_product_ids(installation, *, order_id) -> list[str]
    contact_product_ids(installation, *, contact_id) -> set[str]
    contact_channel(installation, *, contact_id) -> str

Each dict: {"product_id", "name", "category_id", "score", "source"}. Ranked in three tiers,
each filling what the one before left free:
- "co_purchase": products bought in the same orders as any of `product_ids`; score = the
  orders holding it with a seed, summed over the seeds;
- "category": bestsellers of the categories of `product_ids`; score = orders containing it;
- "channel": bestsellers of the whole channel; score likewise.
Only counted orders of the channel take part (not draft, unconfirmed, cancelled or expired).
`product_ids` themselves and `exclude_product_ids` (what the customer already bought) are
never recommended. Ties go to the smaller product id so the result is stable.

Live price, image and availability come from Saleor at send time, not from here.
"""

from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import F, QuerySet, Sum

from ..saleor.models import Installation
from .models import Checkout, CoPurchase, Order, OrderLine, ProductSales

CO_PURCHASE = "co_purchase"
CATEGORY = "category"
CHANNEL = "channel"


def _cards(rows: Iterable[tuple[str, int]], facts: dict[str, tuple[str, str]]) -> list[dict]:
    return [
        {
            "product_id": product,
            "name": facts.get(product, ("", ""))[1],
            "category_id": facts.get(product, ("", ""))[0],
            "score": score,
        }
        for product, score in rows
    ]


def _bestsellers(sales: QuerySet[ProductSales], skip: set[str], limit: int) -> list[dict]:
    rows = (
        sales.exclude(product_id__in=skip)
        .order_by("-orders", "product_id")
        .values_list("product_id", "orders", "category_id", "product_name")[:limit]
    )
    return [
        {"product_id": product, "name": name, "category_id": category, "score": orders}
        for product, orders, category, name in rows
    ]


def recommendations_for(
    installation: Installation,
    *,
    product_ids: Collection[str],
    channel: str,
    exclude_product_ids: Collection[str] = (),
    limit: int = 4,
) -> list[dict[str, Any]]:
    """Up to `limit` products to suggest alongside `product_ids` (see the module doc)."""
    if limit <= 0:
        return []
    seeds = {pid for pid in product_ids if pid}
    skip = seeds | set(exclude_product_ids)
    sales = ProductSales.objects.filter(
        installation=installation, channel_slug=channel, orders__gt=0
    )
    found: list[dict[str, Any]] = []

    def add(items: list[dict[str, Any]], source: str) -> None:
        for item in items:
            found.append({**item, "source": source})
            skip.add(item["product_id"])

    if seeds:
        pairs = (
            CoPurchase.objects.filter(
                installation=installation,
                channel_slug=channel,
                product_id__in=seeds,
                orders__gt=0,
            )
            .exclude(other_product_id__in=skip)
            .values("other_product_id")
            .annotate(score=Sum("orders"))
            .order_by("-score", "other_product_id")
            .values_list("other_product_id", "score")[:limit]
        )
        pairs = list(pairs)
        facts = {
            product: (category, name)
            for product, category, name in sales.filter(
                product_id__in=[product for product, _ in pairs]
            ).values_list("product_id", "category_id", "product_name")
        }
        add(_cards(pairs, facts), CO_PURCHASE)
        if len(found) < limit:
            # The seeds' categories from any of their lines: a category is a product fact,
            # so a seed only ever bought in a cancelled order still names one.
            categories = (
                OrderLine.objects.filter(installation=installation, product_id__in=seeds)
                .exclude(category_id="")
                .values("category_id")
            )
            add(
                _bestsellers(sales.filter(category_id__in=categories), skip, limit - len(found)),
                CATEGORY,
            )
    if len(found) < limit:
        add(_bestsellers(sales, skip, limit - len(found)), CHANNEL)
    return found


def order_product_ids(installation: Installation, *, order_id: str) -> list[str]:
    """The products of the mirrored order with Saleor id `order_id` (the seeds of an order
    flow's recommendations), in line order."""
    ids = OrderLine.objects.filter(
        installation=installation,
        order__installation=installation,
        order__saleor_id=order_id,
    ).exclude(product_id="")
    return list(dict.fromkeys(ids.order_by("pk").values_list("product_id", flat=True)))


def contact_product_ids(installation: Installation, *, contact_id: int) -> set[str]:
    """Every product the contact has ordered (what recommendations leave out)."""
    return set(
        OrderLine.objects.filter(
            installation=installation,
            order__installation=installation,
            order__contact_id=contact_id,
        )
        .exclude(product_id="")
        .values_list("product_id", flat=True)
        .distinct()
    )


def contact_channel(installation: Installation, *, contact_id: int) -> str:
    """The channel the contact last shopped in (latest order, else latest checkout); ""
    when they never did."""
    for model, moment in ((Order, "saleor_created_at"), (Checkout, "saleor_updated_at")):
        slug = (
            model.objects.filter(installation=installation, contact_id=contact_id)
            .exclude(channel_slug="")
            .order_by(F(moment).desc(nulls_last=True), "-pk")
            .values_list("channel_slug", flat=True)
            .first()
        )
        if slug:
            return slug
    return ""
