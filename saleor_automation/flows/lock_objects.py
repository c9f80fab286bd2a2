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
    texts = {f"{name}_text": Cast(name, TextField()) for name in MOMENTS}
    return Enrollment.objects.select_for_update(skip_locked=True, of=("self",)).annotate(
        flow_status=F("flow__status"), **texts
    )


def enrollments_claim_due(now: datetime, limit: int, columns: Sequence[str]) -> list[tuple]:
    """Lock up to `limit` due enrollments of active flows, oldest due first, and return
    their `columns`: one query, served by the partial index enrollment_due_idx. Enrollments
    of paused flows are left alone (they stay due and run when the flow resumes)."""
    return list(
        enrollment_qs_select_for_update()
        .filter(status__in=OPEN_STATUSES, wake_at__lte=now, flow__status=FlowStatus.ACTIVE)
        .order_by("wake_at")
        .values_list(*columns)[:limit]
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
