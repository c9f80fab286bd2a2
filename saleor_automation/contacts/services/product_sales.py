"""Bestsellers and bought-together counts, kept current order by order.

    product_sales_sync(order) -> None         after an order (or its lines) changed
    product_sales_rebuild(installation) -> int  recount from the mirrored orders

Each order remembers the products it added (Order.sales_products); a change takes them back
and adds what the order holds now, so an order that is cancelled, edited or replayed moves
the counts by exactly its difference. Only counted orders take part (not draft,
unconfirmed, cancelled or expired). Increments are single upserts, so concurrent orders
never lose one; the order row itself is locked by order_apply while this runs.
"""

from collections import Counter
from itertools import permutations

from django.db import connection

from ..models import CoPurchase, Order, OrderLine, ProductSales
from .facts import NOT_COUNTED_STATUSES

# An order with more distinct products than this adds its first ones only: pairs grow with
# the square of the products, and a 500-line wholesale order says little about taste.
MAX_PRODUCTS = 50

_SALES = ProductSales._meta.db_table
_PAIRS = CoPurchase._meta.db_table


def _products(order: Order) -> dict[str, tuple[str, str]]:
    """The order's counted products, in line order: product id -> (category id, name)."""
    if order.status in NOT_COUNTED_STATUSES or not order.channel_slug:
        return {}
    rows = (
        OrderLine.objects.filter(installation_id=order.installation_id, order=order)
        .exclude(product_id="")
        .order_by("pk")
        .values_list("product_id", "category_id", "product_name")
    )
    products: dict[str, tuple[str, str]] = {}
    for product, category, name in rows:
        if product not in products and len(products) < MAX_PRODUCTS:
            products[product] = (category, name)
    return products


def _upsert_sales(order: Order, deltas: Counter, facts: dict[str, tuple[str, str]]) -> None:
    rows = [
        (order.installation_id, order.channel_slug, product, *facts.get(product, ("", "")), n)
        for product, n in deltas.items()
        if n
    ]
    if not rows:
        return
    with connection.cursor() as cursor:
        # A product's category and name follow its latest order; a take-back keeps them.
        cursor.executemany(
            f"""
            INSERT INTO {_SALES}
                (installation_id, channel_slug, product_id, category_id, product_name, orders)
            VALUES (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (installation_id, channel_slug, product_id) DO UPDATE SET
                orders = {_SALES}.orders + excluded.orders,
                category_id = CASE WHEN excluded.orders > 0 AND excluded.category_id <> ''
                                   THEN excluded.category_id ELSE {_SALES}.category_id END,
                product_name = CASE WHEN excluded.orders > 0 AND excluded.product_name <> ''
                                    THEN excluded.product_name ELSE {_SALES}.product_name END
            """,  # noqa: S608 (table names from models; values are parameters)
            rows,
        )


def _upsert_pairs(order: Order, deltas: Counter) -> None:
    rows = [
        (order.installation_id, order.channel_slug, first, second, n)
        for (first, second), n in deltas.items()
        if n
    ]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""
            INSERT INTO {_PAIRS}
                (installation_id, channel_slug, product_id, other_product_id, orders)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (installation_id, channel_slug, product_id, other_product_id)
            DO UPDATE SET orders = {_PAIRS}.orders + excluded.orders
            """,  # noqa: S608 (table names from models; values are parameters)
            rows,
        )


def product_sales_sync(order: Order) -> None:
    """Move the counts by what changed in `order` since it was last counted."""
    before = list(order.sales_products or [])  # an order's channel never changes in Saleor
    facts = _products(order)
    after = list(facts)
    if before == after:
        return
    sales: Counter = Counter()
    pairs: Counter = Counter()
    for product in before:
        sales[product] -= 1
    for pair in permutations(before, 2):
        pairs[pair] -= 1
    for product in after:
        sales[product] += 1
    for pair in permutations(after, 2):
        pairs[pair] += 1
    _upsert_sales(order, sales, facts)
    _upsert_pairs(order, pairs)
    Order.objects.filter(pk=order.pk).update(sales_products=after or None)
    order.sales_products = after or None


def product_sales_rebuild(installation_id: int) -> int:
    """Recount an installation's bestsellers and pairs from its mirrored orders (after an
    upgrade, or to check the running counts); returns how many orders counted."""
    ProductSales.objects.filter(installation_id=installation_id).delete()
    CoPurchase.objects.filter(installation_id=installation_id).delete()
    Order.objects.filter(installation_id=installation_id).update(sales_products=None)
    counted = 0
    for order in Order.objects.filter(installation_id=installation_id).iterator():
        order.sales_products = None
        product_sales_sync(order)
        counted += bool(order.sales_products)
    return counted
