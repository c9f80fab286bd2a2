"""segment_entered: a contact comes into a flow's segment (a predicate over contact.*,
order-window attributes included, see triggers/windows.py).

    segment_transitions(members, matching) -> (entered, left)
    segments_run(*, now, refresh=SEGMENT_REFRESH) -> Counter

Each active segment flow is evaluated over all of its installation's contacts at most once
per `refresh`, by the scheduled-triggers task. Membership is kept per flow: entering opens
it (entry key: the contact's local date, so once per day at most) and runs the entry
gate; leaving is recorded (is_member False, left_at) and starts nothing. The first
evaluation of a flow version records who is inside already without enrolling them - like
backfilled customers, being in a segment before the flow existed is not an event.
"""

from collections import Counter
from collections.abc import Collection
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from ...contacts.models import Contact
from ..entry import flow_entry_attempt
from ..localtime import contact_timezone
from ..models import Flow, FlowStatus
from ..nodes.trigger import TriggerEvent
from ..policy import installation_timezone
from ..predicates import evaluate_predicate
from .common import TriggerFlow, entry_views, trigger_flows
from .models import SegmentMembership, SegmentState

SEGMENT_REFRESH = timedelta(hours=1)
CHUNK = 1000
ENTERED, LEFT, BASELINE = "segment_entered", "segment_left", "segment_baseline"


def segment_transitions(
    members: Collection[int], matching: Collection[int]
) -> tuple[set[int], set[int]]:
    """(contacts who entered, contacts who left)."""
    return set(matching) - set(members), set(members) - set(matching)


def _record(target: TriggerFlow, entered: set[int], left: set[int], now: datetime) -> None:
    flow = target.flow
    if left:
        SegmentMembership.objects.filter(flow=flow, contact_id__in=left).update(
            is_member=False, left_at=now
        )
    if not entered:
        return
    returning = set(
        SegmentMembership.objects.filter(flow=flow, contact_id__in=entered).values_list(
            "contact_id", flat=True
        )
    )
    SegmentMembership.objects.filter(flow=flow, contact_id__in=returning).update(
        is_member=True, entered_at=now, left_at=None, times_entered=F("times_entered") + 1
    )
    SegmentMembership.objects.bulk_create(
        SegmentMembership(
            installation_id=flow.installation_id, flow=flow, contact_id=pk, entered_at=now
        )
        for pk in sorted(entered - returning)
    )


def _evaluate_chunk(target: TriggerFlow, ids: list[int], now: datetime, baseline: bool) -> Counter:
    outcomes: Counter = Counter()
    segment = target.params.segment or {}
    entry_filter = target.parsed.settings.entry_filter
    views = entry_views(ids, now=now, predicates=[segment, entry_filter])
    matching = {pk for pk, view in views.items() if evaluate_predicate(segment, view, now)}
    members = set(
        SegmentMembership.objects.filter(
            flow=target.flow, contact_id__in=ids, is_member=True
        ).values_list("contact_id", flat=True)
    )
    entered, left = segment_transitions(members, matching)
    with transaction.atomic():
        _record(target, entered, left, now)
    outcomes[LEFT] += len(left)
    if baseline:
        outcomes[BASELINE] += len(entered)
        return outcomes
    outcomes[ENTERED] += len(entered)
    fallback = installation_timezone(target.flow.installation_id)
    for contact in Contact.objects.filter(pk__in=entered).order_by("pk"):
        view = views[contact.pk]
        local_day = now.astimezone(contact_timezone(view, fallback)).date().isoformat()
        outcome = flow_entry_attempt(
            target=target,
            contact=contact,
            entry_key=local_day,
            context={"segment": {"entered_at": now.isoformat()}},
            now=now,
            view=view,
        )
        outcomes[outcome.decision.reason] += 1
    return outcomes


def _segment_run(target: TriggerFlow, now: datetime, refresh: timedelta) -> Counter:
    flow = target.flow
    state = SegmentState.objects.filter(flow=flow).first()
    baseline = state is None or state.version_id != flow.active_version_id
    if not baseline and state.evaluated_at > now - refresh:
        return Counter()
    outcomes: Counter = Counter()
    ids = list(
        Contact.objects.filter(installation_id=flow.installation_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        outcomes += _evaluate_chunk(target, ids[start : start + CHUNK], now, baseline)
    SegmentState.objects.update_or_create(
        flow=flow,
        defaults={
            "installation_id": flow.installation_id,
            "version_id": flow.active_version_id,
            "evaluated_at": now,
        },
    )
    return outcomes


def segments_run(*, now: datetime, refresh: timedelta = SEGMENT_REFRESH) -> Counter:
    """Evaluate every active segment flow that is due; counts per outcome."""
    outcomes: Counter = Counter()
    installations = (
        Flow.objects.filter(status=FlowStatus.ACTIVE)
        .values_list("installation_id", flat=True)
        .distinct()
    )
    for installation_id in list(installations):
        for target in trigger_flows(installation_id, {TriggerEvent.SEGMENT_ENTERED}):
            outcomes += _segment_run(target, now, refresh)
    return outcomes
