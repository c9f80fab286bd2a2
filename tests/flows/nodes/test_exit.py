from saleor_automation.flows.decisions import Finish
from saleor_automation.flows.nodes import exit as exit_node

from ..builders import NOW, context, node, parse_params


def test_evaluate() -> None:
    n = node("exit")
    assert exit_node.labels(n.params) == ()
    assert exit_node.evaluate(n, context(), NOW) == Finish("exit")


def test_exit_takes_no_params() -> None:
    _, issues = parse_params("exit", {"reason": "done"})
    assert [(i.field, i.message) for i in issues] == [("params.reason", "is not allowed here")]
