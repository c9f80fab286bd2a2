"""Graph and settings parsing: every check names the node and field it is about."""

import copy
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from saleor_automation.flows.definition import (
    DefinitionError,
    FlowSettings,
    Goal,
    NodeType,
    Priority,
    Reentry,
    parse_graph,
    parse_settings,
    validate_graph,
    validate_settings,
)
from saleor_automation.flows.localtime import QuietHours, SendWindow
from saleor_automation.flows.nodes import REGISTRY

from .builders import NOW


def base() -> dict[str, Any]:
    """Cart recovery: wait, email, wait for an open, then a voucher for half of clickers."""
    return {
        "schema_version": 1,
        "nodes": [
            {
                "id": "trigger",
                "type": "trigger",
                "params": {"event": "checkout_abandoned", "idle_minutes": 60},
            },
            {"id": "w1", "type": "wait", "params": {"mode": "duration", "minutes": 60}},
            {"id": "e1", "type": "send_email", "params": {"message": {"template": "cart"}}},
            {
                "id": "w2",
                "type": "wait",
                "params": {
                    "mode": "until_event",
                    "event": "message_opened",
                    "node": "e1",
                    "timeout_days": 2,
                },
            },
            {
                "id": "c1",
                "type": "condition",
                "name": "Clicked?",
                "params": {"predicate": {"field": "message.e1.clicked", "op": "exists"}},
            },
            {
                "id": "s1",
                "type": "split",
                "params": {
                    "branches": [{"label": "A", "percent": 50}, {"label": "B", "percent": 50}]
                },
            },
            {
                "id": "a1",
                "type": "action",
                "params": {
                    "kind": "create_voucher",
                    "discount_type": "percent",
                    "value": 10,
                    "valid_days": 7,
                    "channel": "default-channel",
                },
            },
            {"id": "x", "type": "exit"},
        ],
        "edges": [
            {"source": "trigger", "target": "w1", "label": "next"},
            {"source": "w1", "target": "e1", "label": "next"},
            {"source": "e1", "target": "w2", "label": "next"},
            {"source": "w2", "target": "c1", "label": "event"},
            {"source": "w2", "target": "x", "label": "timeout"},
            {"source": "c1", "target": "s1", "label": "yes"},
            {"source": "c1", "target": "x", "label": "no"},
            {"source": "s1", "target": "a1", "label": "A"},
            {"source": "s1", "target": "x", "label": "B"},
            {"source": "a1", "target": "x", "label": "next"},
        ],
    }


