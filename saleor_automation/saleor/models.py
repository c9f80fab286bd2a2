"""Installations of the app in Saleor instances, and the inbox of webhook deliveries."""

from django.db import models
from django.db.models import Q

from ..encryption import EncryptedTextField

__all__ = ["InboxEvent", "Installation"]


class Installation(models.Model):
    """One Saleor instance that installed the app; every other row belongs to one.

    Keyed by the exact `Saleor-Api-Url` string; a reinstall overwrites the same row (new app
    id, new token) so marketing data survives uninstall and reinstall.
    """

    saleor_api_url = models.CharField(max_length=255, unique=True)
    domain = models.CharField(max_length=255, blank=True, default="")
    app_id = models.CharField(max_length=255)
    # The app token (30 chars), encrypted at rest; blank once the app was deleted.
    token = EncryptedTextField(blank=True, default="")
    jwks = models.JSONField(default=dict, blank=True)
    jwks_fetched_at = models.DateTimeField(null=True, blank=True)
    granted_permissions = models.JSONField(default=list, blank=True)
    saleor_version = models.CharField(max_length=64, blank=True, default="")
    schema_version = models.CharField(max_length=16, blank=True, default="")
    shop_name = models.CharField(max_length=255, blank=True, default="")
    channels = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    # The store's own choices. Blank or null means the deployment default from settings.py
    # (DEFAULT_TIMEZONE, FREQUENCY_CAP_*, ASSUME_MARKETING_CONSENT, DOUBLE_OPT_IN, *_METADATA_KEY,
    # ATTRIBUTION_*).
    timezone = models.CharField(max_length=64, blank=True, default="")
    frequency_cap_messages = models.PositiveIntegerField(null=True, blank=True)
    frequency_cap_hours = models.PositiveIntegerField(null=True, blank=True)
    assume_marketing_consent = models.BooleanField(null=True, blank=True)
    # Store-wide quiet hours ("HH:MM-HH:MM", "" = the deployment default QUIET_HOURS;
    # "off" = none even if the deployment has some).
    quiet_hours = models.CharField(max_length=16, blank=True, default="")
    # Marketing consent counts only once confirmed through a link (DOUBLE_OPT_IN).
    double_opt_in = models.BooleanField(null=True, blank=True)
    birthday_metadata_key = models.CharField(max_length=128, blank=True, default="")
    consent_metadata_key = models.CharField(max_length=128, blank=True, default="")
    # Revenue attribution (ATTRIBUTION_MODEL, ATTRIBUTION_CLICK_DAYS, ATTRIBUTION_OPEN_DAYS).
    attribution_model = models.CharField(max_length=16, blank=True, default="")
    attribution_click_days = models.PositiveSmallIntegerField(null=True, blank=True)
    attribution_open_days = models.PositiveSmallIntegerField(null=True, blank=True)

    installed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    uninstalled_at = models.DateTimeField(null=True, blank=True)
    # When Saleor last deactivated the app: events from then until reactivation are lost at
    # Saleor's side, so reactivation reconciles from this moment.
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # issuedAt of the last lifecycle event applied, to ignore older ones arriving late.
    lifecycle_issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "saleor_automation"

    def __str__(self) -> str:
        return self.saleor_api_url


class InboxStatus(models.TextChoices):
    PENDING = "pending"
    PROCESSED = "processed"
    IGNORED = "ignored"  # stored, understood, deliberately not applied (e.g. our own echo)
    PARKED = "parked"  # failed too often; kept with its error until someone retries it


class InboxEvent(models.Model):
    """A webhook delivery, stored verbatim before Saleor gets its 200.

    The raw body is text (a jsonb column cost a third of the receiver's throughput) and is
    parsed after commit by the inbox processor.
    """

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=64)
    # sha256 of Saleor-Api-Url + Saleor-Event + raw body: a retry of one delivery is
    # byte-identical (Saleor sends no delivery id), a new event differs in issuedAt.
    dedupe_key = models.CharField(max_length=64)
    body = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=16, choices=InboxStatus.choices, default=InboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # A failed row is not retried before this moment (backoff).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "dedupe_key"], name="inbox_unique_delivery"
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="inbox_pending_idx",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk} ({self.status})"
