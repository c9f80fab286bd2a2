"""Signals for the layers above (flows, stats): contacts never imports them.

Both are sent inside the transaction that applied the change, so a receiver's writes commit
or roll back with it; receivers defer side effects with `transaction.on_commit`.
"""

from django.dispatch import Signal

# After an inbox event was applied (not for ignored ones, not for backfill items).
# sender: the event class (e.g. payloads.OrderCreated), so receivers can subscribe per type.
# kwargs: installation, event (the parsed payloads.Event), contact (Contact | None),
#         inbox_event_id (int: the InboxEvent row; a stable key for idempotent receivers).
event_applied = Signal()

# Before a guest contact is merged into another contact and deleted.
# sender: Contact; kwargs: installation, source (the contact about to be deleted), target.
contact_merged = Signal()
