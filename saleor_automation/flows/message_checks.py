"""Save-time checks of the messages inside a flow graph: a template error is reported on
its node, with its line, when the operator saves - never when the message is sent."""

from collections.abc import Mapping
from typing import Any

from ..messaging.rendering.validate import message_validate
from .definition import DefinitionIssue

CHANNELS = {"send_email": "email", "send_sms": "sms"}


def graph_message_issues(graph: Mapping[str, Any]) -> list[DefinitionIssue]:
    """Issues of every send node's message; assumes the graph's shape was checked."""
    issues: list[DefinitionIssue] = []
    for node in graph.get("nodes") or []:
        channel = CHANNELS.get(node.get("type")) if isinstance(node, Mapping) else None
        if channel is None:
            continue
        message = (node.get("params") or {}).get("message")
        for issue in message_validate(message, channel=channel):
            where = f"line {issue.line}: " if issue.line else ""
            issues.append(
                DefinitionIssue(
                    node.get("id"), f"params.message.{issue.field}", f"{where}{issue.message}"
                )
            )
    return issues
