"""Backfill: applying Saleor objects read page by page through the API.

    backfill_node_apply(installation, kind, node) -> ApplyResult

`kind` is "customer", "order" or "checkout"; `node` is one `edges[].node` of the
BackfillCustomers / BackfillOrders / BackfillCheckouts queries (a dict, as decoded from the
response, or the already parsed payloads.Customer / Order / Checkout). It goes through the
same services as webhook events, with no issuedAt: staleness is judged by `updatedAt` alone,
so a page older than what webhooks already delivered changes nothing and repeating a
backfill is harmless. Invalid nodes raise payloads.PayloadError. Each call is atomic; no
`event_applied` signal is sent (nothing happened, so no flow may trigger).
"""

from collections.abc import Callable, Mapping
from typing import Any, Literal

from django.db import transaction
from pydantic import BaseModel, ValidationError

from ...saleor import payloads
from ...saleor.models import Installation
from .checkouts import checkout_apply
from .contacts import customer_apply
from .orders import order_apply
from .result import ApplyResult

BackfillKind = Literal["customer", "order", "checkout"]
BackfillNode = Mapping[str, Any] | payloads.Customer | payloads.Order | payloads.Checkout

_SERVICES: dict[str, tuple[type[BaseModel], Callable[..., ApplyResult]]] = {
    "customer": (payloads.Customer, customer_apply),
    "order": (payloads.Order, order_apply),
    "checkout": (payloads.Checkout, checkout_apply),
}
BACKFILL_KINDS: tuple[str, ...] = tuple(_SERVICES)


def backfill_node_apply(
    installation: Installation, kind: BackfillKind, node: BackfillNode
) -> ApplyResult:
    """Apply one backfilled object as if the newest event about it had arrived."""
    model, apply = _SERVICES[kind]
    if not isinstance(node, model):
        try:
            node = model.model_validate(node)
        except ValidationError as exc:
            raise payloads.PayloadError(
                f"{kind}: {payloads.describe_validation_error(exc)}"
            ) from None
    with transaction.atomic():
        return apply(installation, node, issued_at=None)