def node_of(graph: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(node for node in graph["nodes"] if node["id"] == node_id)


def edge_of(graph: dict[str, Any], source: str, label: str) -> dict[str, Any]:
    return next(e for e in graph["edges"] if e["source"] == source and e["label"] == label)


def add_node(graph: dict[str, Any], node_id: str, node_type: str, params=None) -> None:
    graph["nodes"].append({"id": node_id, "type": node_type, "params": params or {}})


def add_edge(graph: dict[str, Any], source: str, target: str, label: str = "next") -> None:
    graph["edges"].append({"source": source, "target": target, "label": label})


def test_the_base_graph_parses() -> None:
    data = base()
    assert validate_graph(data) == []
    graph = parse_graph(data)
    assert graph.schema_version == 1
    assert graph.trigger.id == "trigger"
    assert list(graph.nodes) == ["trigger", "w1", "e1", "w2", "c1", "s1", "a1", "x"]
    assert graph.nodes["c1"].name == "Clicked?"
    assert graph.nodes["w1"].params.delay == timedelta(minutes=60)
    assert len(graph.edges) == 10


def test_graph_navigation() -> None:
    graph = parse_graph(base())
    assert graph.target("c1", "yes") == "s1"
    assert graph.target("c1", "maybe") is None
    assert graph.target("nowhere", "next") is None
    assert dict(graph.outgoing("w2")) == {"event": "c1", "timeout": "x"}
    assert dict(graph.outgoing("x")) == {}
    assert graph.upstream("a1") == {"trigger", "w1", "e1", "w2", "c1", "s1"}
    assert graph.upstream("trigger") == set()
    with pytest.raises(TypeError):
        graph.nodes["new"] = graph.trigger  # type: ignore[index]


def test_upstream_includes_the_node_itself_on_a_loop() -> None:
    data = base()
    edge_of(data, "c1", "no")["target"] = "w1"  # back through a duration wait: allowed
    graph = parse_graph(data)
    assert "c1" in graph.upstream("c1")


def test_node_types_match_the_registry() -> None:
    assert set(NodeType.ALL) == set(REGISTRY)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation setting node params: "w1.minutes" -> node w1's params["minutes"]."""
    node_id, key = path.split(".")

    def mutate(graph: dict[str, Any]) -> None:
        node_of(graph, node_id)["params"][key] = value

    return mutate


def _replace(**top: Any) -> Callable[[dict[str, Any]], None]:
    return lambda graph: graph.update(top)


def _duplicate_id(graph):
    node_of(graph, "s1")["id"] = "w1"


def _second_trigger(graph):
    add_node(graph, "t2", "trigger", {"event": "customer_created"})
    add_edge(graph, "t2", "x")


def _loop_without_wait(graph):
    # c1 -no-> e1 -> w2 -event-> c1: an until_event wait may go on at once, so it spins.
    edge_of(graph, "c1", "no")["target"] = "e1"


def _wait_on_a_condition(graph):
    node_of(graph, "w2")["params"]["node"] = "c1"


def _wait_on_a_later_send(graph):
    add_node(graph, "e2", "send_email", {"message": {}})
    edge_of(graph, "a1", "next")["target"] = "e2"
    add_edge(graph, "e2", "x")
    node_of(graph, "w2")["params"]["node"] = "e2"


def _opened_on_sms(graph):
    node_of(graph, "e1")["type"] = "send_sms"


def _predicate_on_a_later_send(graph):
    node_of(graph, "c1")["params"]["predicate"] = {"field": "message.a1.clicked", "op": "exists"}


def _orphan(graph):
    add_node(graph, "orphan", "exit")


def _edge_into_trigger(graph):
    add_edge(graph, "x", "trigger")


def _edge_to_nowhere(graph):
    edge_of(graph, "e1", "next")["target"] = "ghost"


def _edge_from_nowhere(graph):
    add_edge(graph, "ghost", "x")


def _wrong_label(graph):
    edge_of(graph, "c1", "no")["label"] = "next"


def _duplicate_label(graph):
    add_edge(graph, "c1", "a1", "yes")


def _missing_label(graph):
    graph["edges"].remove(edge_of(graph, "c1", "no"))


def _split_missing_branch_edge(graph):
    graph["edges"].remove(edge_of(graph, "s1", "B"))


def _timeout_edge_missing(graph):
    graph["edges"].remove(edge_of(graph, "w2", "timeout"))


def _anchor_wait_needs_timeout_edge(graph):
    node_of(graph, "w1")["params"] = {"mode": "duration", "days": 1}
    add_node(
        graph,
        "w3",
        "wait",
        {"mode": "duration", "days": 2, "from": "clicked", "node": "e1", "timeout_days": 7},
    )
    edge_of(graph, "a1", "next")["target"] = "w3"
    add_edge(graph, "w3", "x")


def _exit_with_edge(graph):
    add_node(graph, "x2", "exit")
    add_edge(graph, "x", "x2")


def _edge_without_label(graph):
    del edge_of(graph, "a1", "next")["label"]


def _too_many_nodes(graph):
    graph["nodes"].extend({"id": f"n{i}", "type": "exit"} for i in range(500))


INVALID = [
    # (case, mutation, expected (node id, field, message fragment))
    ("not an object", lambda g: g.clear() or g.update(nodes=3), (None, "nodes", "must be a list")),
    ("no schema version", lambda g: g.pop("schema_version"), (None, "schema_version", "be 1")),
    ("schema version 2", _replace(schema_version=2), (None, "schema_version", "must be 1")),
    ("schema version true", _replace(schema_version=True), (None, "schema_version", "be 1")),
    ("unknown top-level key", _replace(layout={}), (None, "layout", "not allowed")),
    ("edges not a list", _replace(edges={}), (None, "edges", "must be a list")),
    ("too many nodes", _too_many_nodes, (None, "nodes", "at most 500")),
    ("duplicate id", _duplicate_id, ("w1", "id", "same id")),
    ("bad id", lambda g: node_of(g, "x").update(id="x y"), (None, "nodes[7].id", "1-64")),
    ("node not an object", lambda g: g["nodes"].append(1), (None, "nodes[8]", "an object")),
    ("unknown type", lambda g: node_of(g, "x").update(type="stop"), ("x", "type", "one of")),
    ("unknown node key", lambda g: node_of(g, "x").update(x=1), ("x", "x", "not allowed")),
    ("long name", lambda g: node_of(g, "x").update(name="n" * 201), ("x", "name", "at most")),
    ("params not object", lambda g: node_of(g, "x").update(params=[]), ("x", "params", "object")),
    ("unknown param", _set("w1.bogus", 1), ("w1", "params.bogus", "not allowed")),
    ("bad wait param", _set("w1.minutes", -5), ("w1", "params.minutes", "between 0")),
    ("bad trigger param", _set("trigger.idle_minutes", 0), ("trigger", "params.idle_minutes", "")),
    ("no trigger", lambda g: node_of(g, "trigger").update(type="exit"), (None, "nodes", "trigger")),
    ("two triggers", _second_trigger, ("t2", "type", "only one trigger")),
    ("edge to nowhere", _edge_to_nowhere, ("e1", "edges[2].target", "no node 'ghost'")),
    ("edge from nowhere", _edge_from_nowhere, (None, "edges[10].source", "no node 'ghost'")),
    ("edge into trigger", _edge_into_trigger, ("trigger", "edges[10]", "incoming")),
    ("edge without label", _edge_without_label, ("a1", "edges[9].label", "required")),
    ("label of another type", _wrong_label, ("c1", "edges[6].label", "one of yes, no")),
    ("duplicate label", _duplicate_label, ("c1", "edges[10].label", "already leaves c1")),
    ("missing label", _missing_label, ("c1", "edges", "labelled 'no'")),
    ("missing branch edge", _split_missing_branch_edge, ("s1", "edges", "labelled 'B'")),
    ("missing timeout edge", _timeout_edge_missing, ("w2", "edges", "labelled 'timeout'")),
    ("anchor wait timeout", _anchor_wait_needs_timeout_edge, ("w3", "edges", "'timeout'")),
    ("exit with an edge", _exit_with_edge, ("x", "edges[10]", "no outgoing edges")),
    ("unreachable", _orphan, ("orphan", "node", "cannot be reached")),
    ("loop without wait", _loop_without_wait, ("c1", "edges", "c1, e1, w2 would never pause")),
    ("wait on a condition", _wait_on_a_condition, ("w2", "params.node", "send node")),
    ("wait on a later send", _wait_on_a_later_send, ("w2", "params.node", "not upstream")),
    ("opened on sms", _opened_on_sms, ("w2", "params.node", "email only")),
    ("predicate on non-send", _predicate_on_a_later_send, ("c1", "params.predicate", "send")),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID]
)
def test_invalid_graphs(mutate, expected) -> None:
    data = base()
    mutate(data)
    issues = validate_graph(data)
    node_id, field, fragment = expected
    matching = [i for i in issues if i.node_id == node_id and i.field == field]
    assert matching, issues
    assert any(fragment in issue.message for issue in matching), matching
    with pytest.raises(DefinitionError) as raised:
        parse_graph(data)
    assert raised.value.issues == issues


