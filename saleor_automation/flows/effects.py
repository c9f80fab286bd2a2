"""Running the side effects of action nodes, after the advance that recorded them commits.

    effect_run(effect_id, *, now=None) -> str
    effects_sweep(*, now, grace=GRACE, lease=RUNNING_LEASE, limit=SWEEP_LIMIT) -> list[int]

An effect on the app's own rows (groups) runs in the same transaction that marks it done,
so it happens exactly once.

An effect that calls outside (flows/actions/: create_voucher and write_metadata call Saleor,
call_webhook a URL) follows the outbox rule: it is marked running and committed before the
call, then marked done or failed. A failure a retry can fix (a timeout, a 5xx, an
unexpected error) puts it back to pending with a backoff, at most MAX_ATTEMPTS attempts in
all. An effect found running past RUNNING_LEASE lost its worker mid-call: whether the call
happened is unknown. The three external actions are idempotent by construction (see their
modules: the voucher code is recorded before the call and reused, a metadata write sets the
same value again, the webhook carries the effect's Idempotency-Key), so such an effect is
retried like a timeout; any other action would become failed_unknown and be left to a human.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .actions import metadata, voucher, webhook
from .actions.base import ActionFailed, ActionRetry
from .actions.models import EffectRetry
from .engine import EFFECT_SETTLED
from .models import Effect, EffectStatus
from .nodes.action import ActionKind
from .services.enrollments import enrollments_notify
from .services.groups import group_add, group_move

logger = logging.getLogger(__name__)

GRACE = timedelta(seconds=60)  # a pending effect older than this lost its task
SWEEP_LIMIT = 5000
# Longer than any external call can take (four Saleor calls at SALEOR_HTTP_TIMEOUT).
RUNNING_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(seconds=30)  # then 2 min, 8 min, 32 min
# A countdown task may fire a little early (clock skew between hosts).
DUE_TOLERANCE = timedelta(seconds=1)
INTERRUPTED = "interrupted while calling out: the worker stopped mid-call"
MAX_ERROR = 2000

EXTERNAL: dict[str, Callable[[Effect, datetime], None]] = {
    ActionKind.CREATE_VOUCHER: voucher.run,
    ActionKind.WRITE_METADATA: metadata.run,
    ActionKind.CALL_WEBHOOK: webhook.run,
}
# External actions whose call may be made again after an interruption (see the docstring).
RETRY_ON_INTERRUPT = frozenset(
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


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return RETRY_BASE * 4 ** (attempts - 1)


def effect_run(effect_id: int, *, now: datetime | None = None) -> str:
    """Run one pending effect; returns its status afterwards. Safe to call twice: only a
    pending effect whose retry (if any) is due is ever started."""
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
        local = LOCAL.get(effect.action)
        if local is not None:
            local(effect, effect.enrollment.contact_id, now)
            effect.status = EffectStatus.DONE
            effect.done_at = now
            effect.save(update_fields=["status", "error", "done_at"])
            return effect.status
        if effect.action not in EXTERNAL:
            effect.status = EffectStatus.FAILED
            effect.error = f"the action {effect.action!r} is not available in this version"
            logger.warning("effect %s: action %s is not available", effect.pk, effect.action)
            effect.save(update_fields=["status", "error"])
            return effect.status
        if not _due(effect.pk, now):
            return effect.status
        effect.status = EffectStatus.RUNNING
        effect.started_at = now
        effect.save(update_fields=["status", "started_at"])
    # Committed: a crash from here on leaves the effect running, for effects_sweep.
    return _call(effect, now)


def _due(effect_id: int, now: datetime) -> bool:
    next_attempt = (
        EffectRetry.objects.filter(effect_id=effect_id)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return next_attempt is None or next_attempt <= now + DUE_TOLERANCE


def _call(effect: Effect, now: datetime) -> str:
    try:
        EXTERNAL[effect.action](effect, now)
    except ActionFailed as exc:
        return _finish(effect, EffectStatus.FAILED, str(exc), now)
    except ActionRetry as exc:
        return _retry_or_fail(effect.pk, effect.action, str(exc), now)
    except Exception as exc:
        # A bug or a database hiccup: every external action may be repeated, so the
        # attempt counts like a timeout rather than losing the effect at once.
        logger.exception("effect %s (%s) raised", effect.pk, effect.action)
        return _retry_or_fail(
            effect.pk, effect.action, f"internal error: {type(exc).__name__}", now
        )
    return _finish(effect, EffectStatus.DONE, "", now)


def _settled(effect_id: int, now: datetime) -> None:
    """Wake the enrollment holding at the node after this action (engine.HELD_ACTIONS)."""
    row = (
        Effect.objects.filter(pk=effect_id)
        .values_list("installation_id", "enrollment__contact_id", "node_id")
        .first()
    )
    if row is not None and row[1] is not None:
        enrollments_notify(
            installation=row[0],
            contact_id=row[1],
            kind=EFFECT_SETTLED,
            match={"node": row[2]},
            at=now,
        )


def _finish(effect: Effect, status: str, error: str, now: datetime) -> str:
    fields: dict[str, object] = {"status": status, "error": error[:MAX_ERROR]}
    if status == EffectStatus.DONE:
        fields["done_at"] = now
    # Done also over pending: the sweep may have taken back an attempt that outlived the
    # lease, and this one did succeed.
    allowed = [EffectStatus.RUNNING]
    if status == EffectStatus.DONE:
        allowed.append(EffectStatus.PENDING)
    if Effect.objects.filter(pk=effect.pk, status__in=allowed).update(**fields):
        _settled(effect.pk, now)
    if status == EffectStatus.FAILED:
        logger.warning("effect %s (%s) failed: %s", effect.pk, effect.action, error[:200])
    return status


def _retry_or_fail(effect_id: int, action: str, reason: str, now: datetime) -> str:
    """Count a failed attempt of a running effect: pending again after a backoff, or failed
    once MAX_ATTEMPTS were made. An effect no longer running (the sweep took it back while
    its call went on) was counted already: its status is returned unchanged."""
    reason = reason[:MAX_ERROR]
    with transaction.atomic():
        effect = Effect.objects.select_for_update().filter(pk=effect_id).first()
        if effect is None or effect.status != EffectStatus.RUNNING:
            return effect.status if effect is not None else "missing"
        retry, _ = EffectRetry.objects.select_for_update().get_or_create(
            effect_id=effect_id, defaults={"next_attempt_at": now}
        )
        retry.attempts += 1
        retry.last_error = reason
        if retry.attempts >= MAX_ATTEMPTS:
            retry.save(update_fields=["attempts", "last_error"])
            effect.status = EffectStatus.FAILED
            effect.error = f"{reason} (gave up after {retry.attempts} attempts)"[:MAX_ERROR]
            effect.save(update_fields=["status", "error"])
            logger.warning(
                "effect %s (%s) failed after %s attempts", effect_id, action, retry.attempts
            )
            transaction.on_commit(lambda: _settled(effect_id, now))
            return effect.status
        delay = retry_delay(retry.attempts)
        retry.next_attempt_at = now + delay
        retry.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        effect.status, effect.error = EffectStatus.PENDING, reason
        effect.save(update_fields=["status", "error"])
        transaction.on_commit(_enqueue_later(effect_id, delay))
    logger.info("effect %s (%s): attempt %s failed, retrying", effect_id, action, retry.attempts)
    return EffectStatus.PENDING


def _enqueue_later(effect_id: int, delay: timedelta) -> Callable[[], None]:
    def enqueue() -> None:
        # Only a speed-up: effects_sweep finds the effect once its retry is due anyway.
        from .tasks import effects_run_task

        try:
            effects_run_task.apply_async(([effect_id],), countdown=delay.total_seconds())
        except Exception:
            logger.exception("could not publish the retry of effect %s", effect_id)

    return enqueue


def effects_sweep(
    *,
    now: datetime,
    grace: timedelta = GRACE,
    lease: timedelta = RUNNING_LEASE,
    limit: int = SWEEP_LIMIT,
) -> list[int]:
    """Effects to run now: pending ones whose task never came (lost publish, lost broker),
    first or retry. First takes back the ones running past `lease` (their worker
    stopped mid-call): retried when idempotent, failed_unknown otherwise."""
    interrupted = Effect.objects.filter(
        status=EffectStatus.RUNNING, started_at__lt=now - lease
    ).values_list("pk", "action")[:limit]
    for effect_id, action in list(interrupted):
        if action in RETRY_ON_INTERRUPT:
            _retry_or_fail(effect_id, action, INTERRUPTED, now)
        else:
            Effect.objects.filter(pk=effect_id, status=EffectStatus.RUNNING).update(
                status=EffectStatus.FAILED_UNKNOWN, error=INTERRUPTED
            )
            logger.warning("effect %s (%s) was interrupted: left for a human", effect_id, action)
    # A retry's own countdown task runs it when due; the sweep steps in once that is late.
    waiting = EffectRetry.objects.filter(effect_id=OuterRef("pk"), next_attempt_at__gt=now - grace)
    return list(
        Effect.objects.filter(status=EffectStatus.PENDING, created_at__lt=now - grace)
        .exclude(Exists(waiting))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
