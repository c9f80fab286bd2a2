"""Flows through the API: list with cursors, one flow, draft edits with issues by node,
activation, pause, resume, archive and the dry run."""

import pytest
from strawberry.relay import to_base64

from saleor_automation.flows.models import Flow, FlowStatus
from saleor_automation.flows.services import flow_create
from tests.flows.db_fixtures import WAIT_SEND

pytestmark = pytest.mark.django_db

FLOW_FIELDS = """
  id name status priority
  activeVersion { number state }
  draftVersion { number state graph settings issues { nodeId field message } }
  versions { number state }
"""


def gid(flow: Flow) -> str:
    return to_base64("Flow", flow.pk)


def test_flows_are_paged_with_cursors(as_staff, installation):
    for i in range(3):
        flow_create(installation=installation, name=f"flow {i}")
    query = """query($after: String) { flows(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }"""
    first = as_staff(query).data["flows"]
    assert first["totalCount"] == 3
    assert [e["node"]["name"] for e in first["edges"]] == ["flow 2", "flow 1"]
    assert first["pageInfo"]["hasNextPage"]
    second = as_staff(query, {"after": first["pageInfo"]["endCursor"]}).data["flows"]
    assert [e["node"]["name"] for e in second["edges"]] == ["flow 0"]
    assert not second["pageInfo"]["hasNextPage"]


def test_flows_filter_by_status(as_staff, installation):
    flow_create(installation=installation, name="draft")
    archived = flow_create(installation=installation, name="gone")
    Flow.objects.filter(pk=archived.pk).update(status=FlowStatus.ARCHIVED)
    answer = as_staff("{ flows(status: ARCHIVED) { edges { node { name status } } } }")
    assert answer.data["flows"]["edges"] == [{"node": {"name": "gone", "status": "ARCHIVED"}}]


def test_a_flow_with_its_versions_and_draft_issues(as_staff, installation):
    flow = flow_create(installation=installation, name="Welcome", graph=WAIT_SEND)
    answer = as_staff(f"query($id: ID!) {{ flow(id: $id) {{ {FLOW_FIELDS} }} }}", {"id": gid(flow)})
    data = answer.data["flow"]
    assert data["name"] == "Welcome" and data["status"] == "DRAFT"
    assert data["activeVersion"] is None
    assert data["draftVersion"]["number"] == 1
    assert data["draftVersion"]["graph"] == WAIT_SEND
    assert data["draftVersion"]["issues"] == []
    assert data["versions"] == [{"number": 1, "state": "DRAFT"}]


def test_an_unknown_or_malformed_id_is_null(as_staff):
    query = "query($id: ID!) { flow(id: $id) { name } }"
    assert as_staff(query, {"id": to_base64("Flow", 999999)}).data == {"flow": None}
    assert as_staff(query, {"id": to_base64("Message", 1)}).data == {"flow": None}


CREATE = """mutation($name: String!) { flowCreate(name: $name) {
  __typename ... on Flow { id name status draftVersion { number } }
  ... on OperationInfo { messages { field message code } } } }"""

SAVE = """mutation($id: ID!, $graph: JSON!, $settings: JSON!) {
  flowDraftSave(flowId: $id, graph: $graph, settings: $settings) {
    __typename
    ... on FlowVersion { number state }
    ... on FlowValidationIssues { issues { nodeId field message } }
    ... on OperationInfo { messages { kind message code } } } }"""


def _op(name: str) -> str:
    issues = "... on FlowValidationIssues { issues { nodeId field } }"
    return f"""mutation($id: ID!) {{ {name}(flowId: $id) {{
      __typename ... on Flow {{ status activeVersion {{ number state }} }}
      {issues if name == "flowActivate" else ""}
      ... on OperationInfo {{ messages {{ kind message code }} }} }} }}"""


