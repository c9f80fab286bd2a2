"""One store's worth of rows for the API tests: a contact who went through a flow, got an
email that was opened, a suppression, a backfill run and an API key."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from saleor_automation.api.keys import api_key_create
from saleor_automation.api.models import ApiKey
from saleor_automation.contacts.backfill_models import BackfillRun
from saleor_automation.contacts.models import Contact
from saleor_automation.flows.models import Enrollment, EnrollmentStatus, Flow, StepRun
from saleor_automation.flows.services import flow_activate, flow_create
from saleor_automation.messaging.models import Message, MessageEvent
from saleor_automation.messaging.suppression import suppression_add
from saleor_automation.saleor.models import Installation
from tests.flows.db_fixtures import WAIT_SEND

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@dataclass
class Store:
    installation: Installation
    contact: Contact
    flow: Flow
    enrollment: Enrollment
    message: Message
    api_key: ApiKey
    backfill: BackfillRun


def populate(installation: Installation, email: str = "ann@example.com") -> Store:
    contact = Contact.objects.create(installation=installation, email=email, first_name="Ann")
    flow = flow_create(installation=installation, name="Welcome", graph=WAIT_SEND)
    version = flow_activate(flow=flow)
    enrollment = Enrollment.objects.create(
        installation=installation,
        flow=flow,
        version=version,
        contact=contact,
        status=EnrollmentStatus.WAITING,
        current_node="exit",
        step_seq=3,
        created_at=T0,
        node_entered_at=T0 + timedelta(hours=1),
    )
    for seq, (node, node_type, outcome) in enumerate(
        [("trigger", "trigger", "next"), ("w1", "wait", "next"), ("s1", "send_email", "next")]
    ):
        StepRun.objects.create(
            installation=installation,
            enrollment=enrollment,
            step_seq=seq,
            node_id=node,
            node_type=node_type,
            entered_at=T0 + timedelta(minutes=seq),
            left_at=T0 + timedelta(minutes=seq + 1),
            outcome=outcome,
        )
    message = Message.objects.create(
        installation=installation,
        contact=contact,
        enrollment=enrollment,
        node_id="s1",
        channel="email",
        idempotency_key=uuid.uuid4(),
        to_address=email,
        subject="Hi Ann",
        status="sent",
        created_at=T0 + timedelta(minutes=2),
        sent_at=T0 + timedelta(minutes=3),
    )
    MessageEvent.objects.create(
        installation=installation,
        message=message,
        kind="opened",
        occurred_at=T0 + timedelta(hours=2),
    )
    suppression_add(installation.pk, "email", f"blocked-{email}", "manual", source="test")
    backfill = BackfillRun.objects.create(
        installation=installation,
        status="done",
        progress={"customers": {"after": "x", "done": True, "imported": 5, "total": 5}},
    )
    key, _ = api_key_create(installation=installation, name="script", scope="read")
    return Store(installation, contact, flow, enrollment, message, key, backfill)
