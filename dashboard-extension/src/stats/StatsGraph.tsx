/* The flow's graph, read-only, each node with its numbers. Clicking a node shows its
recipients. */

import { Background, Controls, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import { useMemo } from "react";

import { fromDocument } from "../builder/document";
import { NODE_TYPES } from "../builder/FlowNodeView";
import { type NodeStats, nodeNumbers } from "./model";

const STATS_ROW_HEIGHT = 200;

export function StatsGraph({
  graph,
  nodes: rows,
  locale,
  selected,
  onSelect,
}: {
  graph: unknown;
  nodes: NodeStats[];
  locale: string;
  selected: string | null;
  onSelect: (nodeId: string) => void;
}) {
  // Laid out afresh with room for the numbers: the builder's positions are for its
  // smaller nodes and would make these overlap.
  const base = useMemo(() => fromDocument(graph, {}, {}, STATS_ROW_HEIGHT), [graph]);
  const byId = useMemo(() => new Map(rows.map((row) => [row.nodeId, row])), [rows]);
  const nodes = useMemo(
    () =>
      base.nodes.map((node) => ({
        ...node,
        selected: node.id === selected,
        draggable: false,
        connectable: false,
        data: { ...node.data, numbers: nodeNumbers(node.data.kind, byId.get(node.id), locale) },
      })),
    [base.nodes, byId, locale, selected],
  );
  return (
    <div className="sa-stats-canvas" data-testid="stats-graph">
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={base.edges}
          nodeTypes={NODE_TYPES}
          nodesDraggable={false}
          nodesConnectable={false}
          edgesFocusable={false}
          onNodeClick={(_, node) => onSelect(node.id)}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
          minZoom={0.2}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={16} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
