"""Changing flows. Each mutation calls one service; refusals come back as data
(OperationInfo, or FlowValidationIssues keyed by node for graph and settings problems)."""

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from strawberry import relay
from strawberry.scalars import JSON

from ...flows.services import (
    FlowValidationError,
    flow_activate,
    flow_archive,
    flow_create,
    flow_pause,
    flow_resume,
    flow_save_draft,
)
from ...flows.templates import TEMPLATES, flow_create_from_template
from ..context import Info
from ..errors import as_validation_errors
from ..permissions import WRITE
from .enroll import FlowEnrollment, enrollment_target, flow_enroll_contact
from .lookup import flow_or_not_found
from .types import FlowIssueType, FlowType, FlowValidationIssues, FlowVersionType


def _issues(error: FlowValidationError) -> FlowValidationIssues:
    return FlowValidationIssues(issues=[FlowIssueType.of(issue) for issue in error.issues])


@strawberry.type
class Mutation:
    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def flow_create(self, info: Info, name: str) -> FlowType:
        """A new, empty flow in draft status."""
        name = name.strip()
        if not name or len(name) > 255:
            raise ValidationError({"name": "1 to 255 characters."}, code="invalid")
        return flow_create(installation=info.context.installation, name=name)  # type: ignore[return-value]

    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def flow_create_from_template(
        self, info: Info, template_key: str, name: str | None = None
    ) -> FlowType:
        """A new draft flow with the template's graph and settings (flowTemplates lists
        them), named after the template unless `name` is given."""
        if template_key not in TEMPLATES:
            unknown = ValidationError("Unknown template.", code="not_found")
            raise ValidationError({"templateKey": unknown})
        if name is not None:
            name = name.strip()
            if not name or len(name) > 255:
                raise ValidationError({"name": "1 to 255 characters."}, code="invalid")
        flow = flow_create_from_template(
            installation=info.context.installation, template_key=template_key, name=name
        )
        return flow  # type: ignore[return-value]

    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def flow_draft_save(
        self, info: Info, flow_id: relay.GlobalID, graph: JSON, settings: JSON
    ) -> FlowVersionType | FlowValidationIssues:
        """Store the draft's graph and settings, or say what is wrong with them by node."""
        flow = flow_or_not_found(info, flow_id)
        try:
            with as_validation_errors():
                return flow_save_draft(flow=flow, graph=graph, settings=settings)  # type: ignore[return-value]
        except FlowValidationError as error:
            return _issues(error)

    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def flow_activate(self, info: Info, flow_id: relay.GlobalID) -> FlowType | FlowValidationIssues:
        """Make the draft the live version (validated again with the running code)."""
        flow = flow_or_not_found(info, flow_id)
        try:
            with as_validation_errors():
                flow_activate(flow=flow)
        except FlowValidationError as error:
            return _issues(error)
        return flow  # type: ignore[return-value]

    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def flow_pause(self, info: Info, flow_id: relay.GlobalID) -> FlowType:
        flow = flow_or_not_found(info, flow_id)
        with as_validation_errors():
            return flow_pause(flow=flow)  # type: ignore[return-value]

    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def flow_resume(self, info: Info, flow_id: relay.GlobalID) -> FlowType:
        flow = flow_or_not_found(info, flow_id)
        with as_validation_errors():
            return flow_resume(flow=flow)  # type: ignore[return-value]

    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def flow_enroll_contact(
        self,
        info: Info,
        flow_id: relay.GlobalID,
        email: str | None = None,
        customer_id: str | None = None,
        order_id: str | None = None,
    ) -> FlowEnrollment:
        """Put one contact into an active flow now, through the flow's entry rules. The
        contact: `email`, `customerId` (Saleor User ID) or, with only `orderId` (Saleor
        Order ID), that order's customer; with an order, its details are the enrollment's
        context and the order counts as the entry (the flow's trigger will not repeat it)."""
        flow = flow_or_not_found(info, flow_id)
        contact, order = enrollment_target(
            info.context.installation, email=email, customer_id=customer_id, order_id=order_id
        )
        with as_validation_errors():
            return flow_enroll_contact(flow=flow, contact=contact, order=order)

    @strawberry_django.mutation(handle_django_errors=True, extensions=WRITE())
    def flow_archive(self, info: Info, flow_id: relay.GlobalID) -> FlowType:
        """Archive the flow: its open enrollments finish, its queued messages are skipped."""
        flow = flow_or_not_found(info, flow_id)
        with as_validation_errors():
            flow_archive(flow=flow)
        return flow  # type: ignore[return-value]
