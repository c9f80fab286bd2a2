"""A contact's journey: the enrollments, each step with its times, messages and events."""

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto, relay
from strawberry.scalars import JSON

from ...contacts.models import Contact
from ...flows.models import Enrollment, EnrollmentStatus, StepRun
from ...flows.selectors import enrollment_steps
from ...messaging.models import Message
from ...messaging.selectors import message_list_for_enrollment
from ..context import Info
from ..flows.types import FlowType
from ..messages.types import MessageType, events_prefetch

EnrollmentStatusEnum = strawberry.enum(EnrollmentStatus, name="EnrollmentStatus")


@strawberry_django.type(Contact, name="Contact")
class ContactType(relay.Node):
    email: auto
    first_name: auto
    last_name: auto
    phone: auto
    country: auto
    language_code: auto
    marketing_consent: auto
    order_count: auto
    first_order_at: auto
    last_order_at: auto
    created_at: auto

    @strawberry_django.field(only=["saleor_user_id"])
    def is_registered(self) -> bool:
        contact: Contact = self  # type: ignore[assignment]
        return contact.is_registered


MESSAGES_ATTR = "messages_in_order"
STEPS_ATTR = "steps_in_order"


def _messages_prefetch(info: Info) -> Prefetch:
    """A page of enrollments' messages with their events: two queries for the page. Rows
    share their enrollment's installation, and the enrollments are the caller's."""
    messages = Message.objects.order_by("created_at", "id").prefetch_related(events_prefetch())
    return Prefetch("messages", queryset=messages, to_attr=MESSAGES_ATTR)


def _steps_prefetch(info: Info) -> Prefetch:
    return Prefetch("steps", queryset=StepRun.objects.order_by("step_seq"), to_attr=STEPS_ATTR)


def _cache(info: Info) -> dict[int, list]:
    return info.context.__dict__.setdefault("_enrollment_messages", {})


def _messages(info: Info, enrollment_id: int) -> list:
    """An enrollment's messages, read once per request and shared by its steps (the
    enrollment's prefetch put them in the cache already when it ran)."""
    cache = _cache(info)
    if enrollment_id not in cache:
        messages = message_list_for_enrollment(
            installation_id=info.context.installation.pk, enrollment_id=enrollment_id
        )
        cache[enrollment_id] = list(messages.prefetch_related(events_prefetch()))
    return cache[enrollment_id]


def _remember_messages(info: Info, enrollment: Enrollment) -> None:
    prefetched = getattr(enrollment, MESSAGES_ATTR, None)
    if prefetched is not None:
        _cache(info).setdefault(enrollment.pk, prefetched)


@strawberry_django.type(StepRun, name="StepRun")
class StepRunType:
    step_seq: auto
    node_id: auto
    node_type: auto
    entered_at: auto
    left_at: auto
    outcome: auto
    detail: JSON

    @strawberry_django.field(only=["enrollment_id", "node_id"])
    def messages(self, info: Info) -> list[MessageType]:
        """What this node sent (a send node has at most one message per enrollment)."""
        step: StepRun = self  # type: ignore[assignment]
        return [m for m in _messages(info, step.enrollment_id) if m.node_id == step.node_id]


@strawberry_django.type(Enrollment, name="Enrollment")
class EnrollmentType(relay.Node):
    status: EnrollmentStatusEnum
    entry_key: auto
    current_node: auto
    node_entered_at: auto
    wake_at: auto
    holdout: auto
    created_at: auto
    finished_at: auto
    finish_reason: auto
    converted_at: auto

    @strawberry_django.field(only=["flow_id", "installation_id"])
    def flow(self, info: Info) -> FlowType:
        enrollment: Enrollment = self  # type: ignore[assignment]
        return enrollment.flow  # type: ignore[return-value]

    @strawberry_django.field(only=["version_id"])
    def version_number(self) -> int:
        enrollment: Enrollment = self  # type: ignore[assignment]
        return enrollment.version.number

    # Steps and messages are prefetched for the whole page (a step's messages are its
    # enrollment's, so asking for steps prefetches those too); an enrollment resolved on
    # its own falls back to a query each.
    @strawberry_django.field(
        only=["installation_id"], prefetch_related=[_steps_prefetch, _messages_prefetch]
    )
    def steps(self, info: Info) -> list[StepRunType]:
        """The nodes it left, oldest first; the current one is `current_node`."""
        enrollment: Enrollment = self  # type: ignore[assignment]
        _remember_messages(info, enrollment)
        prefetched = getattr(enrollment, STEPS_ATTR, None)
        if prefetched is not None:
            return prefetched
        steps = enrollment_steps(
            installation=info.context.installation, enrollment_id=enrollment.pk
        )
        return list(steps)  # type: ignore[arg-type]

    @strawberry_django.field(only=["installation_id"], prefetch_related=[_messages_prefetch])
    def messages(self, info: Info) -> list[MessageType]:
        enrollment: Enrollment = self  # type: ignore[assignment]
        _remember_messages(info, enrollment)
        return _messages(info, enrollment.pk)
