/* The flow graph document <-> the React Flow nodes and edges the builder edits, and the
edits themselves. Pure: no React, no network. The document's rules live on the server
(flows/definition.py); here only what the editor needs to draw handles and keep edges
consistent with the params that name them. */

import type { Edge, Node } from "@xyflow/react";

import { autoLayout } from "./layout";
import {
  type DocEdge,
  type DocNode,
  type FlowSettingsDoc,
  type GraphDocument,
  NODE_KINDS,
  type NodeKind,
  type Params,
  SCHEMA_VERSION,
  type XY,
} from "./types";

export interface FlowNodeData extends Record<string, unknown> {
  kind: NodeKind;
  name: string;
  params: Params;
}

export type FlowNode = Node<FlowNodeData, "flow">;
export type FlowEdge = Edge<Record<string, unknown>>;

/* The builder's state: React Flow's own shapes, so the canvas needs no translation on
every render; converted to the document on save. */
export interface Draft {
  nodes: FlowNode[];
  edges: FlowEdge[];
  settings: FlowSettingsDoc;
}

export class DocumentError extends Error {}

export const KIND_TITLES: Record<NodeKind, string> = {
  trigger: "Trigger",
  wait: "Wait",
  send_email: "Send email",
  send_sms: "Send SMS",
  condition: "Condition",
  split: "A/B split",
  action: "Action",
  exit: "Exit",
};

export const KIND_HINTS: Record<NodeKind, string> = {
  trigger: "Where the flow starts: the event that enrolls a contact",
  wait: "A delay, a local time of day, or an event with a timeout",
  send_email: "An email, per language, with a live preview",
  send_sms: "A text message; segments counted as you type",
  condition: "Yes / no on the contact, the trigger's data or a message event",
  split: "Random branches by percentage",
  action: "Voucher, metadata, customer group or webhook",
  exit: "The enrollment ends here",
};

/* Params a node starts with when dropped from the palette: the smallest valid-looking
shape of each kind, so the inspector has every field to show. */
export function defaultParams(kind: NodeKind): Params {
  switch (kind) {
    case "trigger":
      return { event: "checkout_abandoned", idle_minutes: 60 };
    case "wait":
      return { mode: "duration", hours: 1 };
    case "send_email":
      return {
        message: {
          default_language: "en",
          variants: { en: { subject: "", preheader: "", mjml: "" } },
        },
        marketing: true,
      };
    case "send_sms":
      return { message: { default_language: "en", variants: { en: { text: "" } } }, marketing: true };
    case "condition":
      return { predicate: { all: [{ field: "contact.order_count", op: "gt", value: 0 }] } };
    case "split":
      return {
        branches: [
          { label: "A", percent: 50 },
          { label: "B", percent: 50 },
        ],
      };
    case "action":
      return { kind: "add_to_group", group: "" };
    case "exit":
      return {};
  }
}

/* The labels of a node's outgoing edges (its source handles), as the server requires them
(definition.py, nodes/*.labels). */
export function outputLabels(kind: NodeKind, params: Params): string[] {
  switch (kind) {
    case "exit":
      return [];
    case "condition":
      return ["yes", "no"];
    case "split": {
      const branches = Array.isArray(params.branches) ? params.branches : [];
      const labels = branches
        .map((branch) => (isRecord(branch) && typeof branch.label === "string" ? branch.label : ""))
        .filter((label) => label !== "");
      return [...new Set(labels)];
    }
    case "wait":
      if (params.mode === "until_event") return ["event", "timeout"];
      if (params.mode === "duration" && typeof params.from === "string" && params.from !== "entry") {
        return ["next", "timeout"];
      }
      return ["next"];
    default:
      return ["next"];
  }
}

export function hasInput(kind: NodeKind): boolean {
  return kind !== "trigger";
}

