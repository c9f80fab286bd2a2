/* The stats page's rules, pure: which fields to ask for, the period, the numbers drawn on
each node, rates, money, first and last activity, chart rows. */

import type { NodeNumber } from "../builder/FlowNodeView";
import type { NodeKind } from "../builder/types";

export interface Money {
  currency: string;
  amount: string;
}

export interface NodeStats {
  nodeId: string;
  entered: number;
  waiting: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced?: number;
  unsubscribed?: number;
  converted?: number;
  attributedOrders?: number; // orders won by this node's messages (attribution)
  revenue?: Money[];
}

export interface Totals {
  entered: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  bounced: number;
  unsubscribed: number;
  converted: number;
  revenue: Money[];
  holdoutConverted: number;
  holdoutRevenue: Money[];
  waiting: number;
  attributedOrders?: number;
  firstActivityAt?: string | null;
  lastActivityAt?: string | null;
}

export interface Day {
  day: string;
  entered: number;
  sent: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: Money[];
}

export interface SplitBranch {
  label: string;
  isControl: boolean;
  entered: number;
  converted: number;
  rate: number | null;
  sent: number;
  opened: number;
  clicked: number;
  difference: number | null;
  relativeDifference: number | null;
  confidence: number | null;
  significant: boolean;
  sampleTooSmall: boolean;
}

export interface SplitResult {
  nodeId: string;
  branches: SplitBranch[];
}

export interface HoldoutResult {
  treatedEntered: number;
  treatedConverted: number;
  treatedRate: number | null;
  controlEntered: number;
  controlConverted: number;
  controlRate: number | null;
  lift: number | null;
  relativeLift: number | null;
  confidence: number | null;
  significant: boolean;
  sampleTooSmall: boolean;
}

export interface FlowStats {
  since: string;
  until: string;
  nodes: NodeStats[];
  total: Totals;
  timeseries: Day[];
  splits?: SplitResult[];
  holdout?: HoldoutResult | null;
}

/* The fields the API has, by type name, from introspection: the page asks for per-node
conversions, activity times and experiment results only where the app provides them. */
export type Available = Record<string, Set<string>>;

export const INTROSPECT = `query StatsFields {
  node: __type(name: "FlowNodeStats") { name fields { name } }
  total: __type(name: "FlowStatsTotals") { name fields { name } }
  stats: __type(name: "FlowStats") { name fields { name } }
  branch: __type(name: "FlowSplitBranch") { name fields { name } }
  holdout: __type(name: "FlowHoldoutResult") { name fields { name } }
}`;

type TypeInfo = { name: string; fields: { name: string }[] | null } | null;

export function parseAvailable(data: Record<string, TypeInfo>): Available {
  const available: Available = {};
  for (const info of Object.values(data)) {
    if (info) available[info.name] = new Set((info.fields ?? []).map((field) => field.name));
  }
  return available;
}

const MONEY = "{ currency amount }";

function pick(available: Available, type: string, wanted: string[]): string {
  const fields = available[type];
  return wanted
    .filter((name) => !fields || fields.has(name))
    .map((name) => (["revenue", "holdoutRevenue"].includes(name) ? `${name} ${MONEY}` : name))
    .join(" ");
}

function optional(available: Available, type: string, wanted: string[]): string {
  const fields = available[type];
  return wanted
    .filter((name) => fields?.has(name))
    .map((name) => (name === "revenue" ? `${name} ${MONEY}` : name))
    .join(" ");
}

/* The flowStats query for what the API has. Required fields are always asked for (a
missing one is an error worth seeing); the newer ones only when present. */
export function statsQuery(available: Available): string {
  const node = [
    pick(available, "FlowNodeStats", ["nodeId", "entered", "waiting", "sent", "delivered", "opened", "clicked", "bounced", "unsubscribed"]),
    optional(available, "FlowNodeStats", ["converted", "attributedOrders", "revenue"]),
  ].join(" ");
  const total = [
    pick(available, "FlowStatsTotals", [
      "entered", "sent", "delivered", "opened", "clicked", "bounced", "unsubscribed",
      "converted", "revenue", "holdoutConverted", "holdoutRevenue", "waiting",
    ]),
    optional(available, "FlowStatsTotals", ["attributedOrders", "firstActivityAt", "lastActivityAt"]),
  ].join(" ");
  const stats = available.FlowStats;
  const branch = pick(available, "FlowSplitBranch", [
    "label", "isControl", "entered", "converted", "rate", "sent", "opened", "clicked",
    "difference", "relativeDifference", "confidence", "significant", "sampleTooSmall",
  ]);
  const holdout = pick(available, "FlowHoldoutResult", [
    "treatedEntered", "treatedConverted", "treatedRate", "controlEntered", "controlConverted",
    "controlRate", "lift", "relativeLift", "confidence", "significant", "sampleTooSmall",
  ]);
  const extras = [
    stats?.has("splits") ? `splits { nodeId branches { ${branch} } }` : "",
    stats?.has("holdout") ? `holdout { ${holdout} }` : "",
  ].join(" ");
  return `query FlowStatsPage($flowId: ID!, $since: Date!, $until: Date!) {
  flowStats(flowId: $flowId, since: $since, until: $until) {
    since until
    nodes { ${node} }
    total { ${total} }
    timeseries { day entered sent opened clicked converted revenue ${MONEY} }
    ${extras}
  }
}`;
}

