"""The engine: the only code that applies node Decisions to enrollments.

    enrollment_advance(enrollment_id, now) -> bool
    enrollments_advance_due(*, now, limit) -> int

An advance runs in one transaction: lock the enrollments (SKIP LOCKED), load what nodes may
look at for the whole batch, evaluate node after node (at most len(nodes) + 1 per
enrollment, so a bad graph cannot spin), then write the step history, the outbox rows, the
effects and the enrollments' new state, one statement each per batch. Sends and effects are
enqueued after commit and keyed uuid5(enrollment, node), so neither a retried advance nor a
crash can do them twice. A crash before commit leaves every timer as it was.
"""

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from ..messaging.models import Message, MessageChannel, MessageStatus
from ..messaging.rendering import render_context_make
from ..messaging.services import messages_queue
from . import lock_objects
from .context import NodeContext
from .decisions import Act, AwaitEvent, Finish, Goto, Send, Skip, SleepUntil
from .definition import Node
from .localtime import contact_timezone
from .models import Effect, EnrollmentStatus, FlowStatus
from .nodes import evaluate
from .nodes.action import ActionKind
from .policy import InstallationPolicy, installation_policies
from .selectors import (
    ContactRecord,
    ParsedVersion,
    contact_views,
    enrollment_messages,
    flow_version_parsed,
    recent_marketing_sends,
)
from .services.bulk import STATE_COLUMNS, EnrollmentState, Step, enrollments_store, steps_insert

logger = logging.getLogger(__name__)

# Fixed forever: changing it would re-key every send and effect.
KEY_NAMESPACE = uuid.UUID("e2e91a18-d8e1-4b9f-b68a-b17784e30fc5")
FAILED_DEFINITION = "failed_definition"
FAILED_ERROR = "failed_error"  # a node raised: a bug, logged with its traceback
FLOW_ARCHIVED = "flow_archived"
CONTACT_GONE = "contact_deleted"
# A loop came back to a send node: one send per (enrollment, node), so it is skipped.
ALREADY_SENT = "already_sent"


# Actions that call outside run after commit; the enrollment holds at the next node until
# they settle (done or failed), at most ACTION_HOLD (their retries may take longer).
HELD_ACTIONS = frozenset(
    {ActionKind.CREATE_VOUCHER, ActionKind.WRITE_METADATA, ActionKind.CALL_WEBHOOK}
)
ACTION_HOLD = timedelta(minutes=15)
EFFECT_SETTLED = "effect.settled"


def idempotency_key(enrollment_id: int, node_id: str) -> uuid.UUID:
    return uuid.uuid5(KEY_NAMESPACE, f"{enrollment_id}:{node_id}")


@dataclass
class _Batch:
    """What one transaction loads once and writes once."""

    now: datetime
    contacts: dict[int, ContactRecord] = field(default_factory=dict)
    messages: dict[int, dict[str, dict[str, datetime]]] = field(default_factory=dict)
    recent: dict[int, list[datetime]] = field(default_factory=dict)
    policies: dict[int, InstallationPolicy] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    outbox: list[tuple[Message, Step]] = field(default_factory=list)
    effects: list[tuple[Effect, Step]] = field(default_factory=list)


def enrollment_advance(enrollment_id: int, now: datetime) -> bool:
    """Advance one enrollment if it is due and no one else holds it; False otherwise (not
    due, held by another worker, or its flow is paused)."""
    with transaction.atomic():
        rows = lock_objects.enrollments_lock_due([enrollment_id], now, STATE_COLUMNS)
        return _advance(rows, now) == 1


def enrollments_advance_due(*, now: datetime, limit: int) -> int:
    """Claim up to `limit` due enrollments of active flows and advance them; returns how
    many were claimed."""
    with transaction.atomic():
        rows = lock_objects.enrollments_claim_due(now, limit, STATE_COLUMNS)
        return _advance(rows, now)


