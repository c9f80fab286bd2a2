/* The stats page's GraphQL documents and typed calls. */

import { gql } from "../api/client";
import { type Available, type FlowStats, INTROSPECT, parseAvailable, statsQuery } from "./model";

export interface StatsFlow {
  id: string;
  name: string;
  status: string;
  activeVersion: { number: number; graph: unknown } | null;
  draftVersion: { number: number; graph: unknown } | null;
}

const FLOW = `query StatsFlow($id: ID!) {
  flow(id: $id) { id name status activeVersion { number graph } draftVersion { number graph } }
}`;

export async function loadStatsFlow(id: string): Promise<StatsFlow | null> {
  return (await gql<{ flow: StatsFlow | null }>(FLOW, { id })).flow;
}

let available: Promise<Available> | null = null;

/* What the stats types offer, asked once per page load. */
export function statsFields(): Promise<Available> {
  if (available === null) {
    available = gql<Record<string, { name: string; fields: { name: string }[] | null } | null>>(INTROSPECT).then(
      parseAvailable,
      (error) => {
        available = null;
        throw error;
      },
    );
  }
  return available;
}

export async function loadStats(flowId: string, since: string, until: string): Promise<FlowStats | null> {
  const query = statsQuery(await statsFields());
  return (await gql<{ flowStats: FlowStats | null }>(query, { flowId, since, until })).flowStats;
}

export interface Recipient {
  id: string;
  channel: "EMAIL" | "SMS";
  status: string;
  nodeId: string;
  toAddress: string;
  subject: string;
  createdAt: string;
  sentAt: string | null;
  events: { kind: string; occurredAt: string }[];
}

export interface RecipientsPage {
  totalCount: number | null;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: Recipient }[];
}

const MESSAGES = `query StatsRecipients($flowId: ID!, $nodeId: String, $channel: MessageChannel, $status: MessageStatus, $first: Int!, $after: String) {
  messages(flowId: $flowId, nodeId: $nodeId, channel: $channel, status: $status, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id channel status nodeId toAddress subject createdAt sentAt events { kind occurredAt } } }
  }
}`;

export const RECIPIENTS_PAGE_SIZE = 20;

export async function loadRecipients(filters: {
  flowId: string;
  nodeId: string | null;
  channel: string | null;
  status: string | null;
  after: string | null;
}): Promise<RecipientsPage> {
  const data = await gql<{ messages: RecipientsPage }>(MESSAGES, { ...filters, first: RECIPIENTS_PAGE_SIZE });
  return data.messages;
}

/* The CSV export URLs (api/exports): the flow's GraphQL id in the path. */
export function statsCsvPath(flowId: string, since: string, until: string): string {
  return `/api/flows/${encodeURIComponent(flowId)}/stats.csv?from=${since}&to=${until}`;
}

export function recipientsCsvPath(flowId: string, filters: { nodeId: string | null; channel: string | null; since: string; until: string }): string {
  const params = new URLSearchParams({ from: filters.since, to: filters.until });
  if (filters.nodeId) params.set("node", filters.nodeId);
  if (filters.channel) params.set("channel", filters.channel.toLowerCase());
  return `/api/flows/${encodeURIComponent(flowId)}/recipients.csv?${params.toString()}`;
}
