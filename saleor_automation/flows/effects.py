"""Running the side effects of action nodes, after the advance that recorded them commits.

    effect_run(effect_id, *, now=None) -> str
    effects_sweep(*, now, grace=GRACE, limit=SWEEP_LIMIT) -> list[int]

An effect on the app's own rows (groups) runs in the same transaction that marks it done,
so it happens exactly once. An effect outside (Saleor, a webhook) would be marked running
and committed before the call, like a send, and found running it would become
failed_unknown; no such action runs here yet (see EXTERNAL).
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .models import Effect, EffectStatus
from .nodes.action import ActionKind
from .services.groups import group_add, group_move

logger = logging.getLogger(__name__)

GRACE = timedelta(seconds=60)  # a pending effect older than this lost its task
SWEEP_LIMIT = 5000
# Actions that call Saleor or a webhook. They need the Saleor mutation documents (voucher
# create, metadata update) and a webhook signing scheme, which this version does not have:
# such an effect fails with a clear error rather than pretending it ran.
EXTERNAL = frozenset(
    {ActionKind.CREATE_VOUCHER, ActionKind.WRITE_METADATA, ActionKind.CALL_WEBHOOK}
)


def _add_to_group(effect: Effect, contact_id: int, now: datetime) -> None:
    group_add(
        installation=effect.installation,
        name=effect.params["group"],
        contact_id=contact_id,
        now=now,
    )


def _move_to_group(effect: Effect, contact_id: int, now: datetime) -> None:
    group_move(
        installation=effect.installation,
        name=effect.params["group"],
        contact_id=contact_id,
        now=now,
    )


LOCAL: dict[str, Callable[[Effect, int, datetime], None]] = {
    ActionKind.ADD_TO_GROUP: _add_to_group,
    ActionKind.MOVE_TO_GROUP: _move_to_group,
}


def effect_run(effect_id: int, *, now: datetime | None = None) -> str:
    """Run one pending effect; returns its status afterwards. Safe to call twice."""
    now = now or timezone.now()
    with transaction.atomic():
        effect = (
            Effect.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("installation", "enrollment")
            .filter(pk=effect_id)
            .first()
        )
        if effect is None:
            return "busy"  # missing, or another worker holds it
        if effect.status != EffectStatus.PENDING:
            return effect.status
        handler = LOCAL.get(effect.action)
        if handler is None:
            effect.status = EffectStatus.FAILED
            effect.error = f"the action {effect.action!r} is not available in this version"
            logger.warning("effect %s: action %s is not available", effect.pk, effect.action)
        else:
            handler(effect, effect.enrollment.contact_id, now)
            effect.status = EffectStatus.DONE
            effect.done_at = now
        effect.save(update_fields=["status", "error", "done_at"])
    return effect.status


def effects_sweep(
    *, now: datetime, grace: timedelta = GRACE, limit: int = SWEEP_LIMIT
) -> list[int]:
    """Pending effects whose task never came (lost publish, lost broker)."""
    return list(
        Effect.objects.filter(status=EffectStatus.PENDING, created_at__lt=now - grace)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
