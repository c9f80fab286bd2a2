"""Services of flows: the functions that write. The engine (flows/engine.py) advances."""

from .enrollments import (
    enrollment_context_update,
    enrollment_convert,
    enrollment_finish,
    enrollment_start,
    enrollments_notify,
)
from .flows import (
    FlowStateError,
    FlowValidationError,
    flow_activate,
    flow_archive,
    flow_create,
    flow_pause,
    flow_resume,
    flow_save_draft,
)
from .groups import group_add, group_move

__all__ = [
    "FlowStateError",
    "FlowValidationError",
    "enrollment_context_update",
    "enrollment_convert",
    "enrollment_finish",
    "enrollment_start",
    "enrollments_notify",
    "flow_activate",
    "flow_archive",
    "flow_create",
    "flow_pause",
    "flow_resume",
    "flow_save_draft",
    "group_add",
    "group_move",
]
