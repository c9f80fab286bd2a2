"""Rows of the actions that call outside: voucher campaigns and codes, the webhook signing
secret, and the retry state of external effects.

The unique constraints here are what make a retried effect safe: one code row per effect
(created before Saleor is called, so a retry reuses the same code), one campaign voucher
per (flow, node, terms, end of validity), one secret per installation.
"""

from django.db import models
from django.utils import timezone

from ...contacts.models import Contact
from ...encryption import EncryptedTextField
from ...saleor.models import Installation
from ..models import Effect, Enrollment, Flow

__all__ = [
    "ActionSecret",
    "EffectRetry",
    "VoucherCampaign",
    "VoucherCode",
    "VoucherCodeStatus",
]


class VoucherCampaign(models.Model):
    """One Saleor voucher that holds the codes a voucher node hands out.

    Saleor keeps one endDate per voucher and none per code, so codes are grouped by the day
    their validity ends (in the store's time zone): the voucher for that day ends with it,
    and Saleor itself refuses expired codes. `terms` (channel, discount type and value) is
    part of the key so a node edited in a later flow version never adds codes to a voucher
    with the old discount.

    `key_code` is a code nobody receives, created with the voucher: a voucherCreate
    interrupted before its id was stored is found again by searching for it, so a retry
    never creates a second voucher.
    """

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="+")
    node_id = models.CharField(max_length=64)
    terms = models.CharField(max_length=128)
    ends_at = models.DateTimeField()
    channel_slug = models.CharField(max_length=255)
    discount_type = models.CharField(max_length=16)
    value = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    key_code = models.CharField(max_length=64, unique=True)
    saleor_voucher_id = models.CharField(max_length=128, blank=True, default="")
    # When the channel listing (discount value) was confirmed: until then no code works.
    listed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "flow", "node_id", "terms", "ends_at"],
                name="vouchercampaign_unique",
            )
        ]

    def __str__(self) -> str:
        return f"voucher campaign #{self.pk}"


class VoucherCodeStatus(models.TextChoices):
    PENDING = "pending"  # recorded, not yet confirmed in Saleor
    ACTIVE = "active"  # in the campaign voucher, usable until valid_until
    FAILED = "failed"  # its effect failed: never handed out


class VoucherCode(models.Model):
    """One contact's single-use code. Saleor cannot bind a code to a customer, so the
    binding lives here; redemption is read from orders carrying the code."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    # The idempotency anchor: one code per effect. Kept when effects are purged.
    effect = models.OneToOneField(
        Effect, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(VoucherCampaign, on_delete=models.CASCADE, related_name="codes")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="+", db_index=False)
    node_id = models.CharField(max_length=64)
    code = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=16, choices=VoucherCodeStatus.choices, default=VoucherCodeStatus.PENDING
    )
    saleor_voucher_id = models.CharField(max_length=128, blank=True, default="")
    valid_until = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    added_at = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_order_id = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return f"voucher code #{self.pk}"


class ActionSecret(models.Model):
    """The key call_webhook signs its bodies with, one per installation, made on first use."""

    installation = models.OneToOneField(
        Installation, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    webhook_secret = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return f"action secret of installation #{self.pk}"


class EffectRetry(models.Model):
    """Attempts of an external effect that failed in a way a retry can fix (a timeout, a
    5xx, an interrupted worker). The effect is pending again until `next_attempt_at`."""

    effect = models.OneToOneField(
        Effect, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True, default="")

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return f"retry of effect #{self.pk}"