@pytest.mark.parametrize("data", [None, [], "graph", 3])
def test_not_an_object(data) -> None:
    assert any(i.field == "" and "object" in i.message for i in validate_graph(data))


def test_every_issue_is_reported_not_just_the_first() -> None:
    data = base()
    for mutate in (_duplicate_id, _orphan, _wrong_label, _set("w1.minutes", "soon")):
        mutate(data)
    found = {(issue.node_id, issue.field) for issue in validate_graph(data)}
    assert {("w1", "id"), ("orphan", "node"), ("c1", "edges[6].label")} <= found
    assert ("w1", "params.minutes") in found


def test_a_node_with_bad_params_is_reported_once() -> None:
    # Its edges are not judged against params that could not be read.
    data = base()
    node_of(data, "s1")["params"]["branches"] = "half and half"
    issues = validate_graph(data)
    assert [(i.node_id, i.field) for i in issues] == [("s1", "params.branches")]


def test_loops_through_a_time_passing_wait_are_fine() -> None:
    data = base()
    edge_of(data, "c1", "no")["target"] = "w1"
    assert validate_graph(data) == []
    node_of(data, "w1")["params"] = {"mode": "until_time", "time": "09:00"}
    assert validate_graph(data) == []


def test_a_wait_measured_from_a_message_does_not_break_a_loop() -> None:
    data = base()
    node_of(data, "w1")["params"] = {
        "mode": "duration",
        "days": 1,
        "from": "delivered",
        "node": "e1",
        "timeout_days": 3,
    }
    add_edge(data, "w1", "x", "timeout")
    edge_of(data, "c1", "no")["target"] = "w1"  # w1 -> e1 -> w2 -> c1 -> w1
    issues = validate_graph(data)
    assert [(i.node_id, i.field) for i in issues] == [("c1", "edges")]


