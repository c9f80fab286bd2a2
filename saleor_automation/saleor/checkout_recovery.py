"""The send-time re-read of an abandoned checkout (PROTOCOL.md §6 "Send-time checkout
re-check"): what the checkout holds in Saleor right now.

    checkout_for_recovery(installation, checkout_id) -> RecoveryCheckout | None

None means Saleor no longer has the checkout: it was completed (Saleor deletes a checkout
that became an order) or it expired. Raises SaleorTransportError when Saleor cannot be
reached or answers with a non-200, or was unreachable moments ago (saleor/reachability.py):
worth trying again later; SaleorGraphQLError when it answers with errors (a missing
permission, an inactive channel: repeating will not help).
"""

from .models import Installation
from .payloads import Checkout, CheckoutLine, CheckoutVariant
from .reachability import saleor_read

DOCUMENT = "queries/checkout-recovery"


class RecoveryVariant(CheckoutVariant):
    # None: the variant's stock is not tracked (always available); 0: out of stock.
    quantity_available: int | None = None


class RecoveryLine(CheckoutLine):
    variant: RecoveryVariant | None = None

    @property
    def in_stock(self) -> bool:
        """Whether the line can still be bought: its variant exists and has stock."""
        if self.variant is None:
            return False
        available = self.variant.quantity_available
        return available is None or available > 0


class RecoveryCheckout(Checkout):
    """A checkout as CheckoutForRecovery selects it; the parents' other fields stay None."""

    lines: list[RecoveryLine] | None = None

    def lines_in_stock(self) -> list[RecoveryLine]:
        return [line for line in self.lines or [] if line.in_stock and line.quantity > 0]


def checkout_for_recovery(installation: Installation, checkout_id: str) -> RecoveryCheckout | None:
    """The checkout as Saleor holds it now, or None when it is gone (see the module doc)."""
    data = saleor_read(installation, DOCUMENT, {"id": checkout_id})
    raw = data.get("checkout")
    return None if raw is None else RecoveryCheckout.model_validate(raw)
