/* The flow document as the app stores it (FlowVersion.graph / FlowVersion.settings), see
saleor_automation/flows/definition.py for the format and its rules. */

export const SCHEMA_VERSION = 1;

export const NODE_KINDS = [
  "trigger",
  "wait",
  "send_email",
  "send_sms",
  "condition",
  "split",
  "action",
  "exit",
] as const;

export type NodeKind = (typeof NODE_KINDS)[number];

export type Params = Record<string, unknown>;

export interface DocNode {
  id: string;
  type: NodeKind;
  name?: string;
  params: Params;
}

export interface DocEdge {
  source: string;
  target: string;
  label: string;
}

export interface GraphDocument {
  schema_version: number;
  nodes: DocNode[];
  edges: DocEdge[];
}

/* Settings keys are all optional; see definition.parse_settings. */
export type FlowSettingsDoc = Record<string, unknown>;

export interface XY {
  x: number;
  y: number;
}

export interface FlowIssue {
  nodeId: string | null;
  field: string;
  message: string;
}
