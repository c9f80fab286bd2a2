"""Recording a confirmation.

consent_confirm(message, *, now=None) -> ConsentConfirmation | None
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Message
from ..signals import consent_confirmed
from .models import ConsentConfirmation, ConsentSource


def consent_confirm(message: Message, *, now: datetime | None = None) -> ConsentConfirmation | None:
    """Record that the recipient of `message` confirmed their subscription and tell the
    layers above (signals.consent_confirmed, in the same transaction). The first use of a
    link counts; any later one changes nothing and returns None."""
    now = now or timezone.now()
    with transaction.atomic():
        confirmation, created = ConsentConfirmation.objects.get_or_create(
            message=message,
            defaults={
                "installation_id": message.installation_id,
                "contact_id": message.contact_id,
                "source": ConsentSource.DOUBLE_OPT_IN,
                "confirmed_at": now,
            },
        )
        if not created:
            return None
        consent_confirmed.send(
            sender=ConsentConfirmation,
            installation_id=message.installation_id,
            contact_id=message.contact_id,
            message=message,
            confirmed_at=now,
            source=confirmation.source,
        )
    return confirmation
