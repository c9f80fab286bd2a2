"""exit: ends the enrollment."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..context import NodeContext
from ..decisions import Finish, Reason
from .params import ParamReader

if TYPE_CHECKING:
    from ..definition import Node

TYPE = "exit"


@dataclass(frozen=True)
class ExitParams:
    pass


def parse_params(r: ParamReader) -> ExitParams:
    return ExitParams()


def labels(params: ExitParams) -> tuple[str, ...]:
    return ()


def evaluate(node: "Node", ctx: NodeContext, now: datetime) -> Finish:
    return Finish(Reason.EXIT)
