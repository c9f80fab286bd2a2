"""Database fixtures and graph builders for the engine, scheduler and service tests.

Test modules import the fixtures they use by name (pytest finds fixtures in a module's
globals), so the pure node tests under tests/flows/nodes stay free of the database.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from saleor_automation.celery import app as celery_app
from saleor_automation.contacts.models import Contact
from saleor_automation.flows.models import Enrollment, EnrollmentStatus, Flow
from saleor_automation.flows.services import flow_activate, flow_create, flow_save_draft
from saleor_automation.saleor.models import Installation

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # a Monday
HOUR = timedelta(hours=1)


def graph(nodes: list[tuple[str, str, dict[str, Any]]], edges: list[tuple[str, str, str]]):
    """Graph JSON from (id, type, params) nodes and (source, label, target) edges."""
    return {
        "schema_version": 1,
        "nodes": [{"id": i, "type": t, "params": p} for i, t, p in nodes],
        "edges": [{"source": s, "target": t, "label": label} for s, label, t in edges],
    }


TRIGGER = ("trigger", "trigger", {"event": "customer_created"})


def wait(node_id: str, **duration: int) -> tuple[str, str, dict[str, Any]]:
    return (node_id, "wait", {"mode": "duration", **duration})


def email(node_id: str, subject: str = "Hi {{ first_name }}", body: str = "Hello {{ first_name }}"):
    """A send_email node with single-language content (messaging/rendering/content.py)."""
    mjml = f"<mj-section><mj-column><mj-text>{body}</mj-text></mj-column></mj-section>"
    return (node_id, "send_email", {"message": {"subject": subject, "mjml": mjml}})


def exit_(node_id: str = "exit") -> tuple[str, str, dict[str, Any]]:
    return (node_id, "exit", {})


def chain(*nodes: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    """trigger -> nodes... in a line, each on "next"."""
    ordered = [TRIGGER, *nodes]
    edges = [(a[0], "next", b[0]) for a, b in pairwise(ordered)]
    return graph(ordered, edges)


# trigger -> wait 1 h -> email -> exit
WAIT_SEND = chain(wait("w1", hours=1), email("s1"), exit_())


def make_installation(url: str = "https://shop.example.com/graphql/") -> Installation:
    return Installation.objects.create(saleor_api_url=url, app_id="app", token="t" * 30)


def make_contact(installation: Installation, n: int = 1, **fields: Any) -> Contact:
    values = {"email": f"person{n}@example.com", "first_name": f"Ana{n}", "marketing_consent": True}
    values.update(fields)
    return Contact.objects.create(installation=installation, **values)


def make_flow(
    installation: Installation, graph_json: dict[str, Any], settings: dict | None = None
) -> Flow:
    flow = flow_create(installation=installation, name="test flow")
    flow_save_draft(flow=flow, graph=graph_json, settings=settings or {})
    flow_activate(flow=flow, now=NOW)
    return flow


def place(
    flow: Flow, contacts: list[Contact], node: str, *, wake_at: datetime, awaiting=None
) -> list[Enrollment]:
    """Enrollments put straight at `node`, waiting until `wake_at` (bulk, for volume)."""
    return Enrollment.objects.bulk_create(
        Enrollment(
            installation_id=flow.installation_id,
            flow=flow,
            version_id=flow.active_version_id,
            contact=contact,
            current_node=node,
            step_seq=1,
            node_entered_at=wake_at - HOUR,
            status=EnrollmentStatus.WAITING,
            wake_at=wake_at,
            awaiting=awaiting,
            created_at=wake_at - HOUR,
        )
        for contact in contacts
    )


@pytest.fixture
def installation(db) -> Installation:
    return make_installation()


@pytest.fixture
def contact(installation) -> Contact:
    return make_contact(installation)


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks published after commit run in place (the crash tests use a real worker)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False
