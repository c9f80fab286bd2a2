"""Flows, their versions, enrollments and their history, effects, and the app's own groups.

Every row belongs to an Installation. A FlowVersion is immutable once activated; an
Enrollment pins the version it entered and finishes on it. The unique constraints below are
what make the engine idempotent: review them as carefully as code.
"""

import json

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..contacts.models import Contact
from ..saleor.models import Installation

__all__ = [
    "Effect",
    "EffectStatus",
    "Enrollment",
    "EnrollmentStatus",
    "Flow",
    "FlowStatus",
    "FlowVersion",
    "FlowVersionImmutable",
    "Group",
    "GroupMember",
    "StepRun",
    "VersionState",
]


class FlowStatus(models.TextChoices):
    DRAFT = "draft"  # never activated
    ACTIVE = "active"
    PAUSED = "paused"  # no new enrollments, running ones hold where they are
    ARCHIVED = "archived"  # running enrollments are finished with "flow_archived"


class VersionState(models.TextChoices):
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"  # replaced; enrollments that entered it still finish on it


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active"  # runnable now (wake_at is when it became runnable)
    WAITING = "waiting"  # sleeping until wake_at, or awaiting an event until then
    FINISHED = "finished"
    FAILED = "failed"  # finished by an error (a broken definition)


OPEN_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.WAITING)


class EffectStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"  # committed before an external call
    DONE = "done"
    FAILED = "failed"
    # Found running: the worker stopped during the call, so whether it happened is
    # unknown. Never retried automatically (the call may not be idempotent).
    FAILED_UNKNOWN = "failed_unknown"


class FlowVersionImmutable(Exception):
    """An activated FlowVersion's graph or settings were about to change."""


