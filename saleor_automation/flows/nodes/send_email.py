"""send_email: sends the node's message by email (rules in nodes/_send.py)."""

from datetime import datetime
from typing import TYPE_CHECKING

from ..context import NodeContext
from ..decisions import Decision
from ._send import EMAIL, SendParams, evaluate_send, labels, parse_params

if TYPE_CHECKING:
    from ..definition import Node

__all__ = ["TYPE", "SendParams", "evaluate", "labels", "parse_params"]

TYPE = "send_email"


def evaluate(node: "Node", ctx: NodeContext, now: datetime) -> Decision:
    return evaluate_send(EMAIL, node, ctx, now)
