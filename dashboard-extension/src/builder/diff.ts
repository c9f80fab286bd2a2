/* What activating the draft changes, for the confirmation dialog. The app has no preview
of this, so it is computed here from the two documents and the live waiting counts.

What activation does (flows/services/flows.py flow_activate): the draft becomes the live
version, the old one is retired, and enrollments already running stay on the version they
entered until they finish. So a removed or changed node still serves the contacts waiting
in it; only new entries see the new graph. */

import type { DocNode, FlowSettingsDoc, GraphDocument } from "./types";

export interface NodeChange {
  id: string;
  kind: string;
  waiting: number; // enrollments of the current version waiting at this node now
}

export interface ActivationChanges {
  firstActivation: boolean;
  added: NodeChange[];
  removed: NodeChange[];
  changed: NodeChange[]; // params, name, type or outgoing edges differ
  settings: string[]; // settings keys whose value differs
  running: number; // enrollments waiting anywhere in the current version
  unchanged: boolean;
}

/* JSON with sorted keys, so two equal documents compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function outgoing(graph: GraphDocument, id: string): string {
  const edges = graph.edges
    .filter((edge) => edge.source === id)
    .map((edge) => `${edge.label}->${edge.target}`)
    .sort();
  return edges.join("|");
}

function nodeKey(node: DocNode): string {
  return stableJson({ type: node.type, name: node.name ?? "", params: node.params });
}

export function activationChanges(
  active: { graph: GraphDocument; settings: FlowSettingsDoc } | null,
  draft: { graph: GraphDocument; settings: FlowSettingsDoc },
  waiting: Record<string, number> = {},
): ActivationChanges {
  const count = (id: string) => waiting[id] ?? 0;
  if (active === null) {
    return {
      firstActivation: true,
      added: draft.graph.nodes.map((node) => ({ id: node.id, kind: node.type, waiting: 0 })),
      removed: [],
      changed: [],
      settings: [],
      running: 0,
      unchanged: false,
    };
  }
  const before = new Map(active.graph.nodes.map((node) => [node.id, node]));
  const after = new Map(draft.graph.nodes.map((node) => [node.id, node]));
  const added: NodeChange[] = [];
  const changed: NodeChange[] = [];
  for (const node of draft.graph.nodes) {
    const old = before.get(node.id);
    if (!old) {
      added.push({ id: node.id, kind: node.type, waiting: 0 });
    } else if (nodeKey(old) !== nodeKey(node) || outgoing(active.graph, node.id) !== outgoing(draft.graph, node.id)) {
      changed.push({ id: node.id, kind: node.type, waiting: count(node.id) });
    }
  }
  const removed = active.graph.nodes
    .filter((node) => !after.has(node.id))
    .map((node) => ({ id: node.id, kind: node.type, waiting: count(node.id) }));
  const keys = [...new Set([...Object.keys(active.settings), ...Object.keys(draft.settings)])].sort();
  const settings = keys.filter((key) => stableJson(active.settings[key]) !== stableJson(draft.settings[key]));
  const running = active.graph.nodes.reduce((sum, node) => sum + count(node.id), 0);
  return {
    firstActivation: false,
    added,
    removed,
    changed,
    settings,
    running,
    unchanged: !added.length && !removed.length && !changed.length && !settings.length,
  };
}
