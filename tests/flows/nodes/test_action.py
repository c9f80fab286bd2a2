import pytest

from saleor_automation.flows.decisions import Act
from saleor_automation.flows.nodes import action

from ..builders import NOW, context, node, parse_params

VOUCHER = {
    "kind": "create_voucher",
    "discount_type": "percent",
    "value": 15,
    "valid_days": 14,
    "channel": "default-channel",
}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            VOUCHER,
            Act(
                "create_voucher",
                {
                    "discount_type": "percent",
                    "value": "15",
                    "valid_days": 14,
                    "channel": "default-channel",
                },
            ),
        ),
        (
            {**VOUCHER, "discount_type": "fixed", "value": "4.50"},
            Act(
                "create_voucher",
                {
                    "discount_type": "fixed",
                    "value": "4.50",
                    "valid_days": 14,
                    "channel": "default-channel",
                },
            ),
        ),
        (
            {"kind": "write_metadata", "key": "vip", "value": "yes"},
            Act("write_metadata", {"key": "vip", "value": "yes", "private": False}),
        ),
        (
            {"kind": "write_metadata", "key": "vip", "value": "", "private": True},
            Act("write_metadata", {"key": "vip", "value": "", "private": True}),
        ),
        ({"kind": "add_to_group", "group": "vip"}, Act("add_to_group", {"group": "vip"})),
        ({"kind": "move_to_group", "group": "lapsed"}, Act("move_to_group", {"group": "lapsed"})),
        (
            {"kind": "call_webhook", "url": "https://hooks.example.com/x?y=1"},
            Act("call_webhook", {"url": "https://hooks.example.com/x?y=1"}),
        ),
    ],
)
def test_evaluate(params, expected) -> None:
    n = node("action", params)
    assert action.labels(n.params) == ("next",)
    assert action.evaluate(n, context(), NOW) == expected


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({}, "params.kind", "required"),
        ({"kind": "send_gift"}, "params.kind", "one of"),
        ({**VOUCHER, "discount_type": "bogo"}, "params.discount_type", "percent, fixed"),
        ({**VOUCHER, "value": 0}, "params.value", "more than 0"),
        ({**VOUCHER, "value": 101}, "params.value", "at most 100"),
        ({**VOUCHER, "value": "lots"}, "params.value", "number"),
        ({**VOUCHER, "value": True}, "params.value", "number"),
        ({**VOUCHER, "value": "NaN"}, "params.value", "more than 0"),
        ({**VOUCHER, "valid_days": 0}, "params.valid_days", "between 1 and 365"),
        ({**VOUCHER, "channel": None}, "params.channel", "required"),
        ({**VOUCHER, "group": "vip"}, "params.group", "not allowed"),
        ({"kind": "write_metadata", "key": "vip"}, "params.value", "string"),
        ({"kind": "write_metadata", "key": "", "value": "x"}, "params.key", "non-empty"),
        ({"kind": "write_metadata", "key": "k", "value": 3}, "params.value", "string"),
        ({"kind": "add_to_group"}, "params.group", "required"),
        ({"kind": "move_to_group", "group": "g" * 101}, "params.group", "at most 100"),
        ({"kind": "call_webhook", "url": "ftp://example.com"}, "params.url", "http or https"),
        ({"kind": "call_webhook", "url": "https://"}, "params.url", "http or https"),
        ({"kind": "call_webhook", "url": "example.com/hook"}, "params.url", "http or https"),
    ],
)
def test_invalid_params(params, field, fragment) -> None:
    _, issues = parse_params("action", params)
    assert any(i.field == field and fragment in i.message for i in issues), issues
