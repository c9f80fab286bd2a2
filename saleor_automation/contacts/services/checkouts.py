"""The checkout mirror: one row per Saleor checkout, updated from newer payloads only."""

from datetime import datetime
from decimal import Decimal

from ...saleor import payloads
from ...saleor.models import Installation
from ..models import Checkout, Order
from .commerce import amount, buyer_contact, buyer_identify, gross
from .contacts import normalise_email
from .result import ApplyResult, is_stale


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def checkout_line_values(line: payloads.CheckoutLine) -> dict:
    """One checkout line as stored in Checkout.lines (JSON: prices as decimal strings)."""
    variant = line.variant
    product = variant.product if variant else None
    category = product.category if product else None
    unit = line.undiscounted_unit_price
    total = gross(line.total_price)
    return {
        "line_id": line.id,
        "product_id": product.id if product else None,
        "product_name": product.name if product else None,
        "product_slug": product.slug if product else None,
        "variant_id": variant.id if variant else None,
        "variant_name": variant.name if variant else None,
        "sku": variant.sku if variant else None,
        "category_id": category.id if category else None,
        "category_slug": category.slug if category else None,
        "category_name": category.name if category else None,
        "thumbnail_url": product.thumbnail.url if product and product.thumbnail else None,
        "quantity": line.quantity,
        "unit_price": _decimal_text(unit.amount if unit else None),
        "total_price": _decimal_text(total.amount if total else None),
    }


def checkout_apply(
    installation: Installation, checkout: payloads.Checkout, *, issued_at: datetime | None
) -> ApplyResult:
    """Mirror a checkout payload (issued_at is None for backfill) and link its contact."""
    buyer = buyer_identify(installation, checkout.user, checkout.email, checkout.created)
    if buyer.erased:
        Checkout.objects.filter(installation=installation, saleor_id=checkout.id).delete()
        return ApplyResult(ignored="erased person")
    row, created = Checkout.objects.select_for_update().get_or_create(
        installation=installation, saleor_id=checkout.id
    )
    if not created and is_stale(
        row.saleor_updated_at, row.issued_at, checkout.updated_at, issued_at
    ):
        return ApplyResult(contact=row.contact, stale=True)
    contact = buyer_contact(
        installation,
        buyer,
        checkout.user,
        checkout.language_code,
        checkout.shipping_address,
        checkout.billing_address,
    )
    row.contact = contact
    row.saleor_user_id = buyer.user_id
    row.email = normalise_email(checkout.email) or buyer.email or ""
    row.token = checkout.token or row.token
    if checkout.channel is not None:
        row.channel_slug = checkout.channel.slug or row.channel_slug
    total = gross(checkout.total_price)
    row.currency = (
        (total.currency if total else None)
        or (checkout.channel.currency_code if checkout.channel else None)
        or row.currency
    )
    row.total_gross = amount(total, row.total_gross)
    row.subtotal_gross = amount(gross(checkout.subtotal_price), row.subtotal_gross)
    row.quantity = checkout.quantity if checkout.quantity is not None else row.quantity
    row.voucher_code = checkout.voucher_code or ""
    if checkout.lines is not None:
        row.lines = [checkout_line_values(line) for line in checkout.lines]
    row.language_code = checkout.language_code or row.language_code
    row.saleor_created_at = checkout.created or row.saleor_created_at
    row.saleor_updated_at = checkout.updated_at or row.saleor_updated_at
    row.issued_at = issued_at or row.issued_at
    if row.converted_order_id is None:
        # The order may have arrived first (deferred payloads overtake each other).
        row.converted_order = (
            Order.objects.filter(installation=installation, checkout_id=checkout.id)
            .order_by("id")
            .first()
        )
    row.save()
    return ApplyResult(contact=contact)
