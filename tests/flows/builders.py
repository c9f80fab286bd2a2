"""Hand-built inputs for the pure flow tests: no database, no Django."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from saleor_automation.flows.context import ContactView, NodeContext
from saleor_automation.flows.definition import FlowSettings, Node, parse_settings
from saleor_automation.flows.nodes import REGISTRY
from saleor_automation.flows.nodes.params import DefinitionIssue, ParamReader

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # a Monday


def at(text: str) -> datetime:
    """An aware datetime from ISO text ("2026-06-15T12:00:00+00:00")."""
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


def contact(**fields: Any) -> ContactView:
    values: dict[str, Any] = {
        "id": 7,
        "email": "ana@example.com",
        "phone": "+33612345678",
        "country": "FR",
        "timezone": "Europe/Paris",
        "marketing_consent": True,
        "sms_consent": True,
    }
    values.update(fields)
    return ContactView(**values)


def context(
    *, settings: FlowSettings | Mapping[str, Any] | None = None, **fields: Any
) -> NodeContext:
    if not isinstance(settings, FlowSettings):
        settings = parse_settings(settings or {})
    values: dict[str, Any] = {
        "enrollment_id": 101,
        "flow_id": 5,
        "step_seq": 3,
        "node_entered_at": NOW,
        "contact": contact(),
        "settings": settings,
        "installation_timezone": "UTC",
    }
    values.update(fields)
    return NodeContext(**values)


def parse_params(node_type: str, params: Any) -> tuple[Any, list[DefinitionIssue]]:
    issues: list[DefinitionIssue] = []
    reader = ParamReader(params, issues, node_id="n", prefix="params")
    parsed = REGISTRY[node_type].parse_params(reader)
    reader.finish()
    return parsed, issues


def node(node_type: str, params: Any = None, node_id: str = "n1") -> Node:
    """A node whose JSON params must be valid."""
    parsed, issues = parse_params(node_type, params or {})
    assert not issues, issues
    return Node(node_id, node_type, parsed)
