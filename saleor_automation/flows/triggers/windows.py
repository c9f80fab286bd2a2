"""Order facts over a rolling window, for segments such as "best customers by spend or
order count over the last year".

Predicates see them as computed contact attributes, named in the predicate itself:
    contact.attributes.orders_last_<N>d          counted orders created in the last N days
    contact.attributes.spend_last_<N>d.<CUR>     their total gross minus refunds in CUR
(N from 1 to 3650). Only the windows a predicate names are computed, with one query per
batch of contacts; a metadata key of the same name is shadowed.

    window_fields(predicate) -> set[WindowField]
    window_attributes(orders, fields, now) -> dict[str, Any]
    window_attributes_load(contact_ids, fields, now) -> dict[int, dict[str, Any]]
"""

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ...contacts.models import Order
from ...contacts.services.facts import NOT_COUNTED_STATUSES

ATTRIBUTE = re.compile(r"contact\.attributes\.(orders|spend)_last_(\d{1,4})d(?:\.([A-Z]{3}))?")
MAX_DAYS = 3650


@dataclass(frozen=True)
class WindowField:
    measure: str  # "orders" or "spend"
    days: int
    currency: str = ""

    @property
    def attribute(self) -> str:
        name = f"{self.measure}_last_{self.days}d"
        return f"{name}.{self.currency}" if self.currency else name


@dataclass(frozen=True)
class OrderFact:
    created_at: datetime
    currency: str
    amount: Decimal  # total gross minus refunded


def _fields_of(predicate: Any) -> Iterator[str]:
    if isinstance(predicate, Mapping):
        if isinstance(predicate.get("field"), str):
            yield predicate["field"]
        for key in ("all", "any"):
            for child in predicate.get(key) or ():
                yield from _fields_of(child)
        if "not" in predicate:
            yield from _fields_of(predicate["not"])


def window_fields(predicate: Mapping[str, Any] | None) -> set[WindowField]:
    """The window attributes a predicate names (orders need no currency; spend needs one)."""
    found = set()
    for name in _fields_of(predicate):
        match = ATTRIBUTE.fullmatch(name)
        if match is None:
            continue
        measure, days, currency = match.group(1), int(match.group(2)), match.group(3) or ""
        if not 1 <= days <= MAX_DAYS or (measure == "spend") != bool(currency):
            continue
        found.add(WindowField(measure, days, currency))
    return found


def window_attributes(
    orders: Iterable[OrderFact], fields: Collection[WindowField], now: datetime
) -> dict[str, Any]:
    """The named window attributes of one contact's counted orders."""
    orders = list(orders)
    values: dict[str, Any] = {}
    for field in fields:
        start = now - timedelta(days=field.days)
        inside = [order for order in orders if start <= order.created_at <= now]
        if field.measure == "orders":
            values[field.attribute] = len(inside)
        else:
            values[field.attribute] = sum(
                (order.amount for order in inside if order.currency == field.currency),
                Decimal(0),
            )
    return values


def window_attributes_load(
    contact_ids: Collection[int], fields: Collection[WindowField], now: datetime
) -> dict[int, dict[str, Any]]:
    """Window attributes for a batch of contacts (every contact gets every field)."""
    if not fields or not contact_ids:
        return {}
    longest = max(field.days for field in fields)
    facts: dict[int, list[OrderFact]] = {contact_id: [] for contact_id in contact_ids}
    rows = (
        Order.objects.filter(
            contact_id__in=list(contact_ids),
            saleor_created_at__gte=now - timedelta(days=longest),
            saleor_created_at__lte=now,
        )
        .exclude(status__in=NOT_COUNTED_STATUSES)
        .values_list("contact_id", "saleor_created_at", "currency", "total_gross", "total_refunded")
    )
    for contact_id, created_at, currency, total, refunded in rows:
        facts[contact_id].append(OrderFact(created_at, currency, total - refunded))
    return {
        contact_id: window_attributes(orders, fields, now) for contact_id, orders in facts.items()
    }
