"""Product recommendations from the mirrored order history (no Saleor API calls).

    recommendations_for(installation, *, product_ids, channel, exclude_product_ids=(),
                        limit=4) -> list[dict]
    order_product_ids(installation, *, order_id) -> list[str]
    contact_product_ids(installation, *, contact_id) -> set[str]
    contact_channel(installation, *, contact_id) -> str

Each dict: {"product_id", "name", "category_id", "score", "source"}. Ranked in three tiers,
each filling what the one before left free:
- "co_purchase": products bought in the same orders as any of `product_ids`; score = the
  number of such orders;
- "category": bestsellers of the categories of `product_ids`; score = orders containing it;
- "channel": bestsellers of the whole channel; score likewise.
Only counted orders of the channel take part (not draft, unconfirmed, cancelled or expired).
`product_ids` themselves and `exclude_product_ids` (what the customer already bought) are
never recommended. Ties go to the smaller product id so the result is stable.

Live price, image and availability come from Saleor at send time, not from here.
"""

from collections.abc import Collection
from typing import Any

from django.db.models import Count, F, Max, QuerySet

from ..saleor.models import Installation
from .models import Checkout, Order, OrderLine
from .services.facts import NOT_COUNTED_STATUSES

CO_PURCHASE = "co_purchase"
CATEGORY = "category"
CHANNEL = "channel"


def _counted_lines(installation: Installation, channel: str) -> QuerySet[OrderLine]:
    # Both installation filters: a line's own installation must match its order's, and
    # filtering on each keeps another installation's rows out even if they ever disagreed.
    return (
        OrderLine.objects.filter(
            installation=installation,
            order__installation=installation,
            order__channel_slug=channel,
        )
        .exclude(order__status__in=NOT_COUNTED_STATUSES)
        .exclude(product_id="")
    )


def _ranked(lines: QuerySet[OrderLine], skip: set[str], limit: int) -> list[dict[str, Any]]:
    # Name and category are product facts repeated on every line; Max picks one value
    # deterministically when a product was renamed between orders.
    rows = (
        lines.exclude(product_id__in=skip)
        .values("product_id")
        .annotate(
            score=Count("order_id", distinct=True),
            name=Max("product_name"),
            category_id=Max("category_id"),
        )
        .order_by("-score", "product_id")[:limit]
    )
    return [
        {
            "product_id": row["product_id"],
            "name": row["name"],
            "category_id": row["category_id"],
            "score": row["score"],
        }
        for row in rows
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
    lines = _counted_lines(installation, channel)
    found: list[dict[str, Any]] = []

    def add(tier: QuerySet[OrderLine], source: str) -> None:
        for item in _ranked(tier, skip, limit - len(found)):
            found.append({**item, "source": source})
            skip.add(item["product_id"])

    if seeds:
        seed_orders = lines.filter(product_id__in=seeds).values("order_id")
        add(lines.filter(order_id__in=seed_orders), CO_PURCHASE)
        if len(found) < limit:
            # The seeds' categories from any of their lines: a category is a product fact,
            # so a seed only ever bought in a cancelled order still names one.
            categories = (
                OrderLine.objects.filter(installation=installation, product_id__in=seeds)
                .exclude(category_id="")
                .values("category_id")
            )
            add(lines.filter(category_id__in=categories), CATEGORY)
    if len(found) < limit:
        add(lines, CHANNEL)
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
