"""The engine's batch writes: a tick's step history and enrollment state, one statement each.

    EnrollmentState, Step: the engine's working rows (plain objects: building a Django model
        instance per row cost more than the whole database round trip of a batch)
    steps_insert(steps) -> None
    enrollments_store(states) -> None

On PostgreSQL each write sends the whole batch as one JSON document that the server unpacks
with jsonb_to_recordset. Django's bulk_update builds a CASE per column with a branch per row
(quadratic: 2.5 s for 1,000 enrollments here) and adapting per-column arrays in Python cost
a tenth of a second per batch; JSON is encoded in C and parsed by the server in
milliseconds. Other databases (SQLite for `make run`) use Django's bulk methods.
"""

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, models

from ..models import OPEN_STATUSES, Enrollment, StepRun

# What the engine changes on an enrollment.
ENROLLMENT_FIELDS = (
    "status",
    "current_node",
    "step_seq",
    "node_entered_at",
    "wake_at",
    "awaiting",
    "finished_at",
    "finish_reason",
)
# What the engine reads: the lock query's columns, in EnrollmentState's order; moments come
# as text (lock_objects.MOMENTS) and are parsed by EnrollmentState.from_row.
STATE_COLUMNS = (
    "id",
    "installation_id",
    "flow_id",
    "version_id",
    "contact_id",
    "context",
    "flow_status",
    "status",
    "current_node",
    "step_seq",
    "node_entered_at_text",
    "wake_at_text",
    "awaiting",
    "finished_at_text",
    "finish_reason",
)
_MOMENT_POSITIONS = tuple(i for i, name in enumerate(STATE_COLUMNS) if name.endswith("_text"))


def moment(text: str | None) -> datetime | None:
    """A timestamp selected as text: PostgreSQL's "2026-06-15 11:00:00.5+00", or SQLite's
    naive UTC "2026-06-15 11:00:00.500000"."""
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(slots=True)
class EnrollmentState:
    """An enrollment as the engine reads and changes it (attribute names are the model's)."""

    id: int
    installation_id: int
    flow_id: int
    version_id: int
    contact_id: int
    context: dict[str, Any]
    flow_status: str
    status: str
    current_node: str
    step_seq: int
    node_entered_at: datetime
    wake_at: datetime | None
    awaiting: dict[str, Any] | None
    finished_at: datetime | None
    finish_reason: str

    @classmethod
    def from_row(cls, values: Sequence[Any]) -> "EnrollmentState":
        """From a row of STATE_COLUMNS."""
        values = list(values)
        for position in _MOMENT_POSITIONS:
            values[position] = moment(values[position])
        return cls(*values)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(slots=True)
class Step:
    """A StepRun to insert."""

    installation_id: int
    enrollment_id: int
    step_seq: int
    node_id: str
    node_type: str
    entered_at: datetime
    left_at: datetime
    outcome: str
    detail: dict[str, Any] = field(default_factory=dict)


def _encode(value: Any) -> Any:
    # isoformat keeps microseconds (DjangoJSONEncoder cuts them to milliseconds).
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _recordset(
    model: type[models.Model], names: Sequence[str], objects: Sequence[Any]
) -> tuple[list[models.Field], str, str]:
    """(fields, "jsonb_to_recordset(%s::jsonb) AS v(col type, ...)", the JSON document)."""
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(f"{f.column} {f.db_type(connection)}" for f in fields)
    rows = [{f.column: getattr(obj, f.attname) for f in fields} for obj in objects]
    source = f"jsonb_to_recordset(%s::jsonb) AS v({columns})"
    return fields, source, json.dumps(rows, default=_encode, separators=(",", ":"))


def steps_insert(steps: Sequence[Step]) -> None:
    if not steps:
        return
    if connection.vendor != "postgresql":
        StepRun.objects.bulk_create(StepRun(**asdict(step)) for step in steps)
        return
    names = [f.name for f in StepRun._meta.concrete_fields if not f.primary_key]
    fields, source, document = _recordset(StepRun, names, steps)
    columns = ", ".join(f.column for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {StepRun._meta.db_table} ({columns}) "  # noqa: S608 (model names)
            f"SELECT {columns} FROM {source}",
            [document],
        )


def enrollments_store(rows: Sequence[EnrollmentState]) -> None:
    """Write the engine-owned fields of every row."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        instances = [
            Enrollment(id=row.id, **{name: getattr(row, name) for name in ENROLLMENT_FIELDS})
            for row in rows
        ]
        Enrollment.objects.bulk_update(instances, ENROLLMENT_FIELDS)
        return
    fields, source, document = _recordset(Enrollment, ("id", *ENROLLMENT_FIELDS), rows)
    assignments = ", ".join(f"{f.column} = v.{f.column}" for f in fields if not f.primary_key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Enrollment._meta.db_table} AS e SET {assignments} "  # noqa: S608
            f"FROM {source} WHERE e.id = v.id",
            [document],
        )
