import pytest

from saleor_automation.flows.decisions import Goto
from saleor_automation.flows.nodes import trigger
from saleor_automation.flows.nodes.trigger import TriggerEvent

from ..builders import NOW, context, node, parse_params

SEGMENT = {"field": "contact.country", "op": "eq", "value": "FR"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"event": "checkout_abandoned"}, {"idle_minutes": 60}),
        ({"event": "checkout_abandoned", "idle_minutes": 30}, {"idle_minutes": 30}),
        ({"event": "customer_created"}, {}),
        ({"event": "account_confirmed"}, {}),
        ({"event": "order_paid"}, {"first_order_only": False}),
        ({"event": "order_paid", "first_order_only": True}, {"first_order_only": True}),
        ({"event": "order_fulfilled"}, {}),
        ({"event": "repeat_order"}, {}),
        ({"event": "customer_metadata_changed", "key": "tier"}, {"key": "tier", "value": None}),
        (
            {"event": "customer_metadata_changed", "key": "tier", "value": "gold"},
            {"value": "gold"},
        ),
        ({"event": "no_order_for_days", "days": 90}, {"days": 90}),
        ({"event": "date_field", "field": "birthday"}, {"field": "birthday", "days_before": 0}),
        ({"event": "date_field", "field": "anniversary", "days_before": 3}, {"days_before": 3}),
        ({"event": "segment_entered", "segment": SEGMENT}, {"segment": SEGMENT}),
    ],
)
def test_valid_params(params, expected) -> None:
    parsed, issues = parse_params("trigger", params)
    assert issues == []
    assert parsed.event == params["event"]
    for key, value in expected.items():
        assert getattr(parsed, key) == value


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({}, "params.event", "required"),
        ({"event": "cart_created"}, "params.event", "one of"),
        ({"event": "checkout_abandoned", "idle_minutes": 0}, "params.idle_minutes", "between 1"),
        ({"event": "customer_created", "idle_minutes": 60}, "params.idle_minutes", "not allowed"),
        ({"event": "order_paid", "first_order_only": 1}, "params.first_order_only", "true or"),
        ({"event": "customer_metadata_changed"}, "params.key", "required"),
        ({"event": "customer_metadata_changed", "key": "k", "value": 1}, "params.value", "string"),
        ({"event": "no_order_for_days"}, "params.days", "required"),
        ({"event": "no_order_for_days", "days": 0}, "params.days", "between 1 and 3650"),
        ({"event": "date_field"}, "params.field", "required"),
        ({"event": "date_field", "field": "birthday", "days_before": -1}, "params.days_before", ""),
        ({"event": "segment_entered"}, "params.segment", "required"),
        (
            {
                "event": "segment_entered",
                "segment": {"field": "context.order.total", "op": "exists"},
            },
            "params.segment",
            "cannot be used here",
        ),
    ],
)
def test_invalid_params(params, field, fragment) -> None:
    _, issues = parse_params("trigger", params)
    assert any(i.field == field and fragment in i.message for i in issues), issues


def test_every_event_is_documented_with_the_type_strings() -> None:
    assert len(set(TriggerEvent.ALL)) == 10


def test_evaluate_moves_on() -> None:
    n = node("trigger", {"event": "customer_created"})
    assert trigger.labels(n.params) == ("next",)
    assert trigger.evaluate(n, context(), NOW) == Goto("next")