def test_defaults_and_optional_keys() -> None:
    data = base()
    node_of(data, "x").pop("params", None)
    node_of(data, "trigger")["params"] = {"event": "checkout_abandoned"}
    graph = parse_graph(data)
    assert graph.trigger.params.idle_minutes == 60
    assert graph.nodes["e1"].params.marketing is True
    assert graph.nodes["e1"].params.outside_window == "defer"


def test_parse_does_not_keep_references_to_the_input() -> None:
    data = base()
    graph = parse_graph(copy.deepcopy(data))
    data["nodes"].clear()
    assert len(graph.nodes) == 8


# Settings


def test_settings_defaults() -> None:
    for data in (None, {}):
        settings = parse_settings(data)
        assert settings == FlowSettings()
    settings = FlowSettings()
    assert settings.reentry == Reentry.ONCE
    assert settings.frequency_cap is True
    assert settings.priority == Priority.DEFAULT == 50
    assert settings.holdout_percent == 0
    assert (Priority.CHECKOUT_RECOVERY, Priority.BROWSE, Priority.NEWSLETTER) == (10, 50, 90)


def test_full_settings() -> None:
    settings = parse_settings(
        {
            "entry_filter": {"field": "contact.country", "op": "in", "value": ["FR", "BE"]},
            "reentry": "once_per_days",
            "reentry_days": 30,
            "goals": [{"event": "order_placed"}, {"event": "checkout_converted", "ends": False}],
            "quiet_hours": {"start": "21:00", "end": "08:00"},
            "send_window": {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "20:00"},
            "frequency_cap": False,
            "active_from": "2026-01-01T00:00:00Z",
            "active_until": "2026-12-31T23:00:00+01:00",
            "holdout_percent": 10,
            "priority": Priority.CHECKOUT_RECOVERY,
        }
    )
    assert settings.entry_filter == {"field": "contact.country", "op": "in", "value": ["FR", "BE"]}
    assert (settings.reentry, settings.reentry_days) == ("once_per_days", 30)
    assert settings.goals == (Goal("order_placed", True), Goal("checkout_converted", False))
    assert settings.quiet_hours == QuietHours(time(21), time(8))
    assert settings.send_window == SendWindow(frozenset(range(5)), time(9), time(20))
    assert settings.frequency_cap is False
    assert settings.active_from == datetime(2026, 1, 1, tzinfo=UTC)
    assert settings.active_until == datetime(2026, 12, 31, 22, tzinfo=UTC)
    assert (settings.holdout_percent, settings.priority) == (10, 10)


def test_null_means_absent() -> None:
    data = {
        "entry_filter": None,
        "quiet_hours": None,
        "send_window": None,
        "goals": None,
        "active_from": None,
        "active_until": None,
        "priority": None,
    }
    assert validate_settings(data) == []
    assert parse_settings(data) == FlowSettings()


def test_send_window_days_default_to_every_day() -> None:
    settings = parse_settings({"send_window": {"start": "09:00", "end": "20:00"}})
    assert settings.send_window is not None
    assert settings.send_window.days == frozenset(range(7))


