"""Order facts per contact: first/last order, order count and spend per currency.

Always recomputed from the mirrored orders (never incremented), so applying an event twice,
late or out of order leaves the same facts.
"""

from django.db.models import Count, DecimalField, F, Max, Min, Sum

from ..models import MONEY, Contact, ContactSpend, Order

# Orders that never became (or stopped being) a purchase. Saleor spells it CANCELED.
NOT_COUNTED_STATUSES = ("DRAFT", "UNCONFIRMED", "CANCELED", "EXPIRED")
FACT_FIELDS = ("order_count", "first_order_at", "last_order_at")


def counted_orders(contact: Contact):  # -> QuerySet[Order]
    return Order.objects.filter(installation_id=contact.installation_id, contact=contact).exclude(
        status__in=NOT_COUNTED_STATUSES
    )


def contact_facts_refresh(contact: Contact) -> None:
    """Recompute the facts of one contact (the instance is updated too)."""
    orders = counted_orders(contact)
    totals = orders.aggregate(
        count=Count("id"), first=Min("saleor_created_at"), last=Max("saleor_created_at")
    )
    contact.order_count = totals["count"]
    contact.first_order_at = totals["first"]
    contact.last_order_at = totals["last"]
    contact.save(update_fields=[*FACT_FIELDS, "updated_at"])

    spend = (
        orders.exclude(currency="")
        .values("currency")
        .annotate(
            amount=Sum(F("total_gross") - F("total_refunded"), output_field=DecimalField(**MONEY)),
            count=Count("id"),
        )
        .order_by("currency")
    )
    ContactSpend.objects.filter(installation_id=contact.installation_id, contact=contact).delete()
    ContactSpend.objects.bulk_create(
        ContactSpend(
            installation_id=contact.installation_id,
            contact=contact,
            currency=row["currency"],
            amount=row["amount"],
            order_count=row["count"],
        )
        for row in spend
    )
