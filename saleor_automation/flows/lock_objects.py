"""Row locks the engine takes. SKIP LOCKED everywhere an enrollment is claimed: a row another
worker holds is that worker's, and waiting for it would only advance it twice.

On SQLite select_for_update is a no-op; the IMMEDIATE transactions of settings.py take the
database's single write lock at BEGIN instead, so two claims still never overlap.
"""

from collections.abc import Collection, Sequence
from datetime import datetime

from django.db.models import F, QuerySet, TextField
from django.db.models.functions import Cast

from .models import OPEN_STATUSES, Enrollment, Flow, FlowStatus

# The moments of an enrollment, also selected as text ("<name>_text"): Django's loader of
# timestamptz values is pure Python (18 ms for the 2,000 moments of a batch here), while
# datetime.fromisoformat on the text takes 1 ms (services/bulk.py parses them).
MOMENTS = ("node_entered_at", "wake_at", "finished_at")


def enrollment_qs_select_for_update() -> QuerySet[Enrollment]:
    """Enrollments locked with SKIP LOCKED, each annotated with its flow's `flow_status`
    (the join costs nothing extra and spares the engine a query per batch) and with its
    moments as text."""
    return _with_flow_status(Enrollment.objects.select_for_update(skip_locked=True, of=("self",)))


def _with_flow_status(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    texts = {f"{name}_text": Cast(name, TextField()) for name in MOMENTS}
    return enrollments.annotate(flow_status=F("flow__status"), **texts)


def enrollments_claim_due(now: datetime, limit: int, columns: Sequence[str]) -> list[tuple]:
    """Lock up to `limit` due enrollments of active flows, oldest due first, and return
    their `columns`. Enrollments of paused flows are left alone (they stay due and run when
    the flow resumes).

    The active flows are read first (a small table) so the claim filters on flow_id alone:
    joined to the flow, PostgreSQL would rather hash-join and sort every due row than walk
    the partial index enrollment_due_idx in wake_at order and stop at `limit` (630 ms
    instead of a few for 100,000 due rows). The claim locks ids only; the batch's columns
    are then read by id, already locked by this transaction."""
    active = list(Flow.objects.filter(status=FlowStatus.ACTIVE).values_list("pk", flat=True))
    if not active:
        return []
    claimed = list(
        Enrollment.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status__in=OPEN_STATUSES, wake_at__lte=now, flow_id__in=active)
        .order_by("wake_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not claimed:
        return []
    return list(
        _with_flow_status(Enrollment.objects.filter(pk__in=claimed))
        .order_by("wake_at")
        .values_list(*columns)
    )


def enrollments_lock_due(
    ids: Collection[int], now: datetime, columns: Sequence[str]
) -> list[tuple]:
    """Lock the given enrollments that are still due (locked ones are skipped) and return
    their `columns`."""
    return list(
        enrollment_qs_select_for_update()
        .filter(pk__in=list(ids), status__in=OPEN_STATUSES, wake_at__lte=now)
        .order_by("pk")
        .values_list(*columns)
    )


def flow_select_for_update(installation_id: int, flow_id: int) -> Flow:
    """The flow row, locked (waiting) so status changes and activations serialise."""
    return (
        Flow.objects.select_for_update(of=("self",))
        .filter(installation_id=installation_id)
        .get(pk=flow_id)
    )