class Flow(models.Model):
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=FlowStatus.choices, default=FlowStatus.DRAFT)
    # Which flow goes first when several want a contact (lower first); copied from the
    # active version's settings at activation so queries can order by it.
    priority = models.IntegerField(default=50)
    active_version = models.ForeignKey(
        "FlowVersion", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "saleor_automation"
        indexes = [models.Index(fields=["installation", "status"], name="flow_status_idx")]

    def __str__(self) -> str:
        return f"flow #{self.pk}"


class FlowVersion(models.Model):
    """One version of a flow's graph and settings. The draft is edited in place; activation
    freezes it, and later edits go to a new draft."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    graph = models.JSONField(default=dict)
    settings = models.JSONField(default=dict)
    state = models.CharField(
        max_length=16, choices=VersionState.choices, default=VersionState.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(fields=["flow", "number"], name="flowversion_unique_number"),
            models.UniqueConstraint(
                fields=["flow"], condition=Q(state="draft"), name="flowversion_one_draft"
            ),
            models.UniqueConstraint(
                fields=["flow"], condition=Q(state="active"), name="flowversion_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"flow #{self.flow_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        # The services never edit an activated version; this catches any other code path
        # (an in-place edit of .graph included) before it rewrites what enrollments run on.
        frozen = getattr(self, "_frozen", None)
        if frozen is not None and self._content() != frozen:
            raise FlowVersionImmutable(f"{self} is {self.state}: its graph cannot change")
        super().save(*args, **kwargs)
        self._frozen = self._content() if self.state != "draft" else None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._frozen = instance._content() if instance._is_frozen() else None
        return instance

    def _is_frozen(self) -> bool:
        deferred = self.get_deferred_fields()
        return not {"state", "graph", "settings"} & deferred and self.state != "draft"

    def _content(self) -> str:
        return json.dumps([self.graph, self.settings], sort_keys=True, default=str)


class Enrollment(models.Model):
    """One contact's way through one flow version, entered for one entry key."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    # Neither FK gets an index of its own: every index on this table costs each advance an
    # insertion. A flow's open enrollments are found through enrollment_one_open_per_key
    # (its first column), and versions are only ever looked up by id.
    flow = models.ForeignKey(
        Flow, on_delete=models.CASCADE, related_name="enrollments", db_index=False
    )
    version = models.ForeignKey(
        FlowVersion, on_delete=models.RESTRICT, related_name="+", db_index=False
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    # What the enrollment is about: a checkout id, an order id, "2026-11-23" for dated
    # triggers; "" when the flow runs once per contact.
    entry_key = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    current_node = models.CharField(max_length=64)
    # Number of nodes entered so far; the StepRun of the current node gets this number.
    step_seq = models.PositiveIntegerField(default=0)
    node_entered_at = models.DateTimeField(default=timezone.now)
    # Due time while active or waiting: the database is the only copy of every timer.
    wake_at = models.DateTimeField(null=True, blank=True)
    # While waiting on a timer with a label, or on an event:
    # {"kind", "match", "on_event", "on_timeout", "event"?}; "event" is set by a match.
    awaiting = models.JSONField(null=True, blank=True)
    context = models.JSONField(default=dict, blank=True)
    holdout = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    finish_reason = models.CharField(max_length=64, blank=True, default="")
    converted_at = models.DateTimeField(null=True, blank=True)
    conversion = models.JSONField(null=True, blank=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "contact", "entry_key"],
                condition=Q(status__in=["active", "waiting"]),
                name="enrollment_one_open_per_key",
            ),
            # A holdout is finished at once, so the constraint above would not stop a
            # repeated trigger from recording it twice.
            models.UniqueConstraint(
                fields=["flow", "contact", "entry_key"],
                condition=Q(holdout=True),
                name="enrollment_one_holdout_per_key",
            ),
        ]
        indexes = [
            # The tick's claim: due rows in wake_at order. Partial, so finished rows (the
            # vast majority over time) cost the index nothing.
            models.Index(
                fields=["wake_at"],
                name="enrollment_due_idx",
                condition=Q(status__in=["active", "waiting"]),
            ),
            # The stats rollup's conversions (count_conversions) and conversion reports.
            # Partial: only converted rows are in it, so an advance never pays for it.
            models.Index(
                fields=["installation", "converted_at"],
                name="enrollment_converted_idx",
                condition=Q(converted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"enrollment #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StepRun(models.Model):
    """One node an enrollment entered, written when it leaves the node: the per-recipient
    history. The current node of an open enrollment is on the enrollment itself."""

    # Steps are read through their enrollment (with the installation filter); an index of
    # its own would cost every advance an insertion for no query.
    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Indexed through the unique constraint, whose first column it is.
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    step_seq = models.PositiveIntegerField()
    node_id = models.CharField(max_length=64)
    node_type = models.CharField(max_length=32)
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField()
    # The label followed ("next", "yes", "timeout"...) or "finish".
    outcome = models.CharField(max_length=64)
    # What happened: {"decision": "send", "message": id} / {"reason": ...} / ...
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "step_seq"], name="steprun_unique_step")
        ]
        indexes = [
            # A/B split results (stats.experiments) read a period's split steps. Partial:
            # only split steps pay for it, every other step is inserted as before.
            models.Index(
                fields=["installation", "entered_at"],
                name="steprun_split_idx",
                condition=Q(node_type="split"),
            )
        ]

    def __str__(self) -> str:
        return f"step {self.step_seq} of enrollment #{self.enrollment_id}"


class Effect(models.Model):
    """An action node's side effect, recorded with the step and run after commit."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    node_id = models.CharField(max_length=64)
    action = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    # uuid5(enrollment, node): a retried advance cannot record (or run) it twice.
    idempotency_key = models.UUIDField(unique=True)
    status = models.CharField(
        max_length=16, choices=EffectStatus.choices, default=EffectStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        app_label = "saleor_automation"
        indexes = [
            models.Index(
                fields=["created_at"],
                name="effect_pending_idx",
                condition=Q(status__in=["pending", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"effect {self.action} #{self.pk}"


class Group(models.Model):
    """A list of contacts the app keeps itself (action nodes add, remove and move)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(fields=["installation", "name"], name="group_unique_name")
        ]

    def __str__(self) -> str:
        return f"group #{self.pk}"


class GroupMember(models.Model):
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "saleor_automation"
        constraints = [
            models.UniqueConstraint(fields=["group", "contact"], name="groupmember_unique")
        ]

    def __str__(self) -> str:
        return f"member #{self.pk}"
