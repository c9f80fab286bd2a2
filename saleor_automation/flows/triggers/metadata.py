"""Which customer metadata keys an event changed, against the snapshot last applied.

    metadata_changes(before, after, *, created) -> dict[key, (old, new)]
    metadata_snapshot_update(*, contact, customer, issued_at, created) -> dict[key, (old, new)]

A contact seen for the first time by a customer event other than CUSTOMER_CREATED has no
snapshot: what it held before is unknown (it may have had consent for years), so that event
only records the snapshot and reports no change. CUSTOMER_CREATED starts from nothing: a
new customer who signs up with consent has granted it.
"""

from collections.abc import Mapping
from datetime import datetime

from ...contacts.models import Contact
from ...contacts.services.result import is_stale
from ...saleor import payloads
from .models import MetadataSnapshot

Change = tuple[str | None, str | None]


def metadata_changes(
    before: Mapping[str, str | None] | None, after: Mapping[str, str | None], *, created: bool
) -> dict[str, Change]:
    """key -> (old, new) for every key whose value differs (a removed key has new None)."""
    if before is None:
        if not created:
            return {}
        before = {}
    keys = set(before) | set(after)
    return {
        key: (before.get(key), after.get(key))
        for key in sorted(keys)
        if before.get(key) != after.get(key)
    }


def metadata_snapshot_update(
    *,
    contact: Contact,
    customer: payloads.Customer,
    issued_at: datetime | None,
    created: bool,
) -> dict[str, Change]:
    """Apply a customer payload's metadata to the contact's snapshot; the changes it made.
    A payload older than the snapshot, or one whose metadata Saleor hid, changes nothing."""
    if customer.metadata is None:
        return {}
    after = {item.key: item.value for item in customer.metadata}
    snapshot = MetadataSnapshot.objects.select_for_update().filter(contact=contact).first()
    if snapshot is None:
        MetadataSnapshot.objects.create(
            installation_id=contact.installation_id,
            contact=contact,
            data=after,
            saleor_updated_at=customer.updated_at,
            issued_at=issued_at,
        )
        return metadata_changes(None, after, created=created)
    if is_stale(snapshot.saleor_updated_at, snapshot.issued_at, customer.updated_at, issued_at):
        return {}
    changes = metadata_changes(snapshot.data, after, created=created)
    snapshot.data = after
    snapshot.saleor_updated_at = customer.updated_at or snapshot.saleor_updated_at
    snapshot.issued_at = issued_at or snapshot.issued_at
    snapshot.save(update_fields=["data", "saleor_updated_at", "issued_at"])
    return changes
