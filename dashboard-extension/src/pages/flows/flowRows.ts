/** The flows list: one row per flow with its key numbers, and the list's filters. */
import { DASH, formatCount, formatMoney, formatRate, type Money } from "../../lib/format";

export type FlowStatus = "DRAFT" | "ACTIVE" | "PAUSED" | "ARCHIVED";

export const STATUS_LABELS: Record<FlowStatus, string> = {
  DRAFT: "Draft",
  ACTIVE: "Active",
  PAUSED: "Paused",
  ARCHIVED: "Archived",
};

export interface FlowSummary {
  id: string;
  name: string;
  status: FlowStatus;
  priority: number;
  updatedAt: string;
  activeVersion: { number: number } | null;
  draftVersion: { number: number } | null;
}

export interface FlowTotals {
  entered: number;
  sent: number;
  converted: number;
  revenue: Money[];
}

/** What flowStats and the flow's graph give for one flow over a period. */
export interface FlowStatsAnswer {
  nodes: { nodeId: string; entered: number }[];
  total: { sent: number; converted: number; revenue: Money[] };
}

/** The id of the graph's trigger node (graph: {"nodes": [{"id", "type"}...]}). */
export function triggerNodeId(graph: unknown): string | null {
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return null;
  const trigger = nodes.find(
    (node): node is { id: string } =>
      typeof node === "object" && node !== null && (node as { type?: unknown }).type === "trigger",
  );
  return trigger && typeof trigger.id === "string" ? trigger.id : null;
}

/** The row's numbers: "entered" counts entries into the flow (its trigger node), not the
 * sum of entries into every node that flowStats' total holds. */
export function flowTotals(stats: FlowStatsAnswer, triggerId: string | null): FlowTotals {
  const entered = stats.nodes.find((node) => node.nodeId === triggerId)?.entered ?? 0;
  return {
    entered,
    sent: stats.total.sent,
    converted: stats.total.converted,
    revenue: stats.total.revenue,
  };
}

export interface FlowRow {
  flow: FlowSummary;
  /** null while the numbers load or when they could not be loaded. */
  totals: FlowTotals | null;
  entered: string;
  sent: string;
  conversion: string;
  revenue: string;
}

export function flowRow(flow: FlowSummary, totals: FlowTotals | null, locale = "en"): FlowRow {
  if (totals === null) {
    return { flow, totals, entered: DASH, sent: DASH, conversion: DASH, revenue: DASH };
  }
  return {
    flow,
    totals,
    entered: formatCount(totals.entered, locale),
    sent: formatCount(totals.sent, locale),
    // Conversion is per enrollment: contacts who reached the flow's goal among those who
    // entered in the period.
    conversion: formatRate(totals.converted, totals.entered, locale),
    revenue: formatMoney(totals.revenue, locale),
  };
}

export interface FlowFilters {
  status: FlowStatus | "ALL";
  search: string;
}

/** Flows matching the status and the search words (all of them, in the name, any case). */
export function filterFlows<T extends { name: string; status: FlowStatus }>(
  flows: T[],
  filters: FlowFilters,
): T[] {
  const words = filters.search.toLowerCase().split(/\s+/).filter(Boolean);
  return flows.filter((flow) => {
    if (filters.status !== "ALL" && flow.status !== filters.status) return false;
    const name = flow.name.toLowerCase();
    return words.every((word) => name.includes(word));
  });
}

/** Active first, then paused, drafts, archived; by priority, then name, within each. */
export function sortFlows<T extends { name: string; status: FlowStatus; priority: number }>(
  flows: T[],
): T[] {
  const order: Record<FlowStatus, number> = { ACTIVE: 0, PAUSED: 1, DRAFT: 2, ARCHIVED: 3 };
  return [...flows].sort(
    (a, b) =>
      order[a.status] - order[b.status] ||
      a.priority - b.priority ||
      a.name.localeCompare(b.name),
  );
}
