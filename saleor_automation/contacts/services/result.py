"""What applying one Saleor object or event did."""

from dataclasses import dataclass
from datetime import datetime

from ..models import Contact


@dataclass(frozen=True)
class ApplyResult:
    contact: Contact | None = None
    # Why the item was deliberately not applied (e.g. a staff user); empty when applied.
    ignored: str = ""
    # The payload was older than what is stored, so nothing was written.
    stale: bool = False


def is_stale(
    stored_updated_at: datetime | None,
    stored_issued_at: datetime | None,
    updated_at: datetime | None,
    issued_at: datetime | None,
) -> bool:
    """Whether a payload is older than the one a row was built from.

    Saleor's `updatedAt` orders object states (deferred payloads are rendered after the
    request, so a later `issuedAt` may carry an earlier state); `issuedAt` breaks ties, e.g.
    two metadata writes that leave `updatedAt` alone. An equal pair is not stale: applying
    the same state again changes nothing.
    """
    if stored_updated_at is not None and updated_at is not None and updated_at != stored_updated_at:
        return updated_at < stored_updated_at
    return stored_issued_at is not None and issued_at is not None and issued_at < stored_issued_at
