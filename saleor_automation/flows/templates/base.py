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


def wait_until(node_id: str, clock: str) -> NodeSpec:
    """Wait until the next `clock` ("HH:MM") on the contact's own wall clock."""
    return (node_id, "wait", {"mode": "until_time", "time": clock})


def action(node_id: str, kind: str, **params: Any) -> NodeSpec:
    return (node_id, "action", {"kind": kind, **params})


def exit_(node_id: str = "exit") -> NodeSpec:
    return (node_id, "exit", {})


def wait_for(node_id: str, event: str, **timeout: int) -> NodeSpec:
    """Wait until `event` happens (leaves on "event") or `timeout` (e.g. days=7) passed
    (leaves on "timeout")."""
    params = {f"timeout_{unit}": amount for unit, amount in timeout.items()}
    return (node_id, "wait", {"mode": "until_event", "event": event, **params})


def condition(node_id: str, predicate: dict[str, Any]) -> NodeSpec:
    return (node_id, "condition", {"predicate": predicate})


def linked(*nodes: NodeSpec, edges: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Graph JSON of nodes with explicit (source, target, label) edges, for graphs that
    branch; the first node must be the trigger."""
    return {
        "schema_version": 1,
        "nodes": [{"id": i, "type": t, "params": p} for i, t, p in nodes],
        "edges": [{"source": a, "target": b, "label": label} for a, b, label in edges],
    }


def text(*paragraphs: str) -> str:
    """An MJML section of plain paragraphs (block tags render their own sections)."""
    body = "".join(f"<mj-text>{p}</mj-text>" for p in paragraphs)
    return f"<mj-section><mj-column>{body}</mj-column></mj-section>"


def email(
    node_id: str, en: dict[str, str], de: dict[str, str], *, marketing: bool = True
) -> NodeSpec:
    """An email in English (the default) and German; marketing unless told otherwise (a
    transactional one needs no consent and counts towards no cap)."""
    message = {"default_language": "en", "variants": {"en": en, "de": de}}
    return (node_id, "send_email", {"message": message, "marketing": marketing})
