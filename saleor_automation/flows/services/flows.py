"""Flows and their versions.

    flow_create(*, installation, name, graph=None, settings=None) -> Flow
    flow_save_draft(*, flow, graph, settings) -> FlowVersion
    flow_activate(*, flow, now=None) -> FlowVersion
    flow_pause(*, flow) -> Flow
    flow_resume(*, flow) -> Flow
    flow_archive(*, flow, now=None) -> int

A flow has at most one draft version (edited in place) and one active version. Activation
freezes the draft; the version it replaces is retired, and enrollments that entered it
finish on it.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ...messaging.services import messages_cancel_queued
from ...saleor.models import Installation
from ..definition import DefinitionError, DefinitionIssue, parse_settings, validate_graph
from ..definition import validate_settings as _validate_settings
from ..lock_objects import flow_select_for_update
from ..message_checks import graph_message_issues
from ..models import (
    OPEN_STATUSES,
    Enrollment,
    EnrollmentStatus,
    Flow,
    FlowStatus,
    FlowVersion,
    VersionState,
)

ARCHIVED_REASON = "flow_archived"


class FlowStateError(ValueError):
    """The operation does not apply to the flow in its current status."""


class FlowValidationError(ValidationError):
    """A graph or settings with issues; `issues` name the node (None: the whole flow).

    A Django ValidationError so the API layer reports it as data; its message dict is keyed
    by node id ("__all__" for flow-level issues)."""

    def __init__(self, issues: Iterable[DefinitionIssue]) -> None:
        self.issues = list(issues)
        by_node: dict[str, list[str]] = {}
        for issue in self.issues:
            by_node.setdefault(issue.node_id or "__all__", []).append(
                f"{issue.field}: {issue.message}"
            )
        super().__init__(by_node)


def flow_create(
    *,
    installation: Installation,
    name: str,
    graph: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Flow:
    with transaction.atomic():
        flow = Flow.objects.create(installation=installation, name=name)
        if graph is not None:
            flow_save_draft(flow=flow, graph=graph, settings=settings or {})
    return flow


def flow_save_draft(
    *, flow: Flow, graph: Mapping[str, Any], settings: Mapping[str, Any]
) -> FlowVersion:
    """Validate and store the draft (created on the first edit after an activation)."""
    issues = validate_graph(graph) + _validate_settings(settings)
    if not issues:
        issues = graph_message_issues(graph)
    if issues:
        raise FlowValidationError(issues)
    with transaction.atomic():
        flow = flow_select_for_update(flow.installation_id, flow.pk)
        if flow.status == FlowStatus.ARCHIVED:
            raise FlowStateError("an archived flow cannot be edited")
        draft = flow.versions.filter(state=VersionState.DRAFT).first()
        if draft is None:
            number = flow.versions.aggregate(last=Max("number"))["last"] or 0
            draft = FlowVersion(installation_id=flow.installation_id, flow=flow, number=number + 1)
        draft.graph, draft.settings = dict(graph), dict(settings)
        draft.save()
    return draft


def flow_activate(*, flow: Flow, now: datetime | None = None) -> FlowVersion:
    """Make the draft the live version. A paused flow stays paused (resume is explicit);
    a draft flow becomes active."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = flow_select_for_update(flow.installation_id, flow.pk)
        if locked.status == FlowStatus.ARCHIVED:
            raise FlowStateError("an archived flow cannot be activated")
        draft = locked.versions.filter(state=VersionState.DRAFT).first()
        if draft is None:
            raise FlowStateError("there is no draft to activate")
        try:
            # The validators of the code running now, which may be newer than the save's.
            flow_settings = parse_settings(draft.settings)
            issues = validate_graph(draft.graph)
        except DefinitionError as error:
            issues = error.issues
        if issues:
            raise FlowValidationError(issues)
        locked.versions.filter(state=VersionState.ACTIVE).update(state=VersionState.RETIRED)
        draft.state, draft.activated_at = VersionState.ACTIVE, now
        draft.save(update_fields=["state", "activated_at"])
        locked.active_version = draft
        locked.priority = flow_settings.priority
        if locked.status == FlowStatus.DRAFT:
            locked.status = FlowStatus.ACTIVE
        locked.save(update_fields=["active_version", "priority", "status", "updated_at"])
    _refresh(flow, locked)
    return draft


def _set_status(flow: Flow, allowed: Iterable[str], status: str) -> Flow:
    with transaction.atomic():
        locked = flow_select_for_update(flow.installation_id, flow.pk)
        if locked.status != status:
            if locked.status not in allowed:
                raise FlowStateError(f"a {locked.status} flow cannot become {status}")
            locked.status = status
            locked.save(update_fields=["status", "updated_at"])
    _refresh(flow, locked)
    return flow


def flow_pause(*, flow: Flow) -> Flow:
    """Stop the flow where it is: no new enrollments, and running ones hold at their node
    (their timers stay due and run on resume)."""
    return _set_status(flow, [FlowStatus.ACTIVE], FlowStatus.PAUSED)


def flow_resume(*, flow: Flow) -> Flow:
    return _set_status(flow, [FlowStatus.PAUSED], FlowStatus.ACTIVE)


def flow_archive(*, flow: Flow, now: datetime | None = None) -> int:
    """Archive the flow: its open enrollments finish with "flow_archived" and its messages
    not yet handed to a channel are skipped. Returns how many enrollments it finished."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = flow_select_for_update(flow.installation_id, flow.pk)
        locked.status = FlowStatus.ARCHIVED
        locked.save(update_fields=["status", "updated_at"])
        finished = Enrollment.objects.filter(
            installation_id=locked.installation_id, flow=locked, status__in=OPEN_STATUSES
        ).update(
            status=EnrollmentStatus.FINISHED,
            finish_reason=ARCHIVED_REASON,
            finished_at=now,
            wake_at=None,
            awaiting=None,
        )
        messages_cancel_queued(
            installation=flow.installation, flow_id=locked.pk, reason=ARCHIVED_REASON
        )
    _refresh(flow, locked)
    return finished


def _refresh(flow: Flow, locked: Flow) -> None:
    """Give the caller's instance the committed state."""
    flow.status, flow.active_version_id = locked.status, locked.active_version_id
    flow.priority, flow.updated_at = locked.priority, locked.updated_at
