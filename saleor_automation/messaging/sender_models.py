"""How a store's email goes out: its sender, reply-to, the postal address of the footer and
the storefront's checkout and product links. One row per installation, created when the store first
changes something; a blank field means the deployment default (settings.EMAIL_*).
"""

from django.db import models

from ..saleor.models import Installation

__all__ = ["EmailSettings"]


class EmailSettings(models.Model):
    installation = models.OneToOneField(
        Installation, on_delete=models.CASCADE, related_name="email_settings"
    )
    from_name = models.CharField(max_length=255, blank=True, default="")
    from_email = models.EmailField(max_length=254, blank=True, default="")
    reply_to = models.EmailField(max_length=254, blank=True, default="")
    # Marketing email must show the sender's postal address (CAN-SPAM, EU e-commerce rules).
    postal_address = models.TextField(max_length=1000, blank=True, default="")
    # The storefront page that resumes a checkout, with "{token}" where the checkout's
    # token goes, e.g. "https://shop.example.com/checkout?token={token}". Saleor has no
    # storefront of its own, so without it reminders carry no recovery link.
    checkout_url = models.CharField(max_length=1000, blank=True, default="")
    # The storefront's product page, with "{slug}" for the product's slug and optionally
    # "{channel}" for the channel's, e.g. "https://shop.example.com/{channel}/products/{slug}".
    # Recommended products link to it; without it they show without a link.
    product_url = models.CharField(max_length=1000, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "saleor_automation"
        verbose_name_plural = "email settings"

    def __str__(self) -> str:
        return f"email settings of installation #{self.installation_id}"
