"""The send-time re-check of a flow's message (STYLE.md: "right before sending it re-checks
that the flow is active and the contact has consent"), run through messaging's pre_send, and
the fresh data it is rendered with, through pre_render.

A message whose enrollment carries a checkout (the cart flows) re-reads that checkout from
Saleor right before it is rendered (PROTOCOL.md §6 "Send-time checkout re-check"): it is
skipped when the checkout became an order, is gone or empty, or holds nothing in stock, and
otherwise shows the checkout's lines and totals as they are now, less the lines out of
stock. When Saleor cannot be reached the send is deferred (messaging retries it later), so
an outage neither loses the reminder nor sends one for a cart that may have been bought.
Other messages never call Saleor for this.
"""

import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..contacts.models import Checkout, Contact, Order
from ..contacts.services.checkouts import checkout_line_values
from ..messaging.models import Message
from ..messaging.rendering.context import render_data
from ..messaging.signals import CancelSend, DeferSend
from ..saleor.checkout_recovery import RecoveryCheckout, checkout_for_recovery
from ..saleor.exceptions import SaleorGraphQLError, SaleorTransportError
from ..saleor.models import Installation
from .models import Enrollment, FlowStatus
from .recommending import message_recommendations
from .triggers.common import CHECKOUT_LINE_FIELDS, MAX_CONTEXT_LINES

logger = logging.getLogger(__name__)

CONSENT_WITHDRAWN = "marketing consent withdrawn"
FLOW_NOT_ACTIVE = "the flow is no longer active"
CHECKOUT_CONVERTED = "checkout converted to an order"
CHECKOUT_GONE = "checkout gone or converted"
CHECKOUT_EMPTY = "checkout empty"
CHECKOUT_OUT_OF_STOCK = "every item in the checkout is out of stock"
CHECKOUT_UNCHECKED = "checkout could not be re-checked"
SALEOR_UNREACHABLE = "Saleor unreachable while re-checking the checkout"


def message_send_check(message: Message) -> None:
    """Raise CancelSend when the message must not go out now."""
    if message.marketing:
        consent = Contact.objects.filter(pk=message.contact_id).values_list(
            "marketing_consent", flat=True
        )
        if False in consent:
            raise CancelSend(CONSENT_WITHDRAWN)
    if message.enrollment_id is not None:
        status = (
            Enrollment.objects.filter(pk=message.enrollment_id)
            .values_list("flow__status", flat=True)
            .first()
        )
        if status is not None and status != FlowStatus.ACTIVE:
            raise CancelSend(FLOW_NOT_ACTIVE)


def message_render_context_refresh(message: Message, render_context: dict[str, Any]) -> None:
    """Render from the enrollment's context as it is now (a voucher created after the
    message was queued), with its checkout as Saleor holds it now and, when the content
    shows recommendations, products picked for it now. Raises CancelSend when the checkout
    is no longer worth a message, DeferSend when Saleor cannot be asked."""
    if message.enrollment_id is None:
        return
    context = (
        Enrollment.objects.filter(pk=message.enrollment_id)
        .values_list("context", flat=True)
        .first()
    )
    if context is None:
        return
    data = render_data(context)
    checkout = context.get("checkout")
    if isinstance(checkout, Mapping) and checkout.get("id"):
        data["checkout"] = checkout_recheck(message.installation, checkout)
    recommendations = message_recommendations(message, data)
    if recommendations is not None:
        data["recommendations"] = recommendations
    render_context["context"] = data


def _converted(installation: Installation, checkout_id: str) -> bool:
    """Whether the mirror already knows the checkout became an order (no Saleor call)."""
    return (
        Order.objects.filter(installation=installation, checkout_id=checkout_id).exists()
        or Checkout.objects.filter(
            installation=installation, saleor_id=checkout_id, converted_order__isnull=False
        ).exists()
    )


def checkout_recheck(installation: Installation, stored: Mapping[str, Any]) -> dict[str, Any]:
    """The checkout context (`stored`, as flows.triggers.common.checkout_context wrote it)
    refreshed from Saleor; raises CancelSend or DeferSend (see the module doc)."""
    checkout_id = str(stored["id"])
    if _converted(installation, checkout_id):
        raise CancelSend(CHECKOUT_CONVERTED)
    try:
        live = checkout_for_recovery(installation, checkout_id)
    except SaleorTransportError as exc:
        logger.warning("installation %s: checkout re-check deferred: %s", installation.pk, exc)
        raise DeferSend(SALEOR_UNREACHABLE) from exc
    except SaleorGraphQLError as exc:
        # Not knowing whether the cart was bought, a reminder must not go out.
        raise CancelSend(f"{CHECKOUT_UNCHECKED}: {exc}") from exc
    if live is None:
        raise CancelSend(CHECKOUT_GONE)
    if not any(line.quantity > 0 for line in live.lines or []):
        raise CancelSend(CHECKOUT_EMPTY)
    if not live.lines_in_stock():
        raise CancelSend(CHECKOUT_OUT_OF_STOCK)
    return live_checkout_context(stored, live)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def live_checkout_context(stored: Mapping[str, Any], live: RecoveryCheckout) -> dict[str, Any]:
    """The checkout context with Saleor's current lines (those in stock) and totals; keys
    Saleor did not answer keep their stored values."""
    lines = [checkout_line_values(line) for line in live.lines_in_stock()]
    left_out = sum(1 for line in live.lines or [] if line.quantity > 0) - len(lines)
    total = live.total_price.gross if live.total_price else None
    subtotal = live.subtotal_price.gross if live.subtotal_price else None
    total_text = _text(total.amount if total else None)
    subtotal_text = _text(subtotal.amount if subtotal else None)
    if left_out:
        # Saleor's totals still count the lines left out: show the sum of the lines shown.
        shown = str(sum(Decimal(line["total_price"] or 0) for line in lines))
        total_text = subtotal_text = shown
    channel = live.channel
    return {
        **stored,
        "token": live.token or stored.get("token"),
        "channel": (channel.slug if channel else None) or stored.get("channel"),
        "currency": (total.currency if total else None)
        or (channel.currency_code if channel else None)
        or stored.get("currency"),
        "total": total_text if total_text is not None else stored.get("total"),
        "subtotal": subtotal_text if subtotal_text is not None else stored.get("subtotal"),
        "quantity": sum(line["quantity"] or 0 for line in lines),
        "voucher_code": live.voucher_code,
        "language": live.language_code or stored.get("language"),
        "updated_at": live.updated_at.isoformat() if live.updated_at else stored.get("updated_at"),
        "lines_count": len(lines),
        "lines_left_out": left_out,
        "lines": [
            {name: line.get(name) for name in CHECKOUT_LINE_FIELDS}
            for line in lines[:MAX_CONTEXT_LINES]
        ],
    }
