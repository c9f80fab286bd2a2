"""Writes to contacts and the checkout/order mirrors (one module per concern)."""

from .backfill import BACKFILL_KINDS, backfill_node_apply
from .checkouts import checkout_apply
from .contacts import (
    contact_merge,
    contact_resolve,
    customer_apply,
    customer_email_change,
    normalise_email,
)
from .erasure import erasure_blocks, person_erase
from .facts import contact_facts_refresh
from .orders import order_apply
from .result import ApplyResult

__all__ = [
    "BACKFILL_KINDS",
    "ApplyResult",
    "backfill_node_apply",
    "checkout_apply",
    "contact_facts_refresh",
    "contact_merge",
    "contact_resolve",
    "customer_apply",
    "customer_email_change",
    "erasure_blocks",
    "normalise_email",
    "order_apply",
    "person_erase",
]
