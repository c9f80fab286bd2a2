import { describe, expect, it } from "vitest";

import {
  activity,
  chartRows,
  flowEntries,
  formatMoney,
  formatRate,
  mainCurrency,
  nodeNumbers,
  parseAvailable,
  period,
  ratio,
  statsQuery,
  type Totals,
} from "./model";

const TOTAL: Totals = {
  entered: 9, sent: 3, delivered: 3, opened: 2, clicked: 1, bounced: 0, unsubscribed: 0,
  converted: 1, revenue: [{ currency: "USD", amount: "12.5" }, { currency: "EUR", amount: "40" }],
  holdoutConverted: 0, holdoutRevenue: [], waiting: 2,
};

describe("statsQuery", () => {
  it("asks for the newer fields only when the API has them", () => {
    const old = statsQuery(
      parseAvailable({
        node: { name: "FlowNodeStats", fields: [{ name: "nodeId" }, { name: "entered" }, { name: "waiting" }] },
        stats: { name: "FlowStats", fields: [{ name: "nodes" }] },
        holdout: null,
      }),
    );
    expect(old).toContain("nodes { nodeId entered waiting  }");
    expect(old).not.toContain("splits");
    expect(old).not.toContain("holdout {");
    const full = statsQuery(
      parseAvailable({
        node: { name: "FlowNodeStats", fields: ["nodeId", "entered", "attributedOrders", "revenue"].map((name) => ({ name })) },
        total: { name: "FlowStatsTotals", fields: ["entered", "firstActivityAt"].map((name) => ({ name })) },
        stats: { name: "FlowStats", fields: ["splits", "holdout"].map((name) => ({ name })) },
      }),
    );
    expect(full).toContain("attributedOrders revenue { currency amount }");
    expect(full).toContain("firstActivityAt");
    expect(full).toContain("splits { nodeId branches {");
    expect(full).toContain("holdout {");
  });

  it("asks for every required field when introspection told nothing", () => {
    const query = statsQuery({});
    expect(query).toContain("nodes { nodeId entered waiting sent delivered opened clicked bounced unsubscribed  }");
    expect(query).toContain("holdoutRevenue { currency amount }");
  });
});

describe("period", () => {
  it("is the last N UTC days, today included", () => {
    expect(period(7, new Date("2026-03-02T23:30:00Z"))).toEqual({ since: "2026-02-24", until: "2026-03-02" });
    expect(period(1, new Date("2026-01-01T00:00:00Z"))).toEqual({ since: "2026-01-01", until: "2026-01-01" });
  });
});

describe("formatting", () => {
  it("formats money per currency, rates and ratios", () => {
    expect(formatMoney(TOTAL.revenue)).toBe("$12.50 + €40.00");
    expect(formatMoney([])).toBe("—");
    expect(formatMoney([{ currency: "XX1", amount: "3" }])).toBe("3 XX1");
    expect(formatRate(0.1234)).toBe("12.3%");
    expect(formatRate(null)).toBe("—");
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(1, 0)).toBeNull();
  });
});

describe("nodeNumbers", () => {
  it("shows message counts on sends and conversions when present", () => {
    const row = { nodeId: "e", entered: 1200, waiting: 0, sent: 5, delivered: 5, opened: 3, clicked: 1 };
    expect(nodeNumbers("send_email", row).map((n) => `${n.label}=${n.value}`)).toEqual([
      "entered=1,200", "waiting=0", "sent=5", "opened=3", "clicked=1",
    ]);
    expect(nodeNumbers("send_sms", row).map((n) => n.label)).toEqual(["entered", "waiting", "sent", "clicked"]);
    const won = { ...row, attributedOrders: 2, revenue: [{ currency: "USD", amount: "10" }] };
    expect(nodeNumbers("send_sms", won).map((n) => `${n.label}=${n.value}`)).toEqual([
      "entered=1,200", "waiting=0", "sent=5", "clicked=1", "converted=2", "revenue=$10.00",
    ]);
    expect(nodeNumbers("send_email", { ...row, converted: 3 }).at(-1)).toEqual({ label: "converted", value: "3" });
    expect(nodeNumbers("wait", won).map((n) => n.label)).toEqual(["entered", "waiting"]);
    expect(nodeNumbers("exit", undefined).map((n) => n.value)).toEqual(["0", "0"]);
  });
});

describe("activity, charts, entries", () => {
  const days = [
    { day: "2026-01-01", entered: 0, sent: 0, opened: 0, clicked: 0, converted: 0, revenue: [] },
    { day: "2026-01-02", entered: 2, sent: 1, opened: 0, clicked: 0, converted: 0, revenue: [] },
    { day: "2026-01-03", entered: 0, sent: 0, opened: 0, clicked: 0, converted: 1, revenue: [{ currency: "EUR", amount: "40" }] },
    { day: "2026-01-04", entered: 0, sent: 0, opened: 0, clicked: 0, converted: 0, revenue: [] },
  ];

  it("finds the first and last active day, or uses the API's moments", () => {
    expect(activity({ timeseries: days, total: TOTAL })).toEqual({ first: "2026-01-02", last: "2026-01-03" });
    expect(activity({ timeseries: [], total: TOTAL })).toEqual({ first: null, last: null });
    const exact = { ...TOTAL, firstActivityAt: "2026-01-02T10:00:00Z", lastActivityAt: null };
    expect(activity({ timeseries: days, total: exact })).toEqual({ first: "2026-01-02T10:00:00Z", last: null });
  });

  it("charts one currency's revenue", () => {
    expect(mainCurrency(TOTAL)).toBe("EUR");
    expect(chartRows(days, "EUR").map((row) => row.revenue)).toEqual([0, 0, 40, 0]);
    expect(mainCurrency({ revenue: [] })).toBeNull();
  });

  it("counts flow entries at the trigger", () => {
    const nodes = [
      { nodeId: "trigger", entered: 4, waiting: 0, sent: 0, delivered: 0, opened: 0, clicked: 0 },
      { nodeId: "w", entered: 3, waiting: 3, sent: 0, delivered: 0, opened: 0, clicked: 0 },
    ];
    expect(flowEntries(nodes, "trigger")).toBe(4);
    expect(flowEntries(nodes, null)).toBe(0);
  });
});
