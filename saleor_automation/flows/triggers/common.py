"""What every trigger family needs: the active flows listening for a trigger event, the
contact as entry filters see it, and the enrollment context snapshots.

    trigger_flows(installation, events) -> list[TriggerFlow]
    entry_views(contact_ids, *, now=None, predicates=()) -> dict[int, ContactView]
    checkout_context(checkout) -> dict
    order_context(order) -> dict
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from ...contacts.models import Checkout, Order
from ...saleor.models import Installation
from ..context import ContactView
from ..models import Flow, FlowStatus
from ..nodes.trigger import TriggerParams
from ..selectors import ParsedVersion, contact_views, flow_version_parsed
from .windows import window_attributes_load, window_fields

# Enrollment context key: the moment goal events count from (ISO text). An order placed
# before it (e.g. the order that started an order flow) is not a conversion.
SINCE = "since"
# Lines copied into a checkout context: enough for a reminder, bounded in size.
MAX_CONTEXT_LINES = 20
CHECKOUT_LINE_FIELDS = (
    "product_id",
    "product_name",
    "product_slug",
    "variant_id",
    "variant_name",
    "sku",
    "category_slug",
    "thumbnail_url",
    "quantity",
    "unit_price",
    "total_price",
)


@dataclass(frozen=True)
class TriggerFlow:
    flow: Flow
    parsed: ParsedVersion

    @property
    def params(self) -> TriggerParams:
        return self.parsed.graph.trigger.params


def trigger_flows(installation: Installation | int, events: Collection[str]) -> list[TriggerFlow]:
    """The installation's active flows whose trigger is one of `events`, in priority order
    (lower first, then oldest): a contact who qualifies for several at once meets the most
    important first, and the others see it (flows/priority.py)."""
    installation_id = installation if isinstance(installation, int) else installation.pk
    flows = Flow.objects.filter(
        installation_id=installation_id, status=FlowStatus.ACTIVE, active_version__isnull=False
    ).order_by("priority", "id")
    found = []
    for flow in flows:
        parsed = flow_version_parsed(flow.active_version_id)
        if parsed.graph.trigger.params.event in events:
            found.append(TriggerFlow(flow, parsed))
    return found


def entry_views(
    contact_ids: Collection[int],
    *,
    now: datetime | None = None,
    predicates: Iterable[Mapping[str, Any] | None] = (),
) -> dict[int, ContactView]:
    """Contacts as entry filters and segments see them: the engine's view (customer
    metadata last seen included) plus the order-window attributes the given predicates
    name, as of `now` (triggers/windows.py)."""
    records = contact_views(contact_ids)
    fields = set().union(*(window_fields(predicate) for predicate in predicates))
    windows = window_attributes_load(list(records), fields, now) if fields and now else {}
    views = {}
    for contact_id, record in records.items():
        view = record.view
        if windows.get(contact_id):
            view = replace(view, attributes={**view.attributes, **windows[contact_id]})
        views[contact_id] = view
    return views


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def checkout_context(checkout: Checkout) -> dict[str, Any]:
    """{"checkout": {...}}: what a reminder shows and conditions test (context.checkout.*)."""
    lines: list[Mapping[str, Any]] = checkout.lines or []
    return {
        "checkout": {
            "id": checkout.saleor_id,
            "token": checkout.token,
            "channel": checkout.channel_slug,
            "currency": checkout.currency,
            "total": _money(checkout.total_gross),
            "subtotal": _money(checkout.subtotal_gross),
            "quantity": checkout.quantity,
            "voucher_code": checkout.voucher_code,
            "language": checkout.language_code,
            "updated_at": _moment(checkout.saleor_updated_at),
            "lines_count": len(lines),
            "lines": [
                {name: line.get(name) for name in CHECKOUT_LINE_FIELDS}
                for line in lines[:MAX_CONTEXT_LINES]
            ],
        }
    }


def order_context(order: Order) -> dict[str, Any]:
    """{"order": {...}} (context.order.*); lines_count counts the mirrored lines."""
    return {
        "order": {
            "id": order.saleor_id,
            "number": order.number,
            "channel": order.channel_slug,
            "currency": order.currency,
            "total": _money(order.total_gross),
            "subtotal": _money(order.subtotal_gross),
            "voucher_code": order.voucher_code,
            "checkout_id": order.checkout_id,
            "created_at": _moment(order.saleor_created_at),
            "lines_count": order.lines.count() if order.pk else 0,
        }
    }
