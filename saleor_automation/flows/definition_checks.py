"""The structural checks behind definition.parse_graph / validate_graph: nodes, edges and
their labels, one trigger, reachability, loops that would spin, and message references.
Kept apart from definition.py (the types and the documented format) only for size.
"""

import re
from collections.abc import Mapping
from typing import Any

from .context import MessageEvent
from .definition import (
    SCHEMA_VERSION,
    DefinitionIssue,
    Edge,
    FlowGraph,
    Node,
    NodeType,
    ParamReader,
    walk,
)
from .nodes import REGISTRY, NodeSpec
from .nodes.params import MessageRef

NODE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_NODES = 500  # keeps validation (quadratic in the worst case) cheap on every save


def build_graph(data: Any) -> tuple[FlowGraph | None, list[DefinitionIssue]]:
    """The graph (None when there are issues) and every issue; see definition.py."""
    if not isinstance(data, Mapping):
        return None, [DefinitionIssue(None, "", "must be an object")]
    issues: list[DefinitionIssue] = []
    top = ParamReader(data, issues, node_id=None, prefix="")
    version = top.raw("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        top.issue("schema_version", f"must be {SCHEMA_VERSION}")
    raw_nodes, raw_edges = top.raw("nodes", []), top.raw("edges", [])
    for key, value in (("nodes", raw_nodes), ("edges", raw_edges)):
        if not isinstance(value, list):
            top.issue(key, "must be a list")
    top.finish()
    raw_nodes = raw_nodes if isinstance(raw_nodes, list) else []
    if len(raw_nodes) > MAX_NODES:
        top.issue("nodes", f"a flow has at most {MAX_NODES} nodes")
        raw_nodes = raw_nodes[:MAX_NODES]
    # Every node id seen goes in `types`, and nodes whose params have issues in `broken`,
    # so that one mistake is reported once rather than echoed by the edge checks.
    types: dict[str, str] = {}
    broken: set[str] = set()
    nodes: dict[str, Node] = {}
    for index, raw in enumerate(raw_nodes):
        node = _parse_node(raw, f"nodes[{index}]", types, broken, issues)
        if node is not None:
            nodes[node.id] = node
    raw_edges = raw_edges if isinstance(raw_edges, list) else []
    edges = _parse_edges(
        raw_edges, types, {k: v for k, v in nodes.items() if k not in broken}, issues
    )
    triggers = [node_id for node_id, kind in types.items() if kind == NodeType.TRIGGER]
    if not triggers:
        issues.append(DefinitionIssue(None, "nodes", "needs a trigger node"))
    for extra in triggers[1:]:
        issues.append(DefinitionIssue(extra, "type", "only one trigger node is allowed"))
    sound = {node_id: node for node_id, node in nodes.items() if node_id not in broken}
    for node in sound.values():
        present = {edge.label for edge in edges if edge.source == node.id}
        for label in _spec(node).labels(node.params):
            if label not in present:
                issues.append(
                    DefinitionIssue(node.id, "edges", f"needs an edge labelled '{label}'")
                )
    incoming: dict[str, set[str]] = {node_id: set() for node_id in types}
    for edge in edges:
        incoming[edge.target].add(edge.source)
    if triggers:
        _check_reachable(triggers[0], types, edges, issues)
    _check_loops(types, sound, edges, issues)
    _check_refs(types, sound, incoming, issues)
    if issues:
        return None, issues
    return FlowGraph(SCHEMA_VERSION, nodes, tuple(edges), nodes[triggers[0]]), issues


def _spec(node: Node) -> NodeSpec:
    return REGISTRY[node.type]


def _parse_node(
    raw: Any, where: str, types: dict[str, str], broken: set[str], issues: list[DefinitionIssue]
) -> Node | None:
    if not isinstance(raw, Mapping):
        issues.append(DefinitionIssue(None, where, "must be an object"))
        return None
    node_id = raw.get("id")
    if not isinstance(node_id, str) or not NODE_ID.fullmatch(node_id):
        issues.append(DefinitionIssue(None, f"{where}.id", "must be 1-64 of A-Z a-z 0-9 _ -"))
        return None
    if node_id in types:
        issues.append(DefinitionIssue(node_id, "id", "another node has the same id"))
        return None
    reader = ParamReader(raw, issues, node_id=node_id, prefix="")
    reader.raw("id")
    node_type = reader.string("type", choices=NodeType.ALL)
    name = reader.raw("name", "")
    if not isinstance(name, str) or len(name) > 200:
        reader.issue("name", "must be a string of at most 200 characters")
    types[node_id] = node_type
    spec = REGISTRY.get(node_type)
    if spec is None:
        reader.raw("params")
        reader.finish()
        return None
    params_reader = reader.child("params")
    before = len(issues)
    params = spec.parse_params(params_reader)
    params_reader.finish()
    reader.finish()
    node = Node(node_id, node_type, params, name if isinstance(name, str) else "")
    if len(issues) > before:
        broken.add(node_id)
    return node


def _parse_edges(
    raw_edges: list[Any],
    types: Mapping[str, str],
    sound: Mapping[str, Node],
    issues: list[DefinitionIssue],
) -> list[Edge]:
    """The usable edges; an issue for each one that is not."""
    edges: list[Edge] = []
    taken: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_edges):
        where = f"edges[{index}]"
        source = raw.get("source") if isinstance(raw, Mapping) else None
        owner = source if isinstance(source, str) and source in types else None
        before = len(issues)
        reader = ParamReader(raw, issues, node_id=owner, prefix=where)
        source, target = reader.string("source"), reader.string("target")
        label = reader.string("label", max_length=64)
        reader.finish()
        found: list[tuple[str | None, str, str]] = []  # (node id, field suffix, message)
        if source and source not in types:
            found.append((None, ".source", f"there is no node '{source}'"))
        if target and target not in types:
            found.append((owner, ".target", f"there is no node '{target}'"))
        elif target and types[target] == NodeType.TRIGGER:
            found.append((target, "", "the trigger cannot have incoming edges"))
        if source in sound and label:
            allowed = _spec(sound[source]).labels(sound[source].params)
            if not allowed:
                found.append((owner, "", f"{types[source]} nodes have no outgoing edges"))
            elif label not in allowed:
                found.append((owner, ".label", f"must be one of {', '.join(allowed)}"))
        if (source, label) in taken:
            found.append((owner, ".label", f"another edge already leaves {source} on '{label}'"))
        issues.extend(DefinitionIssue(node, f"{where}{field}", text) for node, field, text in found)
        if not found and len(issues) == before:
            taken.add((source, label))
            edges.append(Edge(source, target, label))
    return edges


