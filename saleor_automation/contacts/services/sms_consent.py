"""SMS consent from the recipient's own replies (STOP / START to the shop's number)."""

from datetime import datetime

from ..models import Contact


def contact_sms_consent_record(
    *, installation_id: int, phone: str, opted_in: bool, occurred_at: datetime
) -> int:
    """Record a reply on every contact of the installation with that E.164 number; an
    older reply never overwrites a newer one. Returns how many contacts changed."""
    contacts = Contact.objects.filter(installation_id=installation_id, phone=phone).exclude(
        sms_consent_changed_at__gt=occurred_at
    )
    return contacts.update(sms_consent=opted_in, sms_consent_changed_at=occurred_at)