export const PERIODS = [7, 30, 90, 365];

/* The last `days` UTC days, today included. */
export function period(days: number, now: Date): { since: string; until: string } {
  const until = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const since = new Date(until.getTime() - (days - 1) * 86_400_000);
  return { since: since.toISOString().slice(0, 10), until: until.toISOString().slice(0, 10) };
}

export function formatNumber(value: number, locale = "en"): string {
  return new Intl.NumberFormat(locale).format(value);
}

export function formatMoney(amounts: Money[] | undefined, locale = "en"): string {
  if (!amounts?.length) return "—";
  return amounts
    .map((money) => {
      try {
        return new Intl.NumberFormat(locale, { style: "currency", currency: money.currency }).format(Number(money.amount));
      } catch {
        return `${money.amount} ${money.currency}`;
      }
    })
    .join(" + ");
}

export function formatRate(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "—";
  return `${(rate * 100).toFixed(digits)}%`;
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

const SENDS: NodeKind[] = ["send_email", "send_sms"];

/* The numbers drawn on one node: entries and waiting for every node; on sends the message
counts (opens on email only) and, where the API has them, the orders the node's messages
won ("converted") and their revenue. Other nodes send nothing, so win nothing. */
export function nodeNumbers(kind: NodeKind, row: NodeStats | undefined, locale = "en"): NodeNumber[] {
  const n = (value: number | undefined) => formatNumber(value ?? 0, locale);
  const numbers: NodeNumber[] = [
    { label: "entered", value: n(row?.entered) },
    { label: "waiting", value: n(row?.waiting) },
  ];
  if (SENDS.includes(kind)) {
    numbers.push({ label: "sent", value: n(row?.sent) });
    if (kind === "send_email") numbers.push({ label: "opened", value: n(row?.opened) });
    numbers.push({ label: "clicked", value: n(row?.clicked) });
    const converted = row?.attributedOrders ?? row?.converted;
    if (converted !== undefined) numbers.push({ label: "converted", value: n(converted) });
    if (row?.revenue !== undefined) numbers.push({ label: "revenue", value: formatMoney(row.revenue, locale) });
  }
  return numbers;
}

/* The first and last day with any activity in the period (the API's exact moments when
it has them). */
export function activity(stats: Pick<FlowStats, "timeseries" | "total">): { first: string | null; last: string | null } {
  if (stats.total.firstActivityAt !== undefined || stats.total.lastActivityAt !== undefined) {
    return { first: stats.total.firstActivityAt ?? null, last: stats.total.lastActivityAt ?? null };
  }
  const active = stats.timeseries.filter((day) => day.entered || day.sent || day.opened || day.clicked || day.converted);
  return { first: active[0]?.day ?? null, last: active.at(-1)?.day ?? null };
}

export interface ChartRow {
  day: string;
  entered: number;
  sent: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: number; // of `currency` only: amounts in different currencies do not add up
}

export function chartRows(timeseries: Day[], currency: string | null): ChartRow[] {
  return timeseries.map((day) => ({
    day: day.day,
    entered: day.entered,
    sent: day.sent,
    opened: day.opened,
    clicked: day.clicked,
    converted: day.converted,
    revenue: Number(day.revenue.find((money) => money.currency === currency)?.amount ?? 0),
  }));
}

/* The currency with the most revenue in the period: the one the chart draws. */
export function mainCurrency(total: Pick<Totals, "revenue">): string | null {
  const sorted = [...total.revenue].sort((a, b) => Number(b.amount) - Number(a.amount));
  return sorted[0]?.currency ?? null;
}

/* Entries into the flow: what entered its trigger (totals sum every node's entries). */
export function flowEntries(nodes: NodeStats[], triggerId: string | null): number {
  return nodes.find((node) => node.nodeId === triggerId)?.entered ?? 0;
}
