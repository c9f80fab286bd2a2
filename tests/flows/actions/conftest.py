"""Running action nodes through the real engine: a flow trigger -> action -> exit, one
enrollment per contact, advanced once so the effect is recorded (effect_run is the test's)."""

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from saleor_automation.contacts.models import Contact
from saleor_automation.flows import engine
from saleor_automation.flows.models import Effect, Enrollment, Flow
from saleor_automation.flows.services import enrollment_start
from saleor_automation.saleor.models import Installation
from tests.flows.db_fixtures import chain, email, exit_, make_flow


def action_flow(installation: Installation, kind: str, **params: Any) -> Flow:
    """trigger -> action a1 (`kind`, `params`) -> e-mail s1 -> exit, active."""
    node = ("a1", "action", {"kind": kind, **params})
    return make_flow(installation, chain(node, email("s1"), exit_()))


def enroll(flow: Flow, contact: Contact, now: datetime) -> tuple[Enrollment, Effect]:
    """Enroll and advance once: the action's effect is recorded, not yet run."""
    enrollment = enrollment_start(flow=flow, contact=contact, entry_key="", context={}, now=now)
    assert enrollment is not None
    assert engine.enrollment_advance(enrollment.pk, now)
    return enrollment, Effect.objects.get(enrollment=enrollment)


def make_contact(installation: Installation, email_address: str, **fields: Any) -> Contact:
    return Contact.objects.create(
        installation=installation, email=email_address, marketing_consent=True, **fields
    )


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture
def customer(saleor_emulator) -> dict:
    """A registered customer in the emulated Saleor."""
    return saleor_emulator.customer("ana@example.com", first_name="Ana")


@pytest.fixture
def contact(installed, customer) -> Contact:
    """The app's contact for `customer` (as the inbox would have made it)."""
    return make_contact(installed, customer["email"], saleor_user_id=customer["id"])


@pytest.fixture
def requests_since(saleor_emulator, installed):
    """requests_since() -> the Saleor requests made after the fixture was set up (the
    install's own requests left out), as (operation name, variables) pairs."""
    start = len(saleor_emulator.requests)

    def since() -> list[tuple[str | None, dict]]:
        return [(r.operation_name, r.variables) for r in saleor_emulator.requests[start:]]

    return since