INVALID_SETTINGS = [
    ("not an object", [], ("", "must be an object")),
    ("unknown key", {"timezone": "UTC"}, ("timezone", "not allowed")),
    (
        "filter on messages",
        {"entry_filter": {"field": "message.e1.opened", "op": "exists"}},
        (
            "entry_filter",
            "cannot be used here",
        ),
    ),
    (
        "bad filter",
        {"entry_filter": {"field": "contact.country", "op": "is"}},
        ("entry_filter", "op"),
    ),
    ("reentry", {"reentry": "twice"}, ("reentry", "must be one of")),
    ("reentry days missing", {"reentry": "once_per_days"}, ("reentry_days", "required")),
    ("reentry days stray", {"reentry_days": 3}, ("reentry_days", "not allowed")),
    ("goals not a list", {"goals": {"event": "order_placed"}}, ("goals", "list")),
    ("goal event", {"goals": [{"event": "order_cancelled"}]}, ("goals[0].event", "one of")),
    ("goal twice", {"goals": [{"event": "order_paid"}] * 2}, ("goals[1].event", "already")),
    ("quiet clock", {"quiet_hours": {"start": "25:00", "end": "08:00"}}, ("quiet_hours.start", "")),
    (
        "quiet 9pm",
        {"quiet_hours": {"start": "9pm", "end": "08:00"}},
        ("quiet_hours.start", "HH:MM"),
    ),
    ("quiet end missing", {"quiet_hours": {"start": "21:00"}}, ("quiet_hours.end", "required")),
    ("quiet empty", {"quiet_hours": {"start": "21:00", "end": "21:00"}}, ("quiet_hours.end", "")),
    (
        "window days",
        {"send_window": {"days": [7], "start": "09:00", "end": "17:00"}},
        (
            "send_window.days",
            "0 (Monday)",
        ),
    ),
    (
        "window days empty",
        {"send_window": {"days": [], "start": "09:00", "end": "17:00"}},
        (
            "send_window.days",
            "non-empty",
        ),
    ),
    (
        "window inside quiet",
        {
            "quiet_hours": {"start": "08:00", "end": "22:00"},
            "send_window": {"days": [0], "start": "09:00", "end": "20:00"},
        },
        ("send_window", "inside quiet hours"),
    ),
    ("cap flag", {"frequency_cap": "yes"}, ("frequency_cap", "true or false")),
    ("naive datetime", {"active_from": "2026-01-01T00:00:00"}, ("active_from", "UTC offset")),
    ("not a datetime", {"active_until": "soon"}, ("active_until", "ISO 8601")),
    (
        "until before from",
        {
            "active_from": "2026-02-01T00:00:00Z",
            "active_until": "2026-01-01T00:00:00Z",
        },
        ("active_until", "after active_from"),
    ),
    ("holdout", {"holdout_percent": 51}, ("holdout_percent", "between 0 and 50")),
    ("holdout float", {"holdout_percent": 5.5}, ("holdout_percent", "whole number")),
    ("priority", {"priority": -1}, ("priority", "between 0 and 100")),
]


@pytest.mark.parametrize(
    ("data", "expected"),
    [case[1:] for case in INVALID_SETTINGS],
    ids=[case[0] for case in INVALID_SETTINGS],
)
def test_invalid_settings(data, expected) -> None:
    issues = validate_settings(data)
    field, fragment = expected
    assert any(i.field == field and fragment in i.message for i in issues), issues
    assert all(issue.node_id is None for issue in issues)
    with pytest.raises(DefinitionError):
        parse_settings(data)


def test_active_range() -> None:
    settings = parse_settings(
        {"active_from": "2026-06-01T00:00:00Z", "active_until": "2026-07-01T00:00:00Z"}
    )
    assert not settings.is_active(datetime(2026, 5, 31, 23, 59, tzinfo=UTC))
    assert settings.is_active(datetime(2026, 6, 1, tzinfo=UTC))
    assert not settings.is_active(datetime(2026, 7, 1, tzinfo=UTC))
    assert FlowSettings().is_active(NOW)


@pytest.mark.parametrize(
    ("data", "previous", "allowed"),
    [
        ({}, None, True),
        ({}, NOW - timedelta(days=900), False),
        ({"reentry": "always"}, NOW - timedelta(minutes=1), True),
        ({"reentry": "once_per_days", "reentry_days": 30}, NOW - timedelta(days=29), False),
        ({"reentry": "once_per_days", "reentry_days": 30}, NOW - timedelta(days=30), True),
    ],
)
def test_reentry(data, previous, allowed) -> None:
    assert parse_settings(data).allows_reentry(previous, NOW) is allowed


def test_goal_lookup() -> None:
    settings = parse_settings({"goals": [{"event": "order_placed"}]})
    assert settings.goal("order_placed") == Goal("order_placed", True)
    assert settings.goal("order_paid") is None
