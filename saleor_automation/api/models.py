"""API keys: how scripts and other services reach the GraphQL API without a dashboard
session. Only a hash of the secret is stored; the token is shown once, at creation."""

from django.db import models
from django.db.models import Q

from ..saleor.models import Installation

__all__ = ["ApiKey", "ApiKeyScope"]


class ApiKeyScope(models.TextChoices):
    READ = "read"
    READ_WRITE = "read_write"


class ApiKey(models.Model):
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=128)
    # Public part of the token ("sak_<prefix>_<secret>"): finds the row without scanning
    # hashes, and lets an operator tell keys apart in lists and logs.
    prefix = models.CharField(max_length=16, unique=True)
    # sha256 hex of the secret part: a 32-byte random value needs no slow hash.
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=16, choices=ApiKeyScope.choices, default=ApiKeyScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "saleor_automation"
        indexes = [
            models.Index(
                fields=["installation"], name="apikey_live_idx", condition=Q(revoked_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"api key {self.prefix}"

    @property
    def can_write(self) -> bool:
        return self.scope == ApiKeyScope.READ_WRITE
