"""What happens to a contact's flow state when contacts merge or a contact is deleted.

    contact_flow_state_merge(*, source, target) -> int
    contact_flow_state_erase(*, contact) -> int

Merge (a guest's contact folds into the registered customer's, then is deleted): the
guest's enrollments - history included, since re-entry rules read it - pending entries,
segment memberships, metadata snapshot and messages move to the target, so an abandonment
begun as a guest goes on after sign-up. Where the target already has the same thing (an
open enrollment for the same flow and key, a pending entry, a membership) the target's
wins: the guest's open one is finished as "contact_merged" (and moved, as history).

Erasure deletes the contact, and every enrollment, step, message, effect and pending entry
of theirs cascades with it, so nothing is left waiting. Before that, the count of open
enrollments it ends is logged per flow (ids only, no personal data).
"""

import logging
from collections import Counter

from django.utils import timezone

from ...contacts.models import Contact
from ...messaging.models import Message
from ..models import OPEN_STATUSES, Enrollment, EnrollmentStatus
from .models import MetadataSnapshot, PendingEntry, SegmentMembership

logger = logging.getLogger(__name__)

MERGED_REASON = "contact_merged"


def _finish_duplicates(source: Contact, target: Contact) -> int:
    """Finish the source's open enrollments that the target already has open; drop the
    source's holdout records the target has too (the holdout is once per key)."""
    finished = 0
    taken = set(
        Enrollment.objects.filter(contact=target, status__in=OPEN_STATUSES).values_list(
            "flow_id", "entry_key"
        )
    )
    held = set(
        Enrollment.objects.filter(contact=target, holdout=True).values_list("flow_id", "entry_key")
    )
    for row in Enrollment.objects.filter(contact=source).only(
        "pk", "flow_id", "entry_key", "status", "holdout"
    ):
        key = (row.flow_id, row.entry_key)
        if row.holdout and key in held:
            row.delete()
        elif row.status in OPEN_STATUSES and key in taken:
            Enrollment.objects.filter(pk=row.pk).update(
                status=EnrollmentStatus.FINISHED,
                finish_reason=MERGED_REASON,
                finished_at=timezone.now(),
                wake_at=None,
                awaiting=None,
            )
            finished += 1
    return finished


def contact_flow_state_merge(*, source: Contact, target: Contact) -> int:
    """Move the source contact's flow state to the target; returns how many enrollments
    moved."""
    _finish_duplicates(source, target)
    moved = Enrollment.objects.filter(contact=source).update(contact=target)
    Message.objects.filter(contact=source).update(contact=target)
    target_pending = set(
        PendingEntry.objects.filter(contact=target).values_list("flow_id", "entry_key")
    )
    for row in PendingEntry.objects.filter(contact=source):
        if (row.flow_id, row.entry_key) in target_pending:
            row.delete()
        else:
            PendingEntry.objects.filter(pk=row.pk).update(contact=target)
    target_flows = set(
        SegmentMembership.objects.filter(contact=target).values_list("flow_id", flat=True)
    )
    SegmentMembership.objects.filter(contact=source, flow_id__in=target_flows).delete()
    SegmentMembership.objects.filter(contact=source).update(contact=target)
    if MetadataSnapshot.objects.filter(contact=target).exists():
        MetadataSnapshot.objects.filter(contact=source).delete()
    else:
        MetadataSnapshot.objects.filter(contact=source).update(contact=target)
    return moved


def contact_flow_state_erase(*, contact: Contact) -> int:
    """Log what deleting the contact ends (the rows themselves cascade); returns how many
    open enrollments that is."""
    per_flow = Counter(
        Enrollment.objects.filter(contact_id=contact.pk, status__in=OPEN_STATUSES).values_list(
            "flow_id", flat=True
        )
    )
    if per_flow:
        logger.info(
            "contact %s deleted: %s open enrollments end with it (per flow: %s)",
            contact.pk,
            sum(per_flow.values()),
            dict(per_flow),
        )
    return sum(per_flow.values())
