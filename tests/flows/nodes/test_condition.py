from datetime import timedelta
from decimal import Decimal

import pytest

from saleor_automation.flows.decisions import Goto
from saleor_automation.flows.nodes import condition
from saleor_automation.flows.nodes.params import MessageRef

from ..builders import NOW, contact, context, node, parse_params

CLICKED = {"field": "message.e1.clicked", "op": "exists"}
BIG_CART = {"field": "context.checkout.total", "op": "gte", "value": 100}
VIP = {"field": "contact.groups", "op": "contains", "value": "vip"}


@pytest.mark.parametrize(
    ("predicate", "ctx", "label"),
    [
        (CLICKED, context(messages={"e1": {"clicked": NOW}}), "yes"),
        (CLICKED, context(messages={"e1": {"opened": NOW}}), "no"),
        (BIG_CART, context(context={"checkout": {"total": "120.50"}}), "yes"),
        (BIG_CART, context(context={"checkout": {"total": 99}}), "no"),
        (BIG_CART, context(context={}), "no"),
        ({"all": [VIP, {"not": CLICKED}]}, context(contact=contact(groups={"vip"})), "yes"),
        (
            {"field": "contact.spend.EUR", "op": "gt", "value": 500},
            context(contact=contact(spend={"EUR": Decimal("500.01")})),
            "yes",
        ),
        (
            {"field": "contact.last_order_at", "op": "lt", "value": {"days_ago": 90}},
            context(contact=contact(last_order_at=NOW - timedelta(days=91))),
            "yes",
        ),
    ],
)
def test_evaluate(predicate, ctx, label) -> None:
    n = node("condition", {"predicate": predicate})
    assert condition.evaluate(n, ctx, NOW) == Goto(label)


def test_graph_facts() -> None:
    parsed, _ = parse_params("condition", {"predicate": {"any": [CLICKED, BIG_CART]}})
    assert condition.labels(parsed) == ("yes", "no")
    assert list(condition.refs(parsed)) == [MessageRef("params.predicate", "e1", "clicked")]


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({}, "params.predicate", "required"),
        ({"predicate": []}, "params.predicate", "must be an object"),
        (
            {"predicate": {"field": "contact.shoe_size", "op": "eq", "value": 9}},
            "params.predicate",
            "unknown contact field",
        ),
        ({"predicate": CLICKED, "else": "x"}, "params.else", "not allowed"),
    ],
)
def test_invalid_params(params, field, fragment) -> None:
    _, issues = parse_params("condition", params)
    assert any(i.field == field and fragment in i.message for i in issues), issues
