"""Attribution through the API: per-node and per-flow attributed orders and revenue, and the
store's attribution settings."""

import pytest
from strawberry.relay import to_base64

from saleor_automation.flows.models import Flow
from saleor_automation.saleor.models import Installation
from saleor_automation.stats.rollup import stats_rollup
from tests.api.conftest import (
    as_staff,
    gql,
    installation,
    other_installation,
    other_signing_key,
    signing_key,
    staff_token,
)
from tests.flows.db_fixtures import make_contact, make_flow

from .attribution_fixtures import (
    BUYER,
    DAY,
    MUG,
    PLACED,
    TWO_SENDS,
    Shop,
    clicked,
    enroll,
    order_event,
    sent,
)

__all__ = ["as_staff", "gql", "installation", "other_installation", "other_signing_key"]
__all__ += ["signing_key"]
pytestmark = pytest.mark.django_db

STATS = """query($id: ID!, $since: Date!, $until: Date!) {
  flowStats(flowId: $id, since: $since, until: $until) {
    nodes { nodeId clicked attributedOrders revenue { currency amount } }
    total { converted attributedOrders revenue { currency amount } }
    timeseries { day attributedOrders revenue { currency amount } } } }"""
SETTINGS = """{ installationSettings { attributionModel attributionClickDays attributionOpenDays
  effective { attributionModel attributionClickDays attributionOpenDays } } }"""
UPDATE = """mutation($input: InstallationSettingsInput!) {
  installationSettingsUpdate(input: $input) {
    __typename
    ... on InstallationSettings { attributionModel attributionClickDays
      effective { attributionModel attributionClickDays attributionOpenDays } }
    ... on OperationInfo { messages { field message } } } }"""


def shop_of(installation: Installation) -> Shop:
    flow: Flow = make_flow(installation, TWO_SENDS)
    return Shop(installation, flow, make_contact(installation, email=BUYER))


def test_flow_stats_show_attributed_orders_and_revenue_per_node(as_staff, installation):
    shop = shop_of(installation)
    recommendation = sent(enroll(shop), "s1", at=PLACED - 3 * DAY)
    last = sent(enroll(shop), "s2", at=PLACED - 2 * DAY)
    clicked(recommendation, PLACED - 3 * DAY, product_id=MUG)
    clicked(last, PLACED - DAY)
    order_event(shop)  # 71 USD: the mug's share to s1, the tee's to s2
    stats_rollup(settle=False)

    day = str(PLACED.date())
    variables = {"id": to_base64("Flow", shop.flow.pk), "since": day, "until": day}
    data = as_staff(STATS, variables).data["flowStats"]
    nodes = {node["nodeId"]: node for node in data["nodes"]}
    assert nodes["s1"]["attributedOrders"] == nodes["s2"]["attributedOrders"] == 1
    assert nodes["s1"]["revenue"] == [{"currency": "USD", "amount": "39.803"}]
    assert nodes["s2"]["revenue"] == [{"currency": "USD", "amount": "31.197"}]
    # The flow counts the order once, with all of its revenue.
    assert data["total"] == {
        "converted": 0,
        "attributedOrders": 1,
        "revenue": [{"currency": "USD", "amount": "71.000"}],
    }
    assert data["timeseries"] == [
        {"day": day, "attributedOrders": 1, "revenue": [{"currency": "USD", "amount": "71.000"}]}
    ]


MESSAGES = """{ messages(first: 10) { edges { node { nodeId
  attribution { orders revenue { currency amount } } } } } }"""


def test_each_message_shows_what_it_won(as_staff, installation, django_assert_max_num_queries):
    shop = shop_of(installation)
    recommendation = sent(enroll(shop), "s1", at=PLACED - 3 * DAY)
    last = sent(enroll(shop), "s2", at=PLACED - 2 * DAY)
    sent(enroll(shop), "s1", at=PLACED - 2 * DAY)  # never clicked: won nothing
    clicked(recommendation, PLACED - 3 * DAY, product_id=MUG)
    clicked(last, PLACED - DAY)
    order_event(shop, number=1)
    order_event(shop, number=2, created=PLACED + DAY, total=10.0)  # all to the last click
    order_event(shop, "order_cancelled", number=2, issued=PLACED + 2 * DAY, status="CANCELED")

    with django_assert_max_num_queries(4):  # the lines of the page in one query (one each: 5)
        edges = as_staff(MESSAGES).data["messages"]["edges"]
    won = [edge["node"]["attribution"] for edge in edges]
    assert won == [
        {"orders": 0, "revenue": []},
        {"orders": 1, "revenue": [{"currency": "USD", "amount": "31.197"}]},
        {"orders": 1, "revenue": [{"currency": "USD", "amount": "39.803"}]},
    ]


def test_another_installation_sees_none_of_it(
    gql, installation, other_installation, other_signing_key
):
    shop = shop_of(installation)
    message = sent(enroll(shop), at=PLACED - DAY)
    clicked(message, PLACED - DAY)
    order_event(shop)
    stats_rollup(settle=False)
    day = str(PLACED.date())
    variables = {"id": to_base64("Flow", shop.flow.pk), "since": day, "until": day}
    token = staff_token(other_signing_key, other_installation)
    answer = gql(STATS, variables, token=token, api_url=other_installation.saleor_api_url)
    assert answer.data == {"flowStats": None}


def test_attribution_settings_default_update_and_validate(as_staff, installation, settings):
    settings.ATTRIBUTION_CLICK_DAYS = 7
    data = as_staff(SETTINGS).data["installationSettings"]
    assert data == {
        "attributionModel": None,
        "attributionClickDays": None,
        "attributionOpenDays": None,
        "effective": {
            "attributionModel": "click",
            "attributionClickDays": 7,
            "attributionOpenDays": 1,
        },
    }
    changes = {"attributionModel": "click_or_open", "attributionClickDays": 3}
    answer = as_staff(UPDATE, {"input": changes}).data["installationSettingsUpdate"]
    assert answer["effective"] == {
        "attributionModel": "click_or_open",
        "attributionClickDays": 3,
        "attributionOpenDays": 1,
    }
    bad = {"attributionModel": "first_touch", "attributionClickDays": 0, "attributionOpenDays": 91}
    answer = as_staff(UPDATE, {"input": bad}).data["installationSettingsUpdate"]
    fields = {m["field"] for m in answer["messages"]}
    assert fields == {"attributionModel", "attributionClickDays", "attributionOpenDays"}
    installation.refresh_from_db()
    assert (installation.attribution_model, installation.attribution_click_days) == (
        "click_or_open",
        3,
    )
    as_staff(UPDATE, {"input": {"attributionModel": None}})
    installation.refresh_from_db()
    assert installation.attribution_model == ""