def _advance(rows: Sequence[tuple], now: datetime) -> int:
    changed: list[EnrollmentState] = []
    runnable: list[EnrollmentState] = []
    for values in rows:
        row = EnrollmentState.from_row(values)
        if row.flow_status == FlowStatus.ACTIVE:
            runnable.append(row)
        elif row.flow_status == FlowStatus.ARCHIVED:
            _finish(row, FLOW_ARCHIVED, now)
        else:
            continue  # paused: left as it is, still due, so it runs on resume
        changed.append(row)
    if not changed:
        return 0
    batch = _load(runnable, now)
    for row in runnable:
        _run_isolated(row, batch)
    _write(batch, changed)
    return len(changed)


def _load(rows: Sequence[EnrollmentState], now: datetime) -> _Batch:
    batch = _Batch(now=now)
    if not rows:
        return batch
    batch.policies = installation_policies({row.installation_id for row in rows})
    contact_ids = {row.contact_id for row in rows}
    batch.contacts = contact_views(
        contact_ids,
        assume_consent={pk: policy.assume_consent for pk, policy in batch.policies.items()},
        double_opt_in={pk: policy.double_opt_in for pk, policy in batch.policies.items()},
    )
    batch.messages = enrollment_messages([row.id for row in rows])
    windows = [policy.cap.window for policy in batch.policies.values() if policy.cap]
    if windows:
        # One query for the widest window; a narrower cap ignores the older sends.
        batch.recent = recent_marketing_sends(contact_ids, since=now - max(windows))
    return batch


def _run_isolated(row: EnrollmentState, batch: _Batch) -> None:
    """Run one enrollment so that a bug in a node fails that enrollment alone: otherwise the
    whole batch would roll back and come back due, again and again."""
    saved = replace(row)
    marks = (len(batch.steps), len(batch.outbox), len(batch.effects))
    try:
        _run(row, batch)
    except Exception:
        logger.exception("enrollment %s failed at node %s", row.id, row.current_node)
        for name in row.__slots__:
            setattr(row, name, getattr(saved, name))
        del batch.steps[marks[0] :], batch.outbox[marks[1] :], batch.effects[marks[2] :]
        _finish(row, FAILED_ERROR, batch.now)


def _run(row: EnrollmentState, batch: _Batch) -> None:
    """Evaluate nodes until the enrollment sleeps, waits or finishes."""
    parsed = flow_version_parsed(row.version_id)
    record = batch.contacts.get(row.contact_id)
    if record is None:  # deleted between the claim and now (erasure cascades anyway)
        _finish(row, CONTACT_GONE, batch.now)
        return
    if row.awaiting is not None and not _resume(row, parsed, batch):
        return
    for _ in range(len(parsed.graph.nodes) + 1):
        node = parsed.graph.nodes.get(row.current_node)
        if node is None:
            _finish(row, FAILED_DEFINITION, batch.now)
            return
        decision = evaluate(node, _context(row, parsed, record, batch), batch.now)
        if not _apply(row, node, decision, parsed, record, batch):
            return
    # Unreachable with a validated graph (loops must pass a wait that lets time pass).
    logger.error("enrollment %s: no wait after %s nodes", row.id, len(parsed.graph.nodes) + 1)
    _finish(row, FAILED_DEFINITION, batch.now)


def _resume(row: EnrollmentState, parsed: ParsedVersion, batch: _Batch) -> bool:
    """Leave a sleep or an event wait; True when a node must be evaluated next (the same
    one again, keeping its entry time, or the one the label leads to)."""
    awaiting, row.awaiting = row.awaiting, None
    event = awaiting.get("event")
    label = awaiting.get("on_event") if event else awaiting.get("on_timeout")
    if label is None:
        return True
    node = parsed.graph.nodes.get(row.current_node)
    if node is None:
        _finish(row, FAILED_DEFINITION, batch.now)
        return False
    detail = {"decision": "await", "event": event} if event else {"decision": "timer"}
    _follow(row, node, label, detail, parsed, batch)
    return row.is_open