export function isNodeKind(value: unknown): value is NodeKind {
  return typeof value === "string" && (NODE_KINDS as readonly string[]).includes(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function edgeId(edge: DocEdge): string {
  return `${edge.source}:${edge.label}->${edge.target}`;
}

/* The document a FlowVersion stores -> the builder's nodes and edges. `positions` keeps
where the operator left nodes; missing ones are laid out (`rowHeight` apart: taller nodes,
such as the stats page's, need more). Throws DocumentError on a
document that is not a graph at all (the server never stores one). */
export function fromDocument(
  graph: unknown,
  settings: unknown,
  positions: Record<string, XY> = {},
  rowHeight?: number,
): Draft {
  const doc = readDocument(graph);
  const layout = autoLayout(doc, rowHeight);
  const nodes: FlowNode[] = doc.nodes.map((node) => ({
    id: node.id,
    type: "flow",
    position: positions[node.id] ?? layout[node.id] ?? { x: 0, y: 0 },
    data: { kind: node.type, name: node.name ?? "", params: node.params },
  }));
  const edges: FlowEdge[] = doc.edges.map(toFlowEdge);
  return { nodes, edges, settings: isRecord(settings) ? settings : {} };
}

export function toFlowEdge(edge: DocEdge): FlowEdge {
  return {
    id: edgeId(edge),
    source: edge.source,
    target: edge.target,
    sourceHandle: edge.label,
    label: edge.label === "next" ? undefined : edge.label,
  };
}

/* The builder's nodes and edges -> the document flowDraftSave takes. Order is kept, and
"name" is written only when set, so a document read and written back is unchanged. */
export function toDocument(draft: Pick<Draft, "nodes" | "edges">): GraphDocument {
  const nodes: DocNode[] = draft.nodes.map((node) => {
    const out: DocNode = { id: node.id, type: node.data.kind, params: node.data.params };
    if (node.data.name) out.name = node.data.name;
    return out;
  });
  const edges: DocEdge[] = draft.edges.map((edge) => ({
    source: edge.source,
    target: edge.target,
    label: edge.sourceHandle ?? "next",
  }));
  return { schema_version: SCHEMA_VERSION, nodes, edges };
}

export function positionsOf(draft: Pick<Draft, "nodes">): Record<string, XY> {
  return Object.fromEntries(draft.nodes.map((node) => [node.id, node.position]));
}

function readDocument(graph: unknown): GraphDocument {
  if (!isRecord(graph)) throw new DocumentError("The flow graph is not an object.");
  const nodes = Array.isArray(graph.nodes) ? graph.nodes : [];
  const edges = Array.isArray(graph.edges) ? graph.edges : [];
  return {
    schema_version: typeof graph.schema_version === "number" ? graph.schema_version : SCHEMA_VERSION,
    nodes: nodes.map((raw, index) => {
      if (!isRecord(raw) || typeof raw.id !== "string" || !isNodeKind(raw.type)) {
        throw new DocumentError(`Node ${index + 1} has no id or an unknown type.`);
      }
      const node: DocNode = { id: raw.id, type: raw.type, params: isRecord(raw.params) ? raw.params : {} };
      if (typeof raw.name === "string" && raw.name) node.name = raw.name;
      return node;
    }),
    edges: edges.map((raw, index) => {
      if (!isRecord(raw) || typeof raw.source !== "string" || typeof raw.target !== "string") {
        throw new DocumentError(`Edge ${index + 1} has no source or target.`);
      }
      return { source: raw.source, target: raw.target, label: typeof raw.label === "string" ? raw.label : "next" };
    }),
  };
}

/* A node id for a new node of `kind`: "wait_3", the first number not taken. */
export function newNodeId(kind: NodeKind, taken: Iterable<string>): string {
  const ids = new Set(taken);
  if (kind === "trigger" && !ids.has("trigger")) return "trigger";
  if (kind === "exit" && !ids.has("exit")) return "exit";
  let n = 1;
  while (ids.has(`${kind}_${n}`)) n += 1;
  return `${kind}_${n}`;
}

export function addNode(draft: Draft, kind: NodeKind, position: XY): { draft: Draft; id: string } {
  const id = newNodeId(
    kind,
    draft.nodes.map((node) => node.id),
  );
  const node: FlowNode = { id, type: "flow", position, data: { kind, name: "", params: defaultParams(kind) } };
  return { draft: { ...draft, nodes: [...draft.nodes, node] }, id };
}

export function moveNode(draft: Draft, id: string, position: XY): Draft {
  return {
    ...draft,
    nodes: draft.nodes.map((node) => (node.id === id ? { ...node, position } : node)),
  };
}

export function removeElements(draft: Draft, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): Draft {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const keptNodes = draft.nodes.filter((node) => !nodes.has(node.id));
  const keptEdges = draft.edges.filter(
    (edge) => !edges.has(edge.id) && !nodes.has(edge.source) && !nodes.has(edge.target),
  );
  // The same object when nothing goes, so the history records no empty step.
  if (keptNodes.length === draft.nodes.length && keptEdges.length === draft.edges.length) return draft;
  return { ...draft, nodes: keptNodes, edges: keptEdges };
}

export interface Connection {
  source: string;
  sourceHandle: string | null;
  target: string;
}

/* Why an edge cannot be drawn, or null when it can. */
export function connectionProblem(draft: Draft, connection: Connection): string | null {
  const source = draft.nodes.find((node) => node.id === connection.source);
  const target = draft.nodes.find((node) => node.id === connection.target);
  if (!source || !target) return "Both ends must be nodes of the flow.";
  if (!hasInput(target.data.kind)) return "Nothing can lead into the trigger.";
  const labels = outputLabels(source.data.kind, source.data.params);
  const label = connection.sourceHandle ?? labels[0];
  if (!label || !labels.includes(label)) return `${KIND_TITLES[source.data.kind]} has no output "${label ?? ""}".`;
  return null;
}

/* Draw an edge; an output leads to one node, so an edge already leaving the same handle is
replaced. Throws DocumentError for an edge the graph cannot have. */
export function connect(draft: Draft, connection: Connection): Draft {
  const problem = connectionProblem(draft, connection);
  if (problem) throw new DocumentError(problem);
  const source = draft.nodes.find((node) => node.id === connection.source) as FlowNode;
  const label = connection.sourceHandle ?? outputLabels(source.data.kind, source.data.params)[0];
  const edge = toFlowEdge({ source: connection.source, target: connection.target, label });
  const kept = draft.edges.filter(
    (other) => !(other.source === connection.source && (other.sourceHandle ?? "next") === label),
  );
  return { ...draft, edges: [...kept, edge] };
}

/* Change a node's params or name. Edges follow: a split branch renamed in place keeps its
edge under the new label, and an edge whose label the node no longer has is dropped (it
would be refused on save with no handle left to fix it from). */
export function updateNode(draft: Draft, id: string, change: { params?: Params; name?: string }): Draft {
  const current = draft.nodes.find((node) => node.id === id);
  if (!current) return draft;
  const params = change.params ?? current.data.params;
  const renamed = renamedLabels(current.data.kind, current.data.params, params);
  const labels = new Set(outputLabels(current.data.kind, params));
  const nodes = draft.nodes.map((node) =>
    node.id === id ? { ...node, data: { ...node.data, params, name: change.name ?? node.data.name } } : node,
  );
  const edges = draft.edges
    .map((edge) => {
      const label = edge.sourceHandle ?? "next";
      if (edge.source !== id || !renamed.has(label)) return edge;
      return toFlowEdge({ source: edge.source, target: edge.target, label: renamed.get(label) as string });
    })
    .filter((edge) => edge.source !== id || labels.has(edge.sourceHandle ?? "next"));
  return { ...draft, nodes, edges };
}

function renamedLabels(kind: NodeKind, before: Params, after: Params): Map<string, string> {
  const renamed = new Map<string, string>();
  if (kind !== "split") return renamed;
  const old = Array.isArray(before.branches) ? before.branches : [];
  const next = Array.isArray(after.branches) ? after.branches : [];
  if (old.length !== next.length) return renamed;
  old.forEach((branch, index) => {
    const other = next[index];
    if (isRecord(branch) && isRecord(other) && typeof branch.label === "string" && typeof other.label === "string" && branch.label !== other.label && other.label) {
      renamed.set(branch.label, other.label);
    }
  });
  return renamed;
}

export function updateSettings(draft: Draft, settings: FlowSettingsDoc): Draft {
  return { ...draft, settings };
}

/* Send nodes upstream of `id` (what a wait or a message condition may refer to), in
document order. */
export function upstreamSends(draft: Pick<Draft, "nodes" | "edges">, id: string, channels: NodeKind[] = ["send_email", "send_sms"]): FlowNode[] {
  const incoming = new Map<string, string[]>();
  for (const edge of draft.edges) {
    incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge.source]);
  }
  const seen = new Set<string>();
  const stack = [...(incoming.get(id) ?? [])];
  while (stack.length) {
    const current = stack.pop() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    stack.push(...(incoming.get(current) ?? []));
  }
  return draft.nodes.filter((node) => seen.has(node.id) && channels.includes(node.data.kind));
}

/* Point a node's output at `target`, or disconnect it (null): the form twin of drawing an
edge, for the keyboard and for screens too narrow to drag handles on. */
export function setOutput(draft: Draft, source: string, label: string, target: string | null): Draft {
  if (target !== null) return connect(draft, { source, sourceHandle: label, target });
  return {
    ...draft,
    edges: draft.edges.filter((edge) => !(edge.source === source && (edge.sourceHandle ?? "next") === label)),
  };
}

/* Where each of a node's outputs leads now (label -> target id, or null). */
export function outputsOf(draft: Pick<Draft, "nodes" | "edges">, id: string): { label: string; target: string | null }[] {
  const node = draft.nodes.find((n) => n.id === id);
  if (!node) return [];
  return outputLabels(node.data.kind, node.data.params).map((label) => ({
    label,
    target: draft.edges.find((edge) => edge.source === id && (edge.sourceHandle ?? "next") === label)?.target ?? null,
  }));
}
