"""The send-time re-check of a flow's message (STYLE.md: "right before sending it re-checks
that the flow is active and the contact has consent"), run through messaging's pre_send."""

from typing import Any

from ..contacts.models import Contact
from ..messaging.models import Message
from ..messaging.rendering.context import render_data
from ..messaging.signals import CancelSend
from .models import Enrollment, FlowStatus

CONSENT_WITHDRAWN = "marketing consent withdrawn"
FLOW_NOT_ACTIVE = "the flow is no longer active"


def message_send_check(message: Message) -> None:
    """Raise CancelSend when the message must not go out now."""
    if message.marketing:
        consent = Contact.objects.filter(pk=message.contact_id).values_list(
            "marketing_consent", flat=True
        )
        if False in consent:
            raise CancelSend(CONSENT_WITHDRAWN)
    if message.enrollment_id is not None:
        status = (
            Enrollment.objects.filter(pk=message.enrollment_id)
            .values_list("flow__status", flat=True)
            .first()
        )
        if status is not None and status != FlowStatus.ACTIVE:
            raise CancelSend(FLOW_NOT_ACTIVE)


def message_render_context_refresh(message: Message, render_context: dict[str, Any]) -> None:
    """Render from the enrollment's context as it is now (a voucher created after the
    message was queued, a checkout that changed), not as it was at queue time."""
    if message.enrollment_id is None:
        return
    context = (
        Enrollment.objects.filter(pk=message.enrollment_id)
        .values_list("context", flat=True)
        .first()
    )
    if context is not None:
        render_context["context"] = render_data(context)