def _context(
    row: EnrollmentState, parsed: ParsedVersion, record: ContactRecord, batch: _Batch
) -> NodeContext:
    policy = batch.policies[row.installation_id]
    cap = policy.cap if parsed.settings.frequency_cap else None
    return NodeContext(
        enrollment_id=row.id,
        flow_id=row.flow_id,
        step_seq=row.step_seq,
        node_entered_at=row.node_entered_at,
        contact=record.view,
        settings=parsed.settings,
        context=row.context,
        messages=batch.messages.get(row.id, {}),
        recent_marketing_sends=tuple(batch.recent.get(row.contact_id, ())) if cap else (),
        cap=cap,
        installation_timezone=policy.timezone,
        installation_quiet_hours=policy.quiet_hours,
    )


def _apply(
    row: EnrollmentState,
    node: Node,
    decision: Any,
    parsed: ParsedVersion,
    record: ContactRecord,
    batch: _Batch,
) -> bool:
    """Apply one decision; True when the enrollment moved on to another node to evaluate."""
    if isinstance(decision, Goto):
        _follow(row, node, decision.label, {"decision": "goto"}, parsed, batch)
    elif isinstance(decision, Skip):
        detail = {"decision": "skip", "reason": decision.reason}
        _follow(row, node, decision.label, detail, parsed, batch)
    elif isinstance(decision, Send):
        _send(row, node, decision, parsed, record, batch)
    elif isinstance(decision, Act):
        effect = Effect(
            installation_id=row.installation_id,
            enrollment_id=row.id,
            node_id=node.id,
            action=decision.action,
            params=dict(decision.params),
            idempotency_key=idempotency_key(row.id, node.id),
            created_at=batch.now,
        )
        detail = {"decision": "act", "action": decision.action}
        batch.effects.append((effect, _follow(row, node, decision.label, detail, parsed, batch)))
        if row.is_open and decision.action in HELD_ACTIONS:
            # The next node waits for the call to settle, so a message right after a
            # create_voucher renders the code instead of racing the Saleor call.
            _wait(
                row,
                batch.now + ACTION_HOLD,
                {"kind": EFFECT_SETTLED, "match": {"node": node.id}, "reason": "action_pending"},
            )
            return False
    elif isinstance(decision, SleepUntil):
        _wait(row, decision.until, {"on_timeout": decision.label, "reason": decision.reason})
        return False
    elif isinstance(decision, AwaitEvent):
        awaiting = {
            "kind": decision.kind,
            "match": dict(decision.match),
            "on_event": decision.on_event,
            "on_timeout": decision.on_timeout,
        }
        _wait(row, decision.until, awaiting)
        return False
    elif isinstance(decision, Finish):
        _step(row, node, "finish", {"decision": "finish", "reason": decision.reason}, batch)
        _finish(row, decision.reason, batch.now)
        return False
    else:
        raise TypeError(f"node {node.id} returned {decision!r}, not a Decision")
    return row.is_open


def _send(
    row: EnrollmentState,
    node: Node,
    decision: Send,
    parsed: ParsedVersion,
    record: ContactRecord,
    batch: _Batch,
) -> None:
    """Queue the node's message in this transaction, then follow the label."""
    sent_before = batch.messages.setdefault(row.id, {})
    email = decision.channel == MessageChannel.EMAIL
    address = record.email if email else record.phone
    reason = ALREADY_SENT if node.id in sent_before else "" if address else "no_address"
    if reason:
        _follow(row, node, decision.label, {"decision": "skip", "reason": reason}, parsed, batch)
        return
    content = getattr(node.params, "message", None) or {}
    view = record.view
    message = Message(
        installation_id=row.installation_id,
        contact_id=row.contact_id,
        enrollment_id=row.id,
        node_id=node.id,
        channel=MessageChannel.EMAIL if email else MessageChannel.SMS,
        idempotency_key=idempotency_key(row.id, node.id),
        to_address=address,
        # Rendered by messaging at send time, with what the message needs from here.
        content=dict(content),
        render_context=render_context_make(
            contact={**record.names, "language": view.language, "country": view.country},
            timezone=contact_timezone(view, batch.policies[row.installation_id].timezone).key,
            context=row.context or {},
        ),
        marketing=getattr(node.params, "marketing", True),
        counts_towards_cap=getattr(node.params, "marketing", True)
        and parsed.settings.frequency_cap,
        status=MessageStatus.QUEUED,
        created_at=batch.now,
    )
    sent_before[node.id] = {}
    if message.counts_towards_cap:
        # Later nodes in this batch (this contact in other flows too) see it under the cap.
        batch.recent.setdefault(row.contact_id, []).append(batch.now)
    detail = {"decision": "send", "channel": message.channel}
    batch.outbox.append((message, _follow(row, node, decision.label, detail, parsed, batch)))


