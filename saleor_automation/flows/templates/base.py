"""What a flow template is, and helpers that build its graph and message content.

A template is data only: the graph and settings JSON of definition.py, which
flow_save_draft validates like any operator's edit.
"""

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

Params = dict[str, Any]
NodeSpec = tuple[str, str, Params]  # (id, type, params)


@dataclass(frozen=True)
class FlowTemplate:
    key: str
    name: str
    description: str
    priority: int
    graph: dict[str, Any]
    settings: dict[str, Any]


def chain(*nodes: NodeSpec) -> dict[str, Any]:
    """Graph JSON of nodes in a line, each linked to the next on "next"; the first node
    must be the trigger and the last an exit."""
    return {
        "schema_version": 1,
        "nodes": [{"id": i, "type": t, "params": p} for i, t, p in nodes],
        "edges": [{"source": a[0], "target": b[0], "label": "next"} for a, b in pairwise(nodes)],
    }


def trigger(event: str, **params: Any) -> NodeSpec:
    return ("trigger", "trigger", {"event": event, **params})


def wait(node_id: str, **duration: int) -> NodeSpec:
    return (node_id, "wait", {"mode": "duration", **duration})


def action(node_id: str, kind: str, **params: Any) -> NodeSpec:
    return (node_id, "action", {"kind": kind, **params})


def exit_(node_id: str = "exit") -> NodeSpec:
    return (node_id, "exit", {})


def text(*paragraphs: str) -> str:
    """An MJML section of plain paragraphs (block tags render their own sections)."""
    body = "".join(f"<mj-text>{p}</mj-text>" for p in paragraphs)
    return f"<mj-section><mj-column>{body}</mj-column></mj-section>"


def email(node_id: str, en: dict[str, str], de: dict[str, str]) -> NodeSpec:
    """A marketing email in English (the default) and German."""
    message = {"default_language": "en", "variants": {"en": en, "de": de}}
    return (node_id, "send_email", {"message": message, "marketing": True})
