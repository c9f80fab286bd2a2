"""Enrollments: starting one, finishing one, and waking the ones that await an event.

    enrollment_start(*, flow, contact, entry_key, context, now, holdout=False)
        -> Enrollment | None
    enrollment_finish(*, enrollment, reason, now=None, conversion=None) -> bool
    enrollment_convert(*, enrollment, conversion, now) -> bool
    enrollment_context_update(*, enrollment_id, values) -> bool
    enrollments_notify(*, installation, contact_id, kind, match, at) -> int

Advancing is the engine's (flows/engine.py); these only create rows and move timers.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ...contacts.models import Contact
from ...saleor.models import Installation
from ..models import OPEN_STATUSES, Enrollment, EnrollmentStatus, Flow, FlowStatus
from ..selectors import flow_version_parsed

HOLDOUT_REASON = "holdout"
FAILED_PREFIX = "failed"  # reasons starting with it end as status failed


def enrollment_start(
    *,
    flow: Flow,
    contact: Contact,
    entry_key: str,
    context: Mapping[str, Any],
    now: datetime,
    holdout: bool = False,
) -> Enrollment | None:
    """Enroll the contact in the flow's active version at its trigger, due at once.

    None when the flow is not active, or when this (flow, contact, entry_key) is already
    open (or already held out): a repeated trigger is a success, not an error. A holdout
    enrollment is recorded finished with reason "holdout": it receives nothing and is there
    for the comparison in stats. Entry filters, re-entry and holdout assignment are the
    caller's (the trigger's) decisions.
    """
    if contact.installation_id != flow.installation_id:
        raise ValueError("the contact and the flow belong to different installations")
    if flow.status != FlowStatus.ACTIVE or flow.active_version_id is None:
        return None
    parsed = flow_version_parsed(flow.active_version_id)
    enrollment = Enrollment(
        installation_id=flow.installation_id,
        flow=flow,
        version_id=flow.active_version_id,
        contact=contact,
        entry_key=entry_key,
        current_node=parsed.graph.trigger.id,
        node_entered_at=now,
        context=dict(context),
        holdout=holdout,
        created_at=now,
    )
    if holdout:
        enrollment.status = EnrollmentStatus.FINISHED
        enrollment.finish_reason = HOLDOUT_REASON
        enrollment.finished_at = now
    else:
        enrollment.status = EnrollmentStatus.ACTIVE
        enrollment.wake_at = now
    try:
        # A savepoint: the caller's transaction survives the duplicate.
        with transaction.atomic():
            enrollment.save(force_insert=True)
    except IntegrityError:
        return None
    return enrollment


def enrollment_finish(
    *,
    enrollment: Enrollment,
    reason: str,
    now: datetime | None = None,
    conversion: Mapping[str, Any] | None = None,
) -> bool:
    """Finish an open enrollment (a goal reached, an operator's stop...); False when it was
    finished already. Waits for an advance in progress rather than racing it."""
    now = now or timezone.now()
    fields: dict[str, Any] = {
        "status": (
            EnrollmentStatus.FAILED
            if reason.startswith(FAILED_PREFIX)
            else EnrollmentStatus.FINISHED
        ),
        "finish_reason": reason,
        "finished_at": now,
        "wake_at": None,
        "awaiting": None,
    }
    if conversion is not None:
        fields.update(converted_at=now, conversion=dict(conversion))
    done = Enrollment.objects.filter(
        installation_id=enrollment.installation_id, pk=enrollment.pk, status__in=OPEN_STATUSES
    ).update(**fields)
    if done:
        for name, value in fields.items():
            setattr(enrollment, name, value)
    return bool(done)


def enrollment_convert(
    *, enrollment: Enrollment, conversion: Mapping[str, Any], now: datetime
) -> bool:
    """Record a conversion without finishing (a goal that does not end the enrollment);
    only the first one counts. False when the enrollment had converted already."""
    done = Enrollment.objects.filter(
        installation_id=enrollment.installation_id, pk=enrollment.pk, converted_at__isnull=True
    ).update(converted_at=now, conversion=dict(conversion))
    if done:
        enrollment.converted_at, enrollment.conversion = now, dict(conversion)
    return bool(done)


def enrollment_context_update(*, enrollment_id: int, values: Mapping[str, Any]) -> bool:
    """Set top-level keys of an enrollment's context (an action's result, such as the
    voucher code the messages after it show). False when the enrollment is gone. The row
    lock makes it wait for an advance in progress instead of losing either write."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(pk=enrollment_id).first()
        if enrollment is None:
            return False
        enrollment.context = {**(enrollment.context or {}), **values}
        enrollment.save(update_fields=["context"])
    return True


def _matches(
    awaiting: Mapping[str, Any], kind: str, match: Mapping[str, Any], at: datetime
) -> bool:
    if awaiting.get("kind") != kind or "event" in awaiting:
        return False
    wanted = awaiting.get("match") or {}
    if any(match.get(key) != value for key, value in wanted.items()):
        return False
    # After the timeout the timeout branch has won, even if the tick has not run it yet.
    return datetime.fromisoformat(awaiting["until"]) >= at


def enrollments_notify(
    *,
    installation: Installation,
    contact_id: int,
    kind: str,
    match: Mapping[str, Any],
    at: datetime,
) -> int:
    """An event happened to a contact: wake the enrollments awaiting it, which follow their
    event branch on the next tick. Kinds are the AwaitEvent kinds of the wait node:
    "order.placed", "consent.confirmed", and "message.delivered" / "message.opened" /
    "message.clicked" with {"node": <send node id>} in `match` (the message's node_id). An
    awaiting enrollment wakes when every key of its own match has the same value here.
    Returns how many woke; a second event for an enrollment that already has one changes nothing."""
    woken = 0
    with transaction.atomic():
        # Waits for locked rows: skipping one mid-advance could lose the event.
        candidates = (
            Enrollment.objects.select_for_update()
            .filter(
                installation=installation,
                contact_id=contact_id,
                status=EnrollmentStatus.WAITING,
                awaiting__kind=kind,
            )
            .order_by("pk")
        )
        for enrollment in candidates:
            if not _matches(enrollment.awaiting, kind, match, at):
                continue
            event = {"at": at.isoformat(), "data": dict(match)}
            enrollment.awaiting = {**enrollment.awaiting, "event": event}
            enrollment.wake_at = at
            enrollment.save(update_fields=["awaiting", "wake_at"])
            woken += 1
    return woken
