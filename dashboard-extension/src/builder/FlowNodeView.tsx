/* A node on the canvas: its kind, id, a one-line summary, the validation issues on it, and
its handles (one input on top, one output per edge label at the bottom). The stats page
draws the same node with its numbers. */

import { Handle, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";

import { type FlowNode, KIND_TITLES, hasInput, outputLabels } from "./document";
import { nodeSummary } from "./summary";

export interface NodeNumber {
  label: string;
  value: string;
}

function FlowNodeViewInner({ id, data, selected }: NodeProps<FlowNode>) {
  const issues = (data.issues as string[] | undefined) ?? [];
  const numbers = data.numbers as NodeNumber[] | undefined;
  const labels = outputLabels(data.kind, data.params);
  const title = data.name || id;
  const labelled = labels.length > 1 || (labels.length === 1 && labels[0] !== "next");
  return (
    <div
      className={`sa-node sa-node-${data.kind}${selected ? " sa-node-selected" : ""}${issues.length ? " sa-node-invalid" : ""}${labelled ? " sa-node-labelled" : ""}`}
      data-testid={`node-${id}`}
      aria-label={`${KIND_TITLES[data.kind]} ${title}${issues.length ? `, ${issues.length} problem(s)` : ""}`}
    >
      {hasInput(data.kind) ? <Handle type="target" position={Position.Top} className="sa-handle" /> : null}
      <div className="sa-node-kind">{KIND_TITLES[data.kind]}</div>
      <div className="sa-node-title">{title}</div>
      <div className="sa-node-summary">{nodeSummary(data.kind, data.params)}</div>
      {numbers ? (
        <dl className="sa-node-numbers" data-testid={`numbers-${id}`}>
          {numbers.map((number) => (
            <div key={number.label}>
              <dt>{number.label}</dt>
              <dd data-metric={number.label}>{number.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {issues.length ? (
        <ul className="sa-node-issues" role="list">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      ) : null}
      {labels.length ? (
        <div className="sa-node-outputs">
          {labels.map((label, index) => (
            <div key={label} className="sa-node-output" style={{ left: `${((index + 1) / (labels.length + 1)) * 100}%` }}>
              {labelled ? <span className="sa-handle-label">{label}</span> : null}
              <Handle
                id={label}
                type="source"
                position={Position.Bottom}
                className="sa-handle"
                data-testid={`handle-${id}-${label}`}
                isConnectable={!numbers}
              />
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export const FlowNodeView = memo(FlowNodeViewInner);
export const NODE_TYPES = { flow: FlowNodeView };
