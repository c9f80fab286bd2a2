"""The list resolvers do a fixed number of queries whatever the number of rows (no N+1):
each list is read with 2 and then 6 rows, the counts must be equal and under a bound."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from saleor_automation.contacts.models import Contact
from saleor_automation.flows.models import Enrollment, EnrollmentStatus, StepRun
from saleor_automation.flows.services import flow_activate, flow_create, flow_save_draft
from saleor_automation.messaging.models import Message, MessageEvent
from tests.flows.db_fixtures import WAIT_SEND

from .data import T0

pytestmark = pytest.mark.django_db

FLOWS = """{ flows(first: 50) { totalCount edges { node { id name status
  activeVersion { number state } draftVersion { number issues { message } }
  versions { number state graph } } } } }"""
MESSAGES = """query($flow: ID, $search: String) {
  messages(first: 50, flowId: $flow, nodeId: "s1", channel: EMAIL, search: $search) {
    totalCount
    edges { node { id subject toAddress enrollmentId events { kind occurredAt }
                   attribution { orders } } } } }"""
JOURNEY = """{ contactJourney(email: "ann@example.com") { contact { email }
  enrollments(first: 50) { totalCount edges { node { status versionNumber flow { name }
    steps { nodeId messages { subject events { kind } } }
    messages { subject events { kind } } } } } } }"""


def _flow(installation, name: str, with_draft: bool = True):
    flow = flow_create(installation=installation, name=name, graph=WAIT_SEND)
    flow_activate(flow=flow)
    if with_draft:
        flow_save_draft(flow=flow, graph=WAIT_SEND, settings={})
    return flow


def _count(call, query: str, variables: dict | None = None) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        data = call(query, variables).data
    return len(queries), data


def _enroll(flow, contact, n: int) -> Enrollment:
    """An enrollment through trigger, w1 and s1, with a message and two events."""
    enrollment = Enrollment.objects.create(
        installation_id=flow.installation_id,
        flow=flow,
        version_id=flow.active_version_id,
        contact=contact,
        status=EnrollmentStatus.FINISHED,
        current_node="exit",
        created_at=T0 + timedelta(minutes=n),
    )
    for seq, (node, node_type) in enumerate(
        [("trigger", "trigger"), ("w1", "wait"), ("s1", "send_email")]
    ):
        StepRun.objects.create(
            installation_id=flow.installation_id,
            enrollment=enrollment,
            step_seq=seq,
            node_id=node,
            node_type=node_type,
            entered_at=T0,
            left_at=T0,
            outcome="next",
        )
    message = Message.objects.create(
        installation_id=flow.installation_id,
        contact=contact,
        enrollment=enrollment,
        node_id="s1",
        channel="email",
        idempotency_key=uuid.uuid4(),
        to_address=contact.email,
        subject=f"Hi {n}",
        status="sent",
        created_at=T0 + timedelta(minutes=n),
        sent_at=T0 + timedelta(minutes=n),
    )
    for kind in ("delivered", "opened"):
        MessageEvent.objects.create(
            installation_id=flow.installation_id, message=message, kind=kind, occurred_at=T0
        )
    return enrollment


def test_flows_with_their_versions(as_staff, installation, django_assert_max_num_queries):
    for i in range(2):
        _flow(installation, f"flow {i}")
    small, data = _count(as_staff, FLOWS)
    assert data["flows"]["totalCount"] == 2
    assert small <= 3  # the caller's installation, the flows page, their versions
    for i in range(2, 6):
        _flow(installation, f"flow {i}", with_draft=i % 2 == 0)
    with django_assert_max_num_queries(small):
        data = as_staff(FLOWS).data
    edges = data["flows"]["edges"]
    assert len(edges) == 6
    assert all(edge["node"]["activeVersion"]["number"] == 1 for edge in edges)
    drafts = [edge["node"]["draftVersion"] for edge in edges]
    assert [d["number"] if d else None for d in drafts] == [None, 2, None, 2, 2, 2]
    assert [len(edge["node"]["versions"]) for edge in edges] == [1, 2, 1, 2, 2, 2]


def test_messages_connection(as_staff, installation, django_assert_max_num_queries):
    flow = _flow(installation, "f")
    contacts = [
        Contact.objects.create(installation=installation, email=f"c{i}@example.com")
        for i in range(6)
    ]
    for i in range(2):
        _enroll(flow, contacts[i], i)
    variables = {"flow": to_base64("Flow", flow.pk)}
    small, data = _count(as_staff, MESSAGES, variables)
    assert data["messages"]["totalCount"] == 2
    # The caller's installation, the messages page, their events, their attributed lines.
    assert small <= 4
    for i in range(2, 6):
        _enroll(flow, contacts[i], i)
    with django_assert_max_num_queries(small):
        data = as_staff(MESSAGES, variables).data
    edges = data["messages"]["edges"]
    assert len(edges) == 6
    assert all(
        [e["kind"] for e in edge["node"]["events"]] == ["DELIVERED", "OPENED"] for edge in edges
    )
    # The recipients of a node, searched by address.
    found = as_staff(MESSAGES, {**variables, "search": "C3@EXAMPLE"}).data["messages"]
    assert [edge["node"]["toAddress"] for edge in found["edges"]] == ["c3@example.com"]


def test_contact_journey(as_staff, installation, django_assert_max_num_queries):
    contact = Contact.objects.create(installation=installation, email="ann@example.com")
    flows = [_flow(installation, f"f{i}", with_draft=False) for i in range(6)]
    for i in range(2):
        _enroll(flows[i], contact, i)
    small, data = _count(as_staff, JOURNEY)
    assert data["contactJourney"]["enrollments"]["totalCount"] == 2
    # The installation, the contact, the enrollments page (with flow and version), their
    # steps, their messages, the messages' events.
    assert small <= 6
    for i in range(2, 6):
        _enroll(flows[i], contact, i)
    with django_assert_max_num_queries(small):
        data = as_staff(JOURNEY).data
    edges = data["contactJourney"]["enrollments"]["edges"]
    assert len(edges) == 6
    node = edges[0]["node"]
    assert [step["nodeId"] for step in node["steps"]] == ["trigger", "w1", "s1"]
    assert node["steps"][2]["messages"] == [
        {"subject": "Hi 5", "events": [{"kind": "DELIVERED"}, {"kind": "OPENED"}]}
    ]
    assert node["steps"][0]["messages"] == []
    assert node["flow"]["name"] == "f5" and node["versionNumber"] == 1
