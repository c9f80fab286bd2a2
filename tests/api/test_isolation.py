"""No resolver crosses installations: store B's staff and keys, given store A's ids and
emails, see and change nothing of A. Every Query and Mutation field is listed here; a new
field fails the coverage check until it is added."""

import pytest
from strawberry.relay import to_base64

from saleor_automation.api.keys import api_key_create
from saleor_automation.api.schema import schema
from saleor_automation.flows.models import Flow, FlowStatus
from saleor_automation.flows.templates import TEMPLATES
from saleor_automation.messaging.suppression import is_suppressed
from saleor_automation.saleor.models import Installation
from saleor_automation.stats.rollup import stats_rollup

from .conftest import staff_token
from .data import populate

pytestmark = pytest.mark.django_db

# field -> (query, what B must get back), with A's ids and email filled in.
QUERIES = {
    "flows": ("{ flows { totalCount edges { node { name } } } }", {"totalCount": 1}),
    "flow": ("{ flow(id: $flow) { name } }", None),
    "flowSimulation": ("{ flowSimulation(flowId: $flow, days: 3) { triggered } }", None),
    "flowStats": (
        '{ flowStats(flowId: $flow, since: "2026-06-01", until: "2026-06-02") { since } }',
        None,
    ),
    # The same for every store: no installation's data.
    "flowTemplates": ("{ flowTemplates { key } }", [{"key": key} for key in TEMPLATES]),
    "nodePreview": ('{ nodePreview(flowId: $flow, nodeId: "s1") { subject } }', None),
    "contactJourney": ('{ contactJourney(email: "ann@example.com") { contact { email } } }', None),
    "messages": ("{ messages { totalCount } }", {"totalCount": 1}),
    "suppressions": ("{ suppressions { totalCount } }", {"totalCount": 1}),
    "installationSettings": ("{ installationSettings { saleorApiUrl } }", "B"),
    # B's own two: the one of populate() and the caller's.
    "apiKeys": ("{ apiKeys { totalCount } }", {"totalCount": 2}),
    "backfillRuns": ("{ backfillRuns { totalCount } }", {"totalCount": 1}),
}
NOT_FOUND = "... on OperationInfo { messages { message } }"
MUTATIONS = {
    "flowCreate": None,  # creates in the caller's own store: checked below
    "flowCreateFromTemplate": None,
    "flowDraftSave": f"flowDraftSave(flowId: $flow, graph: {{}}, settings: {{}}) {{ {NOT_FOUND} }}",
    "flowActivate": f"flowActivate(flowId: $flow) {{ {NOT_FOUND} }}",
    "flowPause": f"flowPause(flowId: $flow) {{ {NOT_FOUND} }}",
    "flowResume": f"flowResume(flowId: $flow) {{ {NOT_FOUND} }}",
    "flowArchive": f"flowArchive(flowId: $flow) {{ {NOT_FOUND} }}",
    "flowEnrollContact": (
        f'flowEnrollContact(flowId: $flow, email: "bea@example.com") {{ {NOT_FOUND} }}'
    ),
    "apiKeyRevoke": f"apiKeyRevoke(id: $key) {{ {NOT_FOUND} }}",
    "messageTestSend": (
        'messageTestSend(input: {flowId: $flow, nodeId: "s1", to: "b@example.com"}) '
        f"{{ {NOT_FOUND} }}"
    ),
    "suppress": None,  # addresses are per store: checked below
    "unsuppress": None,
    "installationSettingsUpdate": None,
    "apiKeyCreate": None,
    "backfillStart": None,
}


def _fields(type_name: str) -> set[str]:
    return set(schema._schema.get_type(type_name).fields)


def test_every_field_is_covered():
    assert set(QUERIES) == _fields("Query")
    assert set(MUTATIONS) == _fields("Mutation")


@pytest.fixture
def stores(installation, other_installation):
    a, b = populate(installation), populate(other_installation, email="bea@example.com")
    stats_rollup(settle=False)  # A's counters exist: flowStats must still not show them
    return a, b


