"""Journeys, messages, suppressions, settings, API keys and backfill runs as the API reads
them."""

import pytest
from strawberry.relay import to_base64

from saleor_automation.messaging.models import Message

from .data import T0, populate

pytestmark = pytest.mark.django_db

JOURNEY = """query($email: String!) { contactJourney(email: $email) {
  contact { email firstName isRegistered }
  enrollments { totalCount edges { node {
    status currentNode versionNumber flow { name }
    steps { stepSeq nodeId nodeType enteredAt leftAt outcome
            messages { subject status events { kind occurredAt } } }
    messages { nodeId sentAt }
  } } } } }"""


def test_a_contact_journey_by_email(as_staff, installation):
    populate(installation)
    data = as_staff(JOURNEY, {"email": " ANN@example.com "}).data["contactJourney"]
    assert data["contact"] == {
        "email": "ann@example.com",
        "firstName": "Ann",
        "isRegistered": False,
    }
    assert data["enrollments"]["totalCount"] == 1
    node = data["enrollments"]["edges"][0]["node"]
    assert (node["status"], node["currentNode"], node["versionNumber"]) == ("WAITING", "exit", 1)
    assert node["flow"] == {"name": "Welcome"}
    assert [s["nodeId"] for s in node["steps"]] == ["trigger", "w1", "s1"]
    send = node["steps"][2]
    assert send["enteredAt"] == "2026-06-01T09:02:00+00:00"
    assert send["messages"] == [
        {
            "subject": "Hi Ann",
            "status": "SENT",
            "events": [{"kind": "OPENED", "occurredAt": "2026-06-01T11:00:00+00:00"}],
        }
    ]
    assert node["steps"][0]["messages"] == []
    assert node["messages"] == [{"nodeId": "s1", "sentAt": "2026-06-01T09:03:00+00:00"}]


def test_an_unknown_email_has_no_journey(as_staff, installation):
    assert as_staff(JOURNEY, {"email": "nobody@example.com"}).data == {"contactJourney": None}


MESSAGES = """query($channel: MessageChannel, $status: MessageStatus, $flowId: ID,
  $nodeId: String, $since: DateTime, $until: DateTime) {
  messages(channel: $channel, status: $status, flowId: $flowId, nodeId: $nodeId,
           since: $since, until: $until) {
    totalCount edges { node { nodeId channel status toAddress enrollmentId } } } }"""


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({}, 1),
        ({"channel": "EMAIL"}, 1),
        ({"channel": "SMS"}, 0),
        ({"status": "SENT"}, 1),
        ({"status": "FAILED"}, 0),
        ({"nodeId": "s1"}, 1),
        ({"nodeId": "s2"}, 0),
        ({"since": "2026-06-01T09:00:00Z", "until": "2026-06-01T10:00:00Z"}, 1),
        ({"since": "2026-06-01T09:02:01Z"}, 0),
        ({"until": "2026-06-01T09:02:00Z"}, 0),
    ],
)
def test_messages_are_filtered(as_staff, installation, filters, found):
    populate(installation)
    assert as_staff(MESSAGES, filters).data["messages"]["totalCount"] == found


def test_messages_of_a_flow(as_staff, installation):
    store = populate(installation)
    flow_id = to_base64("Flow", store.flow.pk)
    data = as_staff(MESSAGES, {"flowId": flow_id}).data["messages"]
    assert data["edges"][0]["node"]["enrollmentId"] == to_base64("Enrollment", store.enrollment.pk)
    assert as_staff(MESSAGES, {"flowId": to_base64("Flow", 0)}).data["messages"]["totalCount"] == 0
    assert as_staff(MESSAGES, {"flowId": to_base64("X", 1)}).data["messages"]["totalCount"] == 0


def test_messages_are_newest_first(as_staff, installation):
    store = populate(installation)
    later = Message.objects.get(pk=store.message.pk)
    later.pk, later.idempotency_key, later.node_id = None, later.idempotency_key.hex[::-1], "s2"
    later.created_at = T0.replace(hour=12)
    later.save()
    edges = as_staff(MESSAGES).data["messages"]["edges"]
    assert [e["node"]["nodeId"] for e in edges] == ["s2", "s1"]


def test_the_suppression_list(as_staff, installation):
    populate(installation)
    query = """query($address: String) { suppressions(address: $address) {
        edges { node { channel address reason scope source } } } }"""
    rows = as_staff(query).data["suppressions"]["edges"]
    assert rows == [
        {
            "node": {
                "channel": "EMAIL",
                "address": "blocked-ann@example.com",
                "reason": "MANUAL",
                "scope": "ALL",
                "source": "test",
            }
        }
    ]
    found = as_staff(query, {"address": "Blocked-Ann@Example.com"}).data["suppressions"]
    assert len(found["edges"]) == 1
    assert as_staff(query, {"address": "x@example.com"}).data["suppressions"]["edges"] == []


def test_backfill_runs_with_progress(as_staff, installation):
    populate(installation)
    query = "{ backfillRuns { edges { node { status progress { name imported total done } } } } }"
    node = as_staff(query).data["backfillRuns"]["edges"][0]["node"]
    assert node["status"] == "DONE"
    assert node["progress"][0] == {"name": "customers", "imported": 5, "total": 5, "done": True}
    assert node["progress"][1] == {"name": "orders", "imported": 0, "total": None, "done": False}


def test_api_keys_never_show_a_secret(as_staff, installation):
    store = populate(installation)
    query = "{ apiKeys { edges { node { name prefix scope revokedAt } } } }"
    node = as_staff(query).data["apiKeys"]["edges"][0]["node"]
    assert node == {
        "name": "script",
        "prefix": store.api_key.prefix,
        "scope": "READ",
        "revokedAt": None,
    }
    # Neither the secret nor its hash exists in the schema.
    assert as_staff("{ apiKeys { edges { node { secretHash } } } }").status == 200
    assert (
        "Cannot query field"
        in as_staff("{ apiKeys { edges { node { secretHash } } } }").body["errors"][0]["message"]
    )
