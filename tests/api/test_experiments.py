"""A/B split results and holdout lift through flowStats."""

from datetime import timedelta

import pytest
from strawberry.relay import to_base64

from tests.flows.db_fixtures import NOW
from tests.stats.experiment_data import Recorder, split_flow

from .conftest import staff_token

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
TODAY = NOW.date()
QUERY = """query($id: ID!, $since: Date!, $until: Date!) {
  flowStats(flowId: $id, since: $since, until: $until) {
    splits { nodeId branches { label isControl entered converted rate sent opened clicked
             difference relativeDifference z pValue confidence significant sampleTooSmall } }
    holdout { treatedEntered treatedConverted treatedRate controlEntered controlConverted
              controlRate lift relativeLift z pValue confidence significant sampleTooSmall }
  } }"""


@pytest.fixture
def flow(installation):
    flow = split_flow(installation, {"holdout_percent": 10})
    rec = Recorder(flow)
    # A: 40 entered, 8 converted; B: 40 entered, 20 converted (significant); C: none.
    for i in range(40):
        rec.through_split("A", converted_at=NOW + DAY if i < 8 else None)
        rec.through_split("B", converted_at=NOW + DAY if i < 20 else None, events=("opened",))
    for i in range(4):
        rec.enroll(holdout=True, converted_at=NOW + DAY if i < 1 else None)
    return flow


def _variables(flow, since=TODAY, until=TODAY + DAY):
    return {"id": to_base64("Flow", flow.pk), "since": str(since), "until": str(until)}


def test_split_branches_and_holdout_lift(as_staff, flow):
    data = as_staff(QUERY, _variables(flow)).data["flowStats"]
    (split,) = data["splits"]
    assert split["nodeId"] == "ab"
    a, b, c = split["branches"]
    assert a == {
        "label": "A",
        "isControl": True,
        "entered": 40,
        "converted": 8,
        "rate": 0.2,
        "sent": 40,
        "opened": 0,
        "clicked": 0,
        "difference": None,
        "relativeDifference": None,
        "z": None,
        "pValue": None,
        "confidence": None,
        "significant": False,
        "sampleTooSmall": False,
    }
    assert (b["label"], b["entered"], b["converted"], b["rate"], b["opened"]) == (
        "B",
        40,
        20,
        0.5,
        40,
    )
    assert b["difference"] == pytest.approx(0.3)
    assert b["relativeDifference"] == pytest.approx(1.5)
    assert b["z"] == pytest.approx(2.81284, abs=1e-4)
    assert b["pValue"] == pytest.approx(0.0049106, rel=1e-3)
    assert b["confidence"] == pytest.approx(1 - b["pValue"])
    assert (b["significant"], b["sampleTooSmall"]) == (True, False)
    assert (c["entered"], c["rate"], c["significant"]) == (0, None, False)
    assert c["sampleTooSmall"] is True

    holdout = data["holdout"]
    assert (holdout["treatedEntered"], holdout["treatedConverted"]) == (80, 28)
    assert (holdout["controlEntered"], holdout["controlConverted"]) == (4, 1)
    assert holdout["treatedRate"] == pytest.approx(0.35)
    assert holdout["controlRate"] == pytest.approx(0.25)
    assert holdout["lift"] == pytest.approx(0.1)
    assert holdout["relativeLift"] == pytest.approx(0.4)
    assert (holdout["significant"], holdout["sampleTooSmall"]) == (False, True)


def test_a_period_without_enrollments(as_staff, flow):
    later = NOW.date() + 10 * DAY
    data = as_staff(QUERY, _variables(flow, later, later)).data["flowStats"]
    assert [branch["entered"] for branch in data["splits"][0]["branches"]] == [0, 0, 0]
    assert data["holdout"] is None


def test_read_key_may_read_and_a_user_without_permission_may_not(as_staff, gql, key_of, flow):
    assert gql(QUERY, _variables(flow), api_key=key_of("read")).data["flowStats"]["splits"]
    denied = as_staff(QUERY, _variables(flow), permissions=["MANAGE_APPS"])
    assert denied.codes == ["FORBIDDEN"] and denied.body["data"] == {"flowStats": None}
    assert gql(QUERY, _variables(flow)).status == 401


def test_another_store_sees_nothing(gql, flow, other_installation, other_signing_key):
    token = staff_token(other_signing_key, other_installation)
    answer = gql(QUERY, _variables(flow), token=token, api_url=other_installation.saleor_api_url)
    assert answer.data["flowStats"] is None
