// @vitest-environment node
import { describe, expect, it } from "vitest";

import { filterFlows, flowRow, type FlowSummary, flowTotals, sortFlows, triggerNodeId } from "./flowRows";

function flow(name: string, status: FlowSummary["status"], priority = 100): FlowSummary {
  return { id: name, name, status, priority, updatedAt: "", activeVersion: null, draftVersion: null };
}

describe("flowRow", () => {
  it("shows counts, the conversion rate per entered contact and revenue per currency", () => {
    const row = flowRow(flow("Cart", "ACTIVE"), {
      entered: 1200,
      sent: 2400,
      converted: 96,
      revenue: [
        { currency: "EUR", amount: "1234.5" },
        { currency: "USD", amount: "0" },
        { currency: "USD", amount: "20" },
      ],
    });
    expect(row.entered).toBe("1,200");
    expect(row.sent).toBe("2,400");
    expect(row.conversion).toBe("8.0%");
    expect(row.revenue).toBe("€1,234.50 + $20.00");
  });

  it("shows dashes without numbers and no rate without entries", () => {
    expect(flowRow(flow("A", "DRAFT"), null)).toMatchObject({ entered: "—", conversion: "—", revenue: "—" });
    const empty = flowRow(flow("A", "ACTIVE"), { entered: 0, sent: 0, converted: 0, revenue: [] });
    expect(empty).toMatchObject({ entered: "0", conversion: "—", revenue: "—" });
  });
});

describe("filterFlows", () => {
  const flows = [flow("Cart abandonment", "ACTIVE"), flow("Welcome series", "DRAFT"), flow("Win-back", "PAUSED")];

  it("filters by status and by every search word, ignoring case", () => {
    expect(filterFlows(flows, { status: "ALL", search: "" })).toHaveLength(3);
    expect(filterFlows(flows, { status: "DRAFT", search: "" }).map((f) => f.name)).toEqual(["Welcome series"]);
    expect(filterFlows(flows, { status: "ALL", search: "  CART  aband " }).map((f) => f.name)).toEqual([
      "Cart abandonment",
    ]);
    expect(filterFlows(flows, { status: "ACTIVE", search: "welcome" })).toEqual([]);
  });
});

describe("sortFlows", () => {
  it("puts active flows first, then by priority and name", () => {
    const sorted = sortFlows([
      flow("b", "DRAFT", 1),
      flow("z", "ACTIVE", 200),
      flow("a", "ACTIVE", 200),
      flow("y", "ACTIVE", 10),
      flow("x", "ARCHIVED", 0),
    ]);
    expect(sorted.map((f) => f.name)).toEqual(["y", "a", "z", "b", "x"]);
  });
});

describe("flowTotals", () => {
  it("counts entries into the flow at its trigger, not the sum over nodes", () => {
    const graph = { nodes: [{ id: "w1", type: "wait" }, { id: "start", type: "trigger" }], edges: [] };
    const stats = {
      nodes: [
        { nodeId: "start", entered: 5 },
        { nodeId: "w1", entered: 4 },
      ],
      total: { sent: 3, converted: 1, revenue: [] },
    };
    expect(triggerNodeId(graph)).toBe("start");
    expect(flowTotals(stats, "start")).toEqual({ entered: 5, sent: 3, converted: 1, revenue: [] });
    expect(flowTotals(stats, null).entered).toBe(0);
    expect(triggerNodeId({ nodes: "nope" })).toBeNull();
    expect(triggerNodeId(null)).toBeNull();
  });
});
