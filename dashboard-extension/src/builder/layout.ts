/* Where nodes go when the document does not say (it never does: positions are the
editor's). Top to bottom by breadth-first depth from the trigger, each row centred, so a
chain reads downwards and a branch's arms sit side by side. Pure and deterministic. */

import type { GraphDocument, XY } from "./types";

export const COLUMN_WIDTH = 260;
export const ROW_HEIGHT = 140;

export function autoLayout(
  graph: Pick<GraphDocument, "nodes" | "edges">,
  rowHeight: number = ROW_HEIGHT,
): Record<string, XY> {
  const ids = graph.nodes.map((node) => node.id);
  const known = new Set(ids);
  const outgoing = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (!known.has(edge.source) || !known.has(edge.target)) continue;
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge.target]);
  }
  const depth = new Map<string, number>();
  const start = graph.nodes.find((node) => node.type === "trigger")?.id ?? ids[0];
  const queue: string[] = [];
  if (start !== undefined) {
    depth.set(start, 0);
    queue.push(start);
  }
  while (queue.length) {
    const current = queue.shift() as string;
    for (const next of outgoing.get(current) ?? []) {
      if (!depth.has(next)) {
        depth.set(next, (depth.get(current) as number) + 1);
        queue.push(next);
      }
    }
  }
  // Nodes nothing leads to yet go one row below the deepest, in document order.
  const last = depth.size ? Math.max(...depth.values()) + 1 : 0;
  const rows = new Map<number, string[]>();
  for (const id of ids) {
    const row = depth.get(id) ?? last;
    rows.set(row, [...(rows.get(row) ?? []), id]);
  }
  // Within a row, reached nodes keep the order they were found in (branches left to right).
  const order = new Map<string, number>();
  [...depth.keys()].forEach((id, index) => order.set(id, index));
  const positions: Record<string, XY> = {};
  for (const [row, members] of rows) {
    const sorted = [...members].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
    const offset = ((sorted.length - 1) * COLUMN_WIDTH) / 2;
    sorted.forEach((id, column) => {
      positions[id] = { x: column * COLUMN_WIDTH - offset, y: row * rowHeight };
    });
  }
  return positions;
}
