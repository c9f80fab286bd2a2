"""Marketing consent the recipient confirmed themselves (double opt-in)."""

from datetime import datetime

from ..models import Contact


def contact_consent_confirm(
    *, installation_id: int, contact_id: int, confirmed_at: datetime
) -> bool:
    """Record a confirmation on the contact: marketing consent becomes True. Kept locally:
    the app writes Saleor customer metadata only through a flow's write_metadata action.
    Returns whether the consent changed (False when the contact already consented, or is
    gone)."""
    contacts = Contact.objects.filter(pk=contact_id, installation_id=installation_id)
    changed = contacts.exclude(marketing_consent=True).update(
        marketing_consent=True, consent_changed_at=confirmed_at, consent_confirmed_at=confirmed_at
    )
    if not changed:
        contacts.update(consent_confirmed_at=confirmed_at)
    return bool(changed)
