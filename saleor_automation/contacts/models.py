"""Contacts and the checkout/order mirrors built from Saleor events.

Every row belongs to an Installation and every query filters by it. Mirrors keep the Saleor
`updatedAt` and the event `issuedAt` they were built from: deliveries arrive in any order, and
an older payload must never overwrite a newer one.
"""

from django.db import models
from django.db.models import Q

from ..saleor.models import Installation

__all__ = [
    "Checkout",
    "CoPurchase",
    "Contact",
    "ContactSpend",
    "ErasureTombstone",
    "Order",
    "OrderLine",
    "ProductSales",
    "StaffUser",
]

MONEY = {"max_digits": 20, "decimal_places": 3}  # Saleor's own precision


class Contact(models.Model):
    """A person a store can market to: a registered customer or a guest known by email."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    email = models.CharField(max_length=254)  # normalised: stripped, lower-case
    saleor_user_id = models.CharField(max_length=128, null=True, blank=True)
    first_name = models.CharField(max_length=256, blank=True, default="")
    last_name = models.CharField(max_length=256, blank=True, default="")
    language_code = models.CharField(max_length=35, blank=True, default="")
    phone = models.CharField(max_length=128, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    city = models.CharField(max_length=256, blank=True, default="")
    postal_code = models.CharField(max_length=32, blank=True, default="")
    birthday_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birthday_day = models.PositiveSmallIntegerField(null=True, blank=True)
    birthday_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # None = the store never said; only an explicit metadata value sets True/False.
    marketing_consent = models.BooleanField(null=True, blank=True)
    consent_changed_at = models.DateTimeField(null=True, blank=True)
    # When the contact last confirmed through a double opt-in link (messaging.confirm): a
    # yes of their own, which metadata without the consent key does not take back.
    consent_confirmed_at = models.DateTimeField(null=True, blank=True)
    # SMS marketing needs its own opt-in: from its metadata key, or a START/STOP reply.
    sms_consent = models.BooleanField(null=True, blank=True)
    sms_consent_changed_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_confirmed = models.BooleanField(default=False)
    date_joined = models.DateTimeField(null=True, blank=True)
    # The customer payload the profile was last built from (staleness of CUSTOMER_* events).
    profile_updated_at = models.DateTimeField(null=True, blank=True)
    profile_issued_at = models.DateTimeField(null=True, blank=True)
    # Order facts, recomputed from the mirrored orders on every change.
    order_count = models.PositiveIntegerField(default=0)
    first_order_at = models.DateTimeField(null=True, blank=True)
    last_order_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(fields=["installation", "email"], name="contact_unique_email"),
            models.UniqueConstraint(
                fields=["installation", "saleor_user_id"],
                condition=Q(saleor_user_id__isnull=False),
                name="contact_unique_saleor_user",
            ),
        ]

    def __str__(self) -> str:
        return f"contact #{self.pk}"

    @property
    def is_registered(self) -> bool:
        return self.saleor_user_id is not None


class ContactSpend(models.Model):
    """What a contact spent in one currency (total gross minus refunds of counted orders)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="spend")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**MONEY)
    order_count = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(fields=["contact", "currency"], name="spend_unique_currency")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class StaffUser(models.Model):
    """A Saleor user seen with isStaff: never a contact, even when they shop."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    saleor_user_id = models.CharField(max_length=128)
    saleor_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_user_id"], name="staff_unique_user"
            )
        ]

    def __str__(self) -> str:
        return f"staff {self.saleor_user_id}"


class ErasureTombstone(models.Model):
    """Proof that a person was erased, so late events issued before cannot bring them back.

    Keyed by Saleor user id and by a hash of the email (never the email itself).
    """

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    saleor_user_id = models.CharField(max_length=128, null=True, blank=True)
    email_hash = models.CharField(max_length=64, blank=True, default="")
    erased_at = models.DateTimeField()  # the erasure event's issuedAt
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_user_id"],
                condition=Q(saleor_user_id__isnull=False),
                name="tombstone_unique_user",
            ),
        ]
        indexes = [models.Index(fields=["installation", "email_hash"], name="tombstone_email_idx")]

    def __str__(self) -> str:
        return f"tombstone #{self.pk}"


class Order(models.Model):
    """Saleor's order as last seen. Anonymised (not deleted) when its person is erased, so
    revenue figures survive."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    saleor_id = models.CharField(max_length=128)
    number = models.CharField(max_length=32, blank=True, default="")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    saleor_user_id = models.CharField(max_length=128, null=True, blank=True)
    email = models.CharField(max_length=254, blank=True, default="")
    first_name = models.CharField(max_length=256, blank=True, default="")
    last_name = models.CharField(max_length=256, blank=True, default="")
    phone = models.CharField(max_length=128, blank=True, default="")
    city = models.CharField(max_length=256, blank=True, default="")
    postal_code = models.CharField(max_length=32, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    status = models.CharField(max_length=32, blank=True, default="")
    origin = models.CharField(max_length=32, blank=True, default="")
    is_paid = models.BooleanField(default=False)
    charge_status = models.CharField(max_length=32, blank=True, default="")
    channel_slug = models.CharField(max_length=255, blank=True, default="")
    currency = models.CharField(max_length=3, blank=True, default="")
    total_gross = models.DecimalField(**MONEY, default=0)
    subtotal_gross = models.DecimalField(**MONEY, default=0)
    total_refunded = models.DecimalField(**MONEY, default=0)
    voucher_code = models.CharField(max_length=255, blank=True, default="")
    checkout_id = models.CharField(max_length=128, blank=True, default="")
    language_code = models.CharField(max_length=35, blank=True, default="")
    anonymised = models.BooleanField(default=False)
    # The products this order adds to ProductSales and CoPurchase now (null: none, as the
    # order does not count): what the next change takes back before adding its own.
    sales_products = models.JSONField(null=True, blank=True)
    saleor_created_at = models.DateTimeField(null=True, blank=True)
    saleor_updated_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_id"], name="order_unique_saleor_id"
            )
        ]
        indexes = [
            models.Index(
                fields=["installation", "checkout_id"],
                name="order_checkout_idx",
                condition=~Q(checkout_id=""),
            ),
            models.Index(fields=["installation", "email"], name="order_email_idx"),
        ]

    def __str__(self) -> str:
        return f"order {self.number or self.saleor_id}"


