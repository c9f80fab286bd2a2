"""The order mirror (with its lines) and what an order change does to its contact's facts."""

from datetime import datetime

from django.utils import timezone

from ...saleor import payloads
from ...saleor.models import Installation
from ..models import Checkout, Contact, Order, OrderLine
from .commerce import amount, buyer_contact, buyer_identify, gross
from .contacts import address_values, normalise_email
from .erasure import ANONYMISED_ORDER_FIELDS
from .facts import contact_facts_refresh
from .product_sales import product_sales_sync
from .result import ApplyResult, is_stale


def _line(order: Order, line: payloads.OrderLine) -> OrderLine:
    variant = line.variant
    product = variant.product if variant else None
    unit = gross(line.unit_price)
    total = gross(line.total_price)
    return OrderLine(
        installation_id=order.installation_id,
        order=order,
        saleor_line_id=line.id or "",
        product_id=product.id if product else "",
        product_name=line.product_name or (product.name if product else None) or "",
        product_slug=(product.slug if product else None) or "",
        variant_id=(variant.id if variant else None) or line.product_variant_id or "",
        variant_name=line.variant_name or "",
        sku=line.product_sku or "",
        category_id=product.category.id if product and product.category else "",
        quantity=line.quantity,
        unit_price=amount(unit, 0),
        total_price=amount(total, 0),
    )


def _fill(row: Order, order: payloads.Order, issued_at: datetime | None) -> None:
    row.number = order.number or row.number
    row.status = order.status or row.status
    row.origin = order.origin or row.origin
    row.is_paid = row.is_paid if order.is_paid is None else order.is_paid
    row.charge_status = order.charge_status or row.charge_status
    if order.channel is not None:
        row.channel_slug = order.channel.slug or row.channel_slug
    total = gross(order.total)
    row.currency = (
        (total.currency if total else None)
        or (order.channel.currency_code if order.channel else None)
        or row.currency
    )
    row.total_gross = amount(total, row.total_gross)
    row.subtotal_gross = amount(gross(order.subtotal), row.subtotal_gross)
    row.total_refunded = amount(order.total_refunded, row.total_refunded)
    row.voucher_code = order.voucher_code or ""
    row.checkout_id = order.checkout_id or row.checkout_id
    row.language_code = order.language_code_enum or row.language_code
    row.saleor_created_at = order.created or row.saleor_created_at
    row.saleor_updated_at = order.updated_at or row.saleor_updated_at
    row.issued_at = issued_at or row.issued_at


def order_apply(
    installation: Installation, order: payloads.Order, *, issued_at: datetime | None
) -> ApplyResult:
    """Mirror an order payload (issued_at is None for backfill), link its contact and
    checkout, and refresh the facts of every contact it touches."""
    row, created = Order.objects.select_for_update().get_or_create(
        installation=installation, saleor_id=order.id
    )
    if not created and is_stale(row.saleor_updated_at, row.issued_at, order.updated_at, issued_at):
        return ApplyResult(contact=row.contact, stale=True)
    buyer = buyer_identify(installation, order.user, order.user_email, order.created)
    erased = buyer.erased or row.anonymised
    previous_contact_id = row.contact_id
    contact = None
    if not erased:
        contact = buyer_contact(
            installation,
            buyer,
            order.user,
            order.language_code_enum,
            order.billing_address,
            order.shipping_address,
        )
    _fill(row, order, issued_at)
    person = address_values(order.billing_address, order.shipping_address)
    row.country = person["country"] or row.country
    if erased:
        for field, value in ANONYMISED_ORDER_FIELDS.items():
            setattr(row, field, value)
    else:
        row.contact = contact
        row.saleor_user_id = buyer.user_id
        row.email = normalise_email(order.user_email) or buyer.email or ""
        user = order.user
        person["first_name"] = person["first_name"] or (user.first_name if user else None)
        person["last_name"] = person["last_name"] or (user.last_name if user else None)
        for field in ("first_name", "last_name", "phone", "city", "postal_code"):
            setattr(row, field, person[field] or getattr(row, field))
    row.save()
    if order.lines is not None:
        OrderLine.objects.filter(installation=installation, order=row).delete()
        OrderLine.objects.bulk_create(_line(row, line) for line in order.lines)
    product_sales_sync(row)
    if row.checkout_id:
        Checkout.objects.filter(
            installation=installation, saleor_id=row.checkout_id, converted_order__isnull=True
        ).update(converted_order=row, updated_at=timezone.now())
    if contact is not None:
        contact_facts_refresh(contact)
    if previous_contact_id is not None and previous_contact_id != row.contact_id:
        previous = (
            Contact.objects.select_for_update()
            .filter(installation=installation, pk=previous_contact_id)
            .first()
        )
        if previous is not None:
            contact_facts_refresh(previous)
    if erased:
        # Mirrored without the person, for revenue figures; flows must not hear of it.
        return ApplyResult(ignored="erased person")
    return ApplyResult(contact=contact)