@pytest.fixture
def b_callers(gql, other_installation, other_signing_key):
    """B's dashboard user (every permission) and B's read_write key."""
    token = staff_token(other_signing_key, other_installation)
    key = api_key_create(installation=other_installation, name="b", scope="read_write")[1]
    return (
        lambda q, v=None: gql(q, v, token=token, api_url=other_installation.saleor_api_url),
        lambda q, v=None: gql(q, v, api_key=key),
    )


def test_b_reads_nothing_of_a(stores, other_installation, b_callers):
    a, b = stores
    ids = {"$flow": f'"{to_base64("Flow", a.flow.pk)}"'}
    dashboard, key = b_callers
    for name, (query, expected) in QUERIES.items():
        for placeholder, value in ids.items():
            query = query.replace(placeholder, value)
        for caller in (dashboard, key) if name != "apiKeys" else (dashboard,):
            answer = caller(query)
            assert answer.status == 200, (name, answer.body)
            result = answer.body["data"][name]
            if expected == "B":
                assert result == {"saleorApiUrl": other_installation.saleor_api_url}
            elif expected is None:
                assert result is None, (name, result)
            elif isinstance(expected, list):
                assert result == expected, (name, result)
            else:
                assert {k: result[k] for k in expected} == expected, (name, result)
    # B's own flow, not A's, is what B lists.
    names = dashboard("{ flows { edges { node { id } } } }").data["flows"]["edges"]
    assert names == [{"node": {"id": to_base64("Flow", b.flow.pk)}}]


def test_b_changes_nothing_of_a(stores, b_callers):
    a, _ = stores
    dashboard, key = b_callers
    variables = {"flow": to_base64("Flow", a.flow.pk), "key": to_base64("ApiKey", a.api_key.pk)}
    for name, selection in MUTATIONS.items():
        if selection is None:
            continue
        used = {k: v for k, v in variables.items() if f"${k}" in selection}
        declared = ", ".join(f"${k}: ID!" for k in used)
        mutation = f"mutation({declared}) {{ {selection} }}"
        for caller in (dashboard, key) if name != "apiKeyRevoke" else (dashboard,):
            payload = caller(mutation, used).data[name]
            assert payload["messages"][0]["message"].endswith("not found."), (name, payload)
    flow = Flow.objects.get(pk=a.flow.pk)
    assert flow.status == FlowStatus.ACTIVE and flow.versions.count() == 1
    a.api_key.refresh_from_db()
    assert a.api_key.revoked_at is None

    # The store-wide mutations act on B only.
    dashboard('mutation { flowCreate(name: "B2") { __typename } }')
    key = next(iter(TEMPLATES))
    dashboard(f'mutation {{ flowCreateFromTemplate(templateKey: "{key}") {{ __typename }} }}')
    assert Flow.objects.filter(installation=a.installation).count() == 1
    dashboard(
        'mutation { unsuppress(channel: EMAIL, address: "blocked-ann@example.com", '
        "reasons: [MANUAL]) { __typename } }"
    )
    assert is_suppressed(a.installation.pk, "email", "blocked-ann@example.com")
    dashboard('mutation { suppress(channel: EMAIL, address: "x@example.com") { __typename } }')
    assert not is_suppressed(a.installation.pk, "email", "x@example.com")
    dashboard(
        'mutation { installationSettingsUpdate(input: {timezone: "Asia/Tokyo"}) { __typename } }'
    )
    assert Installation.objects.get(pk=a.installation.pk).timezone == ""
    # B's own flow cannot take A's contact: the email is looked up in B only.
    b_flow = to_base64("Flow", stores[1].flow.pk)
    payload = dashboard(
        f'mutation {{ flowEnrollContact(flowId: "{b_flow}", email: "ann@example.com") '
        f"{{ {NOT_FOUND} }} }}"
    ).data["flowEnrollContact"]
    assert payload["messages"][0]["message"] == "Contact not found."
    dashboard('mutation { apiKeyCreate(name: "b2") { __typename } }')
    assert a.installation.pk not in set(
        type(a.api_key).objects.filter(name="b2").values_list("installation_id", flat=True)
    )