class OrderLine(models.Model):
    """One order line; a table, not JSON, because recommendations count co-purchases."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    saleor_line_id = models.CharField(max_length=128, blank=True, default="")
    product_id = models.CharField(max_length=128, blank=True, default="")
    product_name = models.CharField(max_length=512, blank=True, default="")
    product_slug = models.CharField(max_length=255, blank=True, default="")
    variant_id = models.CharField(max_length=128, blank=True, default="")
    variant_name = models.CharField(max_length=512, blank=True, default="")
    sku = models.CharField(max_length=255, blank=True, default="")
    category_id = models.CharField(max_length=128, blank=True, default="")
    quantity = models.IntegerField(default=0)
    unit_price = models.DecimalField(**MONEY, default=0)
    total_price = models.DecimalField(**MONEY, default=0)

    class Meta:
        app_label = "saleor_automation"
        indexes = [
            models.Index(fields=["installation", "product_id"], name="orderline_product_idx")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name}"


class Checkout(models.Model):
    """Saleor's checkout as last seen. Saleor deletes a checkout when it becomes an order
    (the order carries checkoutId), so `converted_order` is how conversion shows here."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    saleor_id = models.CharField(max_length=128)
    token = models.CharField(max_length=64, blank=True, default="")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkouts"
    )
    saleor_user_id = models.CharField(max_length=128, null=True, blank=True)
    email = models.CharField(max_length=254, blank=True, default="")
    channel_slug = models.CharField(max_length=255, blank=True, default="")
    currency = models.CharField(max_length=3, blank=True, default="")
    total_gross = models.DecimalField(**MONEY, default=0)
    subtotal_gross = models.DecimalField(**MONEY, default=0)
    quantity = models.IntegerField(default=0)
    voucher_code = models.CharField(max_length=255, blank=True, default="")
    # [{product_id, product_name, product_slug, variant_id, variant_name, sku, category_id,
    #   category_slug, category_name, thumbnail_url, quantity, unit_price, total_price}]
    # with prices as decimal strings.
    lines = models.JSONField(default=list, blank=True)
    language_code = models.CharField(max_length=35, blank=True, default="")
    converted_order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saleor_created_at = models.DateTimeField(null=True, blank=True)
    saleor_updated_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_id"], name="checkout_unique_saleor_id"
            )
        ]
        indexes = [models.Index(fields=["installation", "email"], name="checkout_email_idx")]

    def __str__(self) -> str:
        return f"checkout {self.saleor_id}"


class ProductSales(models.Model):
    """How many counted orders of a channel hold a product: the bestsellers recommendations
    fall back to. Kept current as orders change (contacts/services/product_sales.py)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    channel_slug = models.CharField(max_length=255)
    product_id = models.CharField(max_length=128)
    category_id = models.CharField(max_length=128, blank=True, default="")
    product_name = models.CharField(max_length=512, blank=True, default="")
    orders = models.IntegerField(default=0)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug", "product_id"],
                name="product_sales_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["installation", "channel_slug", "category_id"],
                name="product_sales_category_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.orders} orders"


class CoPurchase(models.Model):
    """How many counted orders of a channel hold both products (each pair stored both ways,
    so a product's companions are one index range)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    channel_slug = models.CharField(max_length=255)
    product_id = models.CharField(max_length=128)
    other_product_id = models.CharField(max_length=128)
    orders = models.IntegerField(default=0)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug", "product_id", "other_product_id"],
                name="co_purchase_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} with {self.other_product_id}: {self.orders}"
