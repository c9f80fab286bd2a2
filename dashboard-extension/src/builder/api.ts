/* The builder's GraphQL documents and their typed calls. */

import { GraphQLRequestError, gql } from "../api/client";
import type { FlowIssue, FlowSettingsDoc, GraphDocument } from "./types";

export interface VersionData {
  number: number;
  graph: unknown;
  settings: unknown;
  issues?: FlowIssue[];
}

export interface BuilderFlow {
  id: string;
  name: string;
  status: "DRAFT" | "ACTIVE" | "PAUSED" | "ARCHIVED";
  activeVersion: VersionData | null;
  draftVersion: VersionData | null;
}

const FLOW = `query BuilderFlow($id: ID!) {
  flow(id: $id) {
    id name status
    activeVersion { number graph settings }
    draftVersion { number graph settings issues { nodeId field message } }
  }
}`;

export async function loadFlow(id: string): Promise<BuilderFlow | null> {
  return (await gql<{ flow: BuilderFlow | null }>(FLOW, { id })).flow;
}

const SAVE = `mutation BuilderSave($flowId: ID!, $graph: JSON!, $settings: JSON!) {
  flowDraftSave(flowId: $flowId, graph: $graph, settings: $settings) {
    __typename
    ... on FlowVersion { number issues { nodeId field message } }
    ... on FlowValidationIssues { issues { nodeId field message } }
    ... on OperationInfo { messages { message field code } }
  }
}`;

type Payload =
  | { __typename: "FlowVersion"; number: number; issues: FlowIssue[] }
  | { __typename: "FlowValidationIssues"; issues: FlowIssue[] }
  | { __typename: "Flow"; status: BuilderFlow["status"] }
  | { __typename: "OperationInfo"; messages: { message: string; field: string | null; code: string | null }[] };

function refused(payload: Payload): never {
  const messages = payload.__typename === "OperationInfo" ? payload.messages.map((m) => m.message) : [];
  throw new GraphQLRequestError(messages.length ? messages : ["The change was refused."]);
}

/* Saved: the issues are [] (or the version's own). Refused for validation: the issues,
nothing stored. Any other refusal throws. */
export async function saveDraft(
  flowId: string,
  graph: GraphDocument,
  settings: FlowSettingsDoc,
): Promise<{ saved: boolean; issues: FlowIssue[] }> {
  const payload = (await gql<{ flowDraftSave: Payload }>(SAVE, { flowId, graph, settings })).flowDraftSave;
  if (payload.__typename === "FlowVersion") return { saved: true, issues: payload.issues ?? [] };
  if (payload.__typename === "FlowValidationIssues") return { saved: false, issues: payload.issues };
  return refused(payload);
}

const ACTIVATE = `mutation BuilderActivate($flowId: ID!) {
  flowActivate(flowId: $flowId) {
    __typename
    ... on Flow { status }
    ... on FlowValidationIssues { issues { nodeId field message } }
    ... on OperationInfo { messages { message field code } }
  }
}`;

export async function activateFlow(flowId: string): Promise<{ activated: boolean; issues: FlowIssue[]; status?: string }> {
  const payload = (await gql<{ flowActivate: Payload }>(ACTIVATE, { flowId })).flowActivate;
  if (payload.__typename === "Flow") return { activated: true, issues: [], status: payload.status };
  if (payload.__typename === "FlowValidationIssues") return { activated: false, issues: payload.issues };
  return refused(payload);
}

const WAITING = `query BuilderWaiting($flowId: ID!, $since: Date!, $until: Date!) {
  flowStats(flowId: $flowId, since: $since, until: $until) { nodes { nodeId waiting } }
}`;

/* Enrollments waiting at each node now ("waiting" is live, whatever the period). */
export async function loadWaiting(flowId: string, today: string): Promise<Record<string, number>> {
  const data = await gql<{ flowStats: { nodes: { nodeId: string; waiting: number }[] } | null }>(WAITING, {
    flowId,
    since: today,
    until: today,
  });
  return Object.fromEntries((data.flowStats?.nodes ?? []).map((node) => [node.nodeId, node.waiting]));
}