def _check_reachable(
    start: str, types: Mapping[str, str], edges: list[Edge], issues: list[DefinitionIssue]
) -> None:
    reached = walk(start, _adjacency(edges)) | {start}
    for node_id in types:
        if node_id not in reached:
            issues.append(DefinitionIssue(node_id, "node", "cannot be reached from the trigger"))


def _check_loops(
    types: Mapping[str, str],
    sound: Mapping[str, Node],
    edges: list[Edge],
    issues: list[DefinitionIssue],
) -> None:
    """A loop must pass a node that always lets time pass, or the engine would spin."""
    timed = {
        node_id
        for node_id in types
        if node_id not in sound or _spec(sound[node_id]).lets_time_pass(sound[node_id].params)
    }
    instant = [edge for edge in edges if edge.source not in timed and edge.target not in timed]
    adjacency = _adjacency(instant)
    reach = {node_id: walk(node_id, adjacency) for node_id in adjacency}
    reported: set[str] = set()
    for node_id in sorted(reach):
        if node_id in reported or node_id not in reach[node_id]:
            continue
        loop = sorted(other for other in reach[node_id] if node_id in reach.get(other, ()))
        reported.update(loop)
        message = (
            f"the loop through {', '.join(loop)} would never pause: put a duration or "
            "until_time wait in it"
        )
        issues.append(DefinitionIssue(node_id, "edges", message))


def _check_refs(
    types: Mapping[str, str],
    sound: Mapping[str, Node],
    incoming: Mapping[str, set[str]],
    issues: list[DefinitionIssue],
) -> None:
    """Message references must name a send node upstream (opened: an email node)."""
    for node in sound.values():
        refs: list[MessageRef] = list(_spec(node).refs(node.params))
        if not refs:
            continue
        ancestors = walk(node.id, incoming)
        for ref in refs:
            kind = types.get(ref.node_id)
            if kind not in NodeType.SENDS:
                message = f"must name a send node; '{ref.node_id}' is not one"
            elif ref.node_id not in sound:
                continue  # that send node's own issues say what is wrong
            elif ref.kind in MessageEvent.EMAIL_ONLY and kind != NodeType.SEND_EMAIL:
                message = "opens are tracked for email only"
            elif ref.node_id not in ancestors:
                message = f"'{ref.node_id}' is not upstream of this node"
            else:
                continue
            issues.append(DefinitionIssue(node.id, ref.field, message))


def _adjacency(edges: list[Edge]) -> dict[str, set[str]]:
    adjacency: dict[str, set[str]] = {}
    for edge in edges:
        adjacency.setdefault(edge.source, set()).add(edge.target)
        adjacency.setdefault(edge.target, set())
    return adjacency
