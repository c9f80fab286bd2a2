"""nodes/__init__.py: the registry and the dispatching evaluate."""

import pytest

from saleor_automation.flows.decisions import Finish, Goto, Send
from saleor_automation.flows.definition import Node, NodeType
from saleor_automation.flows.nodes import REGISTRY, evaluate

from ..builders import NOW, context, node


def test_registry_has_every_type() -> None:
    assert list(REGISTRY) == list(NodeType.ALL)
    assert all(spec.type == name for name, spec in REGISTRY.items())


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (node("trigger", {"event": "customer_created"}), Goto("next")),
        (node("send_email", {"message": {}}), Send("email")),
        (node("exit"), Finish("exit")),
    ],
)
def test_evaluate_dispatches_by_type(n, expected) -> None:
    assert evaluate(n, context(), NOW) == expected


def test_unknown_type() -> None:
    with pytest.raises(ValueError, match="unknown node type"):
        evaluate(Node("n", "teleport", None), context(), NOW)
