from collections import Counter
from dataclasses import replace

import pytest

from saleor_automation.flows.decisions import Goto
from saleor_automation.flows.nodes import split
from saleor_automation.flows.nodes.split import SplitBranch

from ..builders import NOW, context, node, parse_params

AB = {"branches": [{"label": "A", "percent": 50}, {"label": "B", "percent": 50}]}


def test_params_and_labels() -> None:
    parsed, issues = parse_params("split", AB)
    assert issues == []
    assert parsed.branches == (SplitBranch("A", 50), SplitBranch("B", 50))
    assert split.labels(parsed) == ("A", "B")


def test_same_enrollment_same_branch() -> None:
    n, ctx = node("split", AB), context(enrollment_id=42)
    first = split.evaluate(n, ctx, NOW)
    assert all(split.evaluate(n, ctx, NOW) == first for _ in range(5))


def test_branch_depends_on_enrollment_and_node() -> None:
    ctx = context()
    by_enrollment = {
        split.evaluate(node("split", AB), replace(ctx, enrollment_id=i), NOW) for i in range(40)
    }
    assert by_enrollment == {Goto("A"), Goto("B")}
    by_node = {split.evaluate(node("split", AB, node_id=f"s{i}"), ctx, NOW) for i in range(40)}
    assert by_node == {Goto("A"), Goto("B")}


def test_weights_are_followed() -> None:
    params = {
        "branches": [
            {"label": "control", "percent": 0},
            {"label": "small", "percent": 20},
            {"label": "large", "percent": 80},
        ]
    }
    n, ctx = node("split", params), context()
    counts = Counter(
        split.evaluate(n, replace(ctx, enrollment_id=i), NOW).label for i in range(5000)
    )
    assert counts["control"] == 0
    assert abs(counts["small"] / 5000 - 0.20) < 0.02


@pytest.mark.parametrize(
    ("params", "field", "fragment"),
    [
        ({}, "params.branches", "required"),
        ({"branches": [{"label": "A", "percent": 100}]}, "params.branches", "2 to 10"),
        (
            {"branches": [{"label": str(i), "percent": 9} for i in range(11)]},
            "params.branches",
            "2 to 10",
        ),
        (
            {"branches": [{"label": "A", "percent": 50}, {"label": "B", "percent": 40}]},
            "params.branches",
            "add up to 100",
        ),
        (
            {"branches": [{"label": "A", "percent": 50}, {"label": "A", "percent": 50}]},
            "params.branches[1].label",
            "same label",
        ),
        (
            {"branches": [{"label": "A", "percent": 50.5}, {"label": "B", "percent": 49.5}]},
            "params.branches[0].percent",
            "whole number",
        ),
        (
            {"branches": [{"label": "", "percent": 50}, {"label": "B", "percent": 50}]},
            "params.branches[0].label",
            "non-empty",
        ),
        (
            {
                "branches": [
                    {"label": "A", "percent": 50, "weight": 1},
                    {"label": "B", "percent": 50},
                ]
            },
            "params.branches[0].weight",
            "not allowed",
        ),
        ({"branches": ["A", "B"]}, "params.branches[0]", "must be an object"),
    ],
)
def test_invalid_params(params, field, fragment) -> None:
    _, issues = parse_params("split", params)
    assert any(i.field == field and fragment in i.message for i in issues), issues
