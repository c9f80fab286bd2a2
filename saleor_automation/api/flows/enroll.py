"""Putting one contact into a flow from the dashboard ("send the feedback request now" on
an order): the same entry gate as a trigger (date range, entry filter, re-entry, priority,
holdout), so a manual entry never does what the flow's own rules forbid."""

from enum import Enum

import strawberry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ...contacts.models import Contact, Order
from ...contacts.selectors import contact_get, order_get
from ...flows.entry import EntryReason, flow_entry_attempt
from ...flows.models import Flow, FlowStatus
from ...flows.selectors import flow_version_parsed
from ...flows.tasks import flows_tick_task
from ...flows.triggers.common import TriggerFlow, order_context
from ...saleor.models import Installation
from ..contacts.types import EnrollmentType
from ..errors import not_found

# Without an order, each manual entry is its own occasion; the flow's re-entry policy
# still decides whether the contact may enter again.
MANUAL_KEY_PREFIX = "manual:"


@strawberry.enum(name="FlowEntryOutcome")
class FlowEntryOutcome(Enum):
    ENTERED = EntryReason.ENTERED
    HOLDOUT = EntryReason.HOLDOUT
    NOT_ACTIVE = EntryReason.NOT_ACTIVE
    DUPLICATE = EntryReason.DUPLICATE
    FILTERED = EntryReason.FILTERED
    REENTRY = EntryReason.REENTRY
    DEFERRED = EntryReason.DEFERRED
    CONTACT_GONE = EntryReason.CONTACT_GONE


@strawberry.type(name="FlowEnrollment")
class FlowEnrollment:
    """What the entry gate decided; `enrollment` is set when the contact entered (or was
    recorded as held out)."""

    outcome: FlowEntryOutcome
    enrollment: EnrollmentType | None


def enrollment_target(
    installation: Installation,
    *,
    email: str | None,
    customer_id: str | None,
    order_id: str | None,
) -> tuple[Contact, Order | None]:
    """The contact (by email, by Saleor customer id, or the order's own contact when only
    the order is given) and the order, which must be that contact's."""
    if email is not None and customer_id is not None:
        raise ValidationError("Give at most one of email and customerId.", code="invalid")
    order = None
    if order_id is not None:
        order = order_get(installation, order_id)
        if order is None:
            raise not_found("Order")
    if email is not None:
        contact = contact_get(installation, email=email)
    elif customer_id is not None:
        contact = contact_get(installation, saleor_user_id=customer_id)
    elif order is not None and order.contact_id is not None:
        contact = order.contact
    elif order is not None:
        raise ValidationError("This order has no known customer.", code="invalid")
    else:
        raise ValidationError("Give an email, a customerId or an orderId.", code="invalid")
    if contact is None:
        raise not_found("Contact")
    if order is not None and order.contact_id != contact.pk:
        raise ValidationError("The order belongs to another customer.", code="invalid")
    return contact, order


def flow_enroll_contact(*, flow: Flow, contact: Contact, order: Order | None) -> FlowEnrollment:
    if flow.status != FlowStatus.ACTIVE or flow.active_version_id is None:
        raise ValidationError("Only an active flow takes contacts.", code="invalid_state")
    now = timezone.now()
    # With an order, the key is the order's id, the one order triggers use: the flow's own
    # trigger firing later for the same order is then a duplicate, not a second send.
    entry_key = order.saleor_id if order is not None else f"{MANUAL_KEY_PREFIX}{now.isoformat()}"
    target = TriggerFlow(flow, flow_version_parsed(flow.active_version_id))
    outcome = flow_entry_attempt(
        target=target,
        contact=contact,
        entry_key=entry_key,
        context=order_context(order) if order is not None else {},
        now=now,
    )
    if outcome.enrollment is not None and not outcome.decision.holdout:
        # Due now: run the engine at once instead of waiting for beat's next tick.
        transaction.on_commit(flows_tick_task.delay)
    return FlowEnrollment(
        outcome=FlowEntryOutcome(outcome.decision.reason),
        enrollment=outcome.enrollment,  # type: ignore[arg-type]
    )
