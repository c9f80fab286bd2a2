"""Node semantics, one module per node type (named like the type string used by the graph
JSON, the GraphQL enum and the dashboard builder). Each module exports:

    TYPE                                    the type string
    <Type>Params                            its params, a frozen dataclass
    parse_params(reader) -> <Type>Params    reads and checks the JSON params
    labels(params) -> tuple[str, ...]       the outgoing edge labels it needs
    evaluate(node, ctx, now) -> Decision    the pure semantics
    refs(params) -> Iterable[MessageRef]    (optional) messages it asks about
    lets_time_pass(params) -> bool          (optional) True if re-entering it always waits

Node modules never import flows.definition at run time (it imports this package to parse
graphs); `Node` appears in their annotations only.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..context import NodeContext
from ..decisions import Decision
from . import action, condition, send_email, send_sms, split, trigger, wait
from . import exit as exit_node
from .params import MessageRef, ParamReader

if TYPE_CHECKING:
    from ..definition import Node

__all__ = ["REGISTRY", "NodeSpec", "evaluate"]


@dataclass(frozen=True)
class NodeSpec:
    type: str
    parse_params: Callable[[ParamReader], Any]
    labels: Callable[[Any], tuple[str, ...]]
    evaluate: Callable[["Node", NodeContext, datetime], Decision]
    refs: Callable[[Any], Iterable[MessageRef]]
    lets_time_pass: Callable[[Any], bool]


def _spec(module: ModuleType) -> NodeSpec:
    return NodeSpec(
        type=module.TYPE,
        parse_params=module.parse_params,
        labels=module.labels,
        evaluate=module.evaluate,
        refs=getattr(module, "refs", lambda params: ()),
        lets_time_pass=getattr(module, "lets_time_pass", lambda params: False),
    )


REGISTRY: dict[str, NodeSpec] = {
    spec.type: spec
    for spec in map(
        _spec, (trigger, wait, send_email, send_sms, condition, split, action, exit_node)
    )
}


def evaluate(node: "Node", ctx: NodeContext, now: datetime) -> Decision:
    """What `node` decides at `now`; the engine applies the decision."""
    spec = REGISTRY.get(node.type)
    if spec is None:
        raise ValueError(f"unknown node type {node.type!r}")
    return spec.evaluate(node, ctx, now)
