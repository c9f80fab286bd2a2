"""send_sms: sends the node's message by SMS (rules in nodes/_send.py)."""

from datetime import datetime
from typing import TYPE_CHECKING

from ..context import NodeContext
from ..decisions import Decision
from ._send import SMS, SendParams, evaluate_send, labels, parse_params

if TYPE_CHECKING:
    from ..definition import Node

__all__ = ["TYPE", "SendParams", "evaluate", "labels", "parse_params"]

TYPE = "send_sms"


def evaluate(node: "Node", ctx: NodeContext, now: datetime) -> Decision:
    return evaluate_send(SMS, node, ctx, now)