def test_the_life_of_a_flow(as_staff, installation):
    created = as_staff(CREATE, {"name": "  Welcome  "}).data["flowCreate"]
    assert created["__typename"] == "Flow"
    assert (created["name"], created["status"], created["draftVersion"]) == (
        "Welcome",
        "DRAFT",
        None,
    )
    flow_id = created["id"]

    saved = as_staff(SAVE, {"id": flow_id, "graph": WAIT_SEND, "settings": {}}).data
    assert saved["flowDraftSave"] == {"__typename": "FlowVersion", "number": 1, "state": "DRAFT"}

    activated = as_staff(_op("flowActivate"), {"id": flow_id}).data["flowActivate"]
    assert activated["status"] == "ACTIVE"
    assert activated["activeVersion"] == {"number": 1, "state": "ACTIVE"}

    assert as_staff(_op("flowPause"), {"id": flow_id}).data["flowPause"]["status"] == "PAUSED"
    assert as_staff(_op("flowResume"), {"id": flow_id}).data["flowResume"]["status"] == "ACTIVE"
    archived = as_staff(_op("flowArchive"), {"id": flow_id}).data["flowArchive"]
    assert archived["status"] == "ARCHIVED"
    assert Flow.objects.get().status == FlowStatus.ARCHIVED


def test_draft_issues_come_back_as_data_by_node(as_staff, installation):
    flow = flow_create(installation=installation, name="Broken")
    graph = {**WAIT_SEND, "nodes": [*WAIT_SEND["nodes"]]}
    graph["nodes"][1] = {"id": "w1", "type": "wait", "params": {"mode": "duration"}}
    answer = as_staff(SAVE, {"id": gid(flow), "graph": graph, "settings": {"priority": 500}})
    payload = answer.data["flowDraftSave"]
    assert payload["__typename"] == "FlowValidationIssues"
    nodes = {issue["nodeId"] for issue in payload["issues"]}
    assert "w1" in nodes and None in nodes  # the wait node, and the flow's settings
    assert flow.versions.count() == 0


def test_a_refused_state_change_is_operation_info(as_staff, installation):
    flow = flow_create(installation=installation, name="Draft")
    answer = as_staff(_op("flowPause"), {"id": gid(flow)}).data["flowPause"]
    assert answer["__typename"] == "OperationInfo"
    assert answer["messages"][0]["code"] == "invalid_state"
    activate = as_staff(_op("flowActivate"), {"id": gid(flow)}).data["flowActivate"]
    assert activate["messages"][0]["message"] == "there is no draft to activate"


def test_a_mutation_on_an_unknown_flow_is_not_found(as_staff):
    answer = as_staff(_op("flowArchive"), {"id": to_base64("Flow", 424242)}).data
    assert answer["flowArchive"]["messages"] == [
        {"kind": "ERROR", "message": "Flow not found.", "code": None}
    ]


def test_a_flow_name_is_required(as_staff):
    answer = as_staff(CREATE, {"name": "  "}).data["flowCreate"]
    assert answer["__typename"] == "OperationInfo"
    assert answer["messages"][0]["field"] == "name"


SIMULATION = """query($id: ID!, $days: Int!) { flowSimulation(flowId: $id, days: $days) {
  flowId days: horizonDays eventsRead triggered enrollments sends { nodeId count }
  entries { key count } finished { key count } revenue { currency amount } } }"""


def test_the_dry_run_of_a_draft(as_staff, installation):
    flow = flow_create(installation=installation, name="Welcome", graph=WAIT_SEND)
    report = as_staff(SIMULATION, {"id": gid(flow), "days": 7}).data["flowSimulation"]
    assert report["flowId"] == gid(flow)
    assert report["triggered"] == report["enrollments"] == 0
    assert report["sends"] == []


def test_the_dry_run_refuses_bad_days(as_staff, installation):
    flow = flow_create(installation=installation, name="Welcome", graph=WAIT_SEND)
    answer = as_staff(SIMULATION, {"id": gid(flow), "days": 0})
    assert answer.body["data"] == {"flowSimulation": None}
    assert "days must be between" in answer.body["errors"][0]["message"]
