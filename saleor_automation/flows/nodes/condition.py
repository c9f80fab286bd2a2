"""condition: follows "yes" when its predicate holds for the enrollment at `now`, else "no"."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..context import NodeContext
from ..decisions import Goto
from ..predicates import ALL_ROOTS, evaluate_predicate, referenced_messages
from .params import MessageRef, ParamReader

if TYPE_CHECKING:
    from ..definition import Node

TYPE = "condition"


@dataclass(frozen=True)
class ConditionParams:
    predicate: Mapping[str, Any]


def parse_params(r: ParamReader) -> ConditionParams:
    return ConditionParams(predicate=r.predicate("predicate", roots=ALL_ROOTS))


def labels(params: ConditionParams) -> tuple[str, ...]:
    return ("yes", "no")


def refs(params: ConditionParams) -> Iterable[MessageRef]:
    for node_id, kind in sorted(referenced_messages(params.predicate)):
        yield MessageRef("params.predicate", node_id, kind)


def evaluate(node: "Node", ctx: NodeContext, now: datetime) -> Goto:
    params: ConditionParams = node.params
    return Goto("yes" if evaluate_predicate(params.predicate, ctx, now) else "no")
