"""A recipient's confirmation of their subscription, kept as evidence of consent."""

from django.db import models

from ...saleor.models import Installation
from ..models import Message

__all__ = ["ConsentConfirmation", "ConsentSource"]


class ConsentSource(models.TextChoices):
    DOUBLE_OPT_IN = "double_opt_in"


class ConsentConfirmation(models.Model):
    """One per confirmation email whose link was used: when, and through what. Erasing the
    person deletes it with their messages."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="+")
    # Named by label: messaging sits below contacts and imports nothing from it.
    contact = models.ForeignKey(
        "saleor_automation.Contact", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(
        max_length=32, choices=ConsentSource.choices, default=ConsentSource.DOUBLE_OPT_IN
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        app_label = "saleor_automation"
        indexes = [models.Index(fields=["installation", "contact"])]

    def __str__(self) -> str:
        return f"confirmation of message {self.message_id}"