def _follow(
    row: EnrollmentState,
    node: Node,
    label: str,
    detail: dict[str, Any],
    parsed: ParsedVersion,
    batch: _Batch,
) -> Step:
    """Leave `node` along `label` (its Step is returned) and enter the target. A missing
    edge finishes the enrollment as failed_definition instead of raising."""
    target = parsed.graph.target(node.id, label)
    if target is None:
        detail = {**detail, "error": f"no edge labelled {label!r}"}
    step = _step(row, node, label, detail, batch)
    if target is None:
        logger.warning("enrollment %s: node %s has no edge %r", row.id, node.id, label)
        _finish(row, FAILED_DEFINITION, batch.now)
        return step
    row.current_node = target
    row.step_seq += 1
    row.node_entered_at = batch.now
    row.status = EnrollmentStatus.ACTIVE
    row.wake_at = batch.now
    return step


def _step(row: EnrollmentState, node: Node, outcome: str, detail: dict, batch: _Batch) -> Step:
    step = Step(
        row.installation_id,
        row.id,
        row.step_seq,
        node.id,
        node.type,
        row.node_entered_at,
        batch.now,
        outcome,
        detail,
    )
    batch.steps.append(step)
    return step


def _wait(row: EnrollmentState, until: datetime, awaiting: dict[str, Any]) -> None:
    row.status = EnrollmentStatus.WAITING
    row.wake_at = until
    row.awaiting = {**awaiting, "until": until.isoformat()}


def _finish(row: EnrollmentState, reason: str, now: datetime) -> None:
    failed = reason.startswith("failed")
    row.status = EnrollmentStatus.FAILED if failed else EnrollmentStatus.FINISHED
    row.finish_reason = reason
    row.finished_at = now
    row.wake_at = None
    row.awaiting = None


def _write(batch: _Batch, changed: Sequence[EnrollmentState]) -> None:
    messages = messages_queue([message for message, _ in batch.outbox])
    for message, step in batch.outbox:
        step.detail["message"] = message.pk
    effects = _effects_record([effect for effect, _ in batch.effects])
    for effect, step in batch.effects:
        step.detail["effect"] = effect.pk
    steps_insert(batch.steps)
    enrollments_store(changed)
    queued = [message.pk for message in messages if message.status == MessageStatus.QUEUED]
    pending = [effect.pk for effect in effects]
    if queued or pending:
        transaction.on_commit(_enqueue(queued, pending))


def _effects_record(effects: list[Effect]) -> list[Effect]:
    if not effects:
        return []
    # ON CONFLICT on the key, like the outbox: a repeat returns the existing row's id.
    return Effect.objects.bulk_create(
        effects,
        update_conflicts=True,
        unique_fields=["idempotency_key"],
        update_fields=["idempotency_key"],
    )


def _enqueue(message_ids: list[int], effect_ids: list[int]) -> Callable[[], None]:
    def enqueue() -> None:
        # A lost publish is recovered by the sweeps: the rows are the queue.
        from ..messaging.tasks import messages_send_enqueue
        from .tasks import effects_run_task

        try:
            if message_ids:
                messages_send_enqueue(message_ids)
            if effect_ids:
                effects_run_task.delay(effect_ids)
        except Exception:
            logger.exception(
                "could not publish %s sends / %s effects", len(message_ids), len(effect_ids)
            )

    return enqueue
