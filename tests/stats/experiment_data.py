"""Rows for A/B split and holdout tests: a flow trigger -> split (A 50 / B 30 / C 20) ->
one email per branch -> exit, and helpers that record enrollments the way the engine does
(a StepRun per node left, a message per send node)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from saleor_automation.contacts.models import Contact
from saleor_automation.flows.models import Enrollment, EnrollmentStatus, Flow, StepRun
from saleor_automation.messaging.models import Message, MessageEvent
from saleor_automation.saleor.models import Installation
from tests.flows.db_fixtures import NOW, TRIGGER, email, exit_, graph, make_flow

SPLIT = (
    "ab",
    "split",
    {
        "branches": [
            {"label": "A", "percent": 50},
            {"label": "B", "percent": 30},
            {"label": "C", "percent": 20},
        ]
    },
)
SPLIT_GRAPH = graph(
    [TRIGGER, SPLIT, email("mail_a"), email("mail_b"), email("mail_c"), exit_()],
    [
        ("trigger", "next", "ab"),
        ("ab", "A", "mail_a"),
        ("ab", "B", "mail_b"),
        ("ab", "C", "mail_c"),
        ("mail_a", "next", "exit"),
        ("mail_b", "next", "exit"),
        ("mail_c", "next", "exit"),
    ],
)
BRANCH_NODE = {"A": "mail_a", "B": "mail_b", "C": "mail_c"}


def split_flow(installation: Installation, settings: dict[str, Any] | None = None) -> Flow:
    return make_flow(installation, SPLIT_GRAPH, settings)


@dataclass
class Recorder:
    flow: Flow
    count: int = 0

    def contact(self) -> Contact:
        self.count += 1
        return Contact.objects.create(
            installation_id=self.flow.installation_id,
            email=f"p{self.count}-{self.flow.pk}@example.com",
        )

    def enroll(
        self,
        *,
        at: datetime = NOW,
        holdout: bool = False,
        converted_at: datetime | None = None,
    ) -> Enrollment:
        return Enrollment.objects.create(
            installation_id=self.flow.installation_id,
            flow=self.flow,
            version_id=self.flow.active_version_id,
            contact=self.contact(),
            current_node="exit" if not holdout else "trigger",
            status=EnrollmentStatus.FINISHED,
            holdout=holdout,
            created_at=at,
            converted_at=converted_at,
            conversion={"order_id": "O", "total": "10", "currency": "USD"}
            if converted_at
            else None,
        )

    def through_split(
        self,
        branch: str,
        *,
        at: datetime = NOW,
        converted_at: datetime | None = None,
        sent: bool = True,
        events: tuple[str, ...] = (),
    ) -> Enrollment:
        """An enrollment that entered the split at `at`, took `branch` and got its email."""
        enrollment = self.enroll(at=at, converted_at=converted_at)
        steps = [("trigger", "trigger", "next"), ("ab", "split", branch)]
        node = BRANCH_NODE.get(branch)
        if node:
            steps.append((node, "send_email", "next"))
        StepRun.objects.bulk_create(
            StepRun(
                installation_id=enrollment.installation_id,
                enrollment=enrollment,
                step_seq=seq,
                node_id=node_id,
                node_type=node_type,
                entered_at=at,
                left_at=at,
                outcome=outcome,
            )
            for seq, (node_id, node_type, outcome) in enumerate(steps)
        )
        if node:
            message = Message.objects.create(
                installation_id=enrollment.installation_id,
                contact_id=enrollment.contact_id,
                enrollment=enrollment,
                node_id=node,
                channel="email",
                idempotency_key=uuid.uuid4(),
                to_address=enrollment.contact.email,
                status="sent" if sent else "queued",
                created_at=at + timedelta(seconds=1),
                sent_at=at + timedelta(seconds=2) if sent else None,
            )
            for kind in events:
                for repeat in range(2):  # repeats must not count twice
                    MessageEvent.objects.create(
                        installation_id=enrollment.installation_id,
                        message=message,
                        kind=kind,
                        occurred_at=at + timedelta(minutes=5 + repeat),
                    )
        return enrollment
