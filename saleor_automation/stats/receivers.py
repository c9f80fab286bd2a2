"""Signal wiring for stats: each receiver delegates in one line. Connected by importing this
module from AppConfig.ready().

Attribution runs inside the transaction that applied the order event: a few indexed reads
and writes per order event, idempotent, and it commits or rolls back with the event, so an
attribution is never lost nor made twice (the inbox retries a failed event whole).
"""

from typing import Any

from django.dispatch import receiver

from ..contacts.models import Contact
from ..contacts.signals import event_applied
from ..saleor import payloads
from ..saleor.models import Installation
from .attribution_services import event_attribute


@receiver(event_applied, dispatch_uid="stats.attribution")
def order_attribution(
    sender: type,
    installation: Installation,
    event: payloads.Event,
    contact: Contact | None,
    **kwargs: Any,
) -> None:
    event_attribute(installation=installation, event=event)
