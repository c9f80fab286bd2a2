"""Signal wiring for contacts: each receiver delegates in one line. Connected by importing
this module from AppConfig.ready()."""

from datetime import datetime
from typing import Any

from django.dispatch import receiver

from ..messaging.confirm.models import ConsentConfirmation
from ..messaging.signals import consent_confirmed
from ..messaging.sms.signals import sms_consent_changed
from .services.consent import contact_consent_confirm
from .services.sms_consent import contact_sms_consent_record


@receiver(sms_consent_changed, dispatch_uid="contacts.sms_consent")
def sms_consent(
    sender: Any, installation_id: int, phone: str, opted_in: bool, occurred_at: datetime, **kw: Any
) -> None:
    contact_sms_consent_record(
        installation_id=installation_id, phone=phone, opted_in=opted_in, occurred_at=occurred_at
    )


@receiver(consent_confirmed, sender=ConsentConfirmation, dispatch_uid="contacts.consent_confirmed")
def consent_confirmation(
    sender: Any, installation_id: int, contact_id: int, confirmed_at: datetime, **kw: Any
) -> None:
    contact_consent_confirm(
        installation_id=installation_id, contact_id=contact_id, confirmed_at=confirmed_at
    )
