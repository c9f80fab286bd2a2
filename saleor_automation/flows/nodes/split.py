"""split: sends each enrollment down one branch, at random by percentage but
deterministically: the branch is a hash of (enrollment id, node id), so a retried advance
takes the same branch and no random state is stored."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..assignment import split_branch
from ..context import NodeContext
from ..decisions import Goto
from .params import ParamReader

if TYPE_CHECKING:
    from ..definition import Node

TYPE = "split"
MAX_BRANCHES = 10


@dataclass(frozen=True)
class SplitBranch:
    label: str
    percent: int


@dataclass(frozen=True)
class SplitParams:
    branches: tuple[SplitBranch, ...]


def parse_params(r: ParamReader) -> SplitParams:
    branches: list[SplitBranch] = []
    readers = r.items("branches", minimum=2, maximum=MAX_BRANCHES)
    for item in readers:
        branch = SplitBranch(
            item.string("label", max_length=64), item.integer("percent", minimum=0, maximum=100)
        )
        item.finish()
        if branch.label and any(other.label == branch.label for other in branches):
            item.issue("label", "another branch has the same label")
        branches.append(branch)
    if readers and sum(branch.percent for branch in branches) != 100:
        r.issue("branches", "percentages must add up to 100")
    return SplitParams(tuple(branches))


def labels(params: SplitParams) -> tuple[str, ...]:
    return tuple(branch.label for branch in params.branches)


def evaluate(node: "Node", ctx: NodeContext, now: datetime) -> Goto:
    params: SplitParams = node.params
    pairs = [(branch.label, branch.percent) for branch in params.branches]
    return Goto(split_branch(f"{ctx.enrollment_id}:{node.id}", pairs))
