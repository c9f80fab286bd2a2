"""Per-installation SMS settings, and the key that names an installation in webhook URLs.

Provider webhooks (Twilio's status callbacks and inbound messages) reach
/webhooks/sms/<provider>/<webhook_key>/..., so the URL says which store an event belongs to
without a guessable id in it: the key is random and can be rotated. It is no secret in the
cryptographic sense (the provider's signature is what authenticates a request); it keeps
store ids out of URLs and strangers from addressing a store at all.
"""

import secrets

from django.db import models

from ...saleor.models import Installation

__all__ = ["SmsConfig"]


def new_webhook_key() -> str:
    return secrets.token_urlsafe(24)  # 32 URL-safe characters, 192 bits


class SmsConfig(models.Model):
    installation = models.OneToOneField(Installation, on_delete=models.CASCADE, related_name="+")
    webhook_key = models.CharField(max_length=64, unique=True, default=new_webhook_key)
    # The store's sender: an E.164 number, an alphanumeric sender id or a provider's pool
    # (a Twilio Messaging Service sid "MG..."). Blank: the deployment's SMS_SENDER.
    sender = models.CharField(max_length=64, blank=True, default="")
    # ISO 3166 region to read a contact's number in when the contact has no country.
    # Blank: the deployment's SMS_DEFAULT_REGION (blank too: numbers need +country code).
    default_region = models.CharField(max_length=2, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return f"SMS settings of installation #{self.installation_id}"
