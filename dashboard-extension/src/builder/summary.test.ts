import { describe, expect, it } from "vitest";

import branching from "./__fixtures__/branching.json";
import templates from "./__fixtures__/templates.json";
import type { DocNode } from "./types";
import { durationText, nodeSummary } from "./summary";

const cart = (templates as Record<string, { graph: { nodes: DocNode[] } }>).cart_abandonment.graph.nodes;
const branches = (branching as { nodes: DocNode[] }).nodes;
const summary = (nodes: DocNode[], id: string) => {
  const node = nodes.find((n) => n.id === id)!;
  return nodeSummary(node.type, node.params);
};

describe("nodeSummary", () => {
  it("describes each node of the templates", () => {
    expect(summary(cart, "trigger")).toBe("Checkout abandoned (60 min idle)");
    expect(summary(cart, "wait_1")).toBe("Wait 23 hours");
    expect(summary(cart, "email_1")).toBe("“You left something in your cart”");
    expect(summary(cart, "voucher")).toBe("Voucher 10%, 3 days");
    expect(summary(cart, "exit")).toBe("End of the flow");
  });

  it("describes branching nodes and the other wait modes", () => {
    expect(summary(branches, "opened")).toBe("Until email opened, at most 48 hours");
    expect(summary(branches, "later")).toBe("Until 09:30 local time on Mon, Wed, Fri");
    expect(summary(branches, "ab")).toBe("A 70% · B 30%");
    expect(summary(branches, "text")).toBe("“Thanks again! Reply STOP to opt out.”");
    expect(nodeSummary("wait", { mode: "duration", hours: 2, from: "opened", node: "e1", timeout_days: 1 })).toBe(
      "2 hours after e1 opened",
    );
    expect(nodeSummary("send_email", { message: {} })).toBe("No content yet");
    expect(nodeSummary("wait", { mode: "until_event", event: "consent_confirmed", timeout_days: 7 })).toBe(
      "Until subscription confirmed (double opt-in), at most 7 days",
    );
  });

  it("adds up durations in words", () => {
    expect(durationText({ days: 1, hours: 2, minutes: 1 })).toBe("1 day 2 hours 1 minute");
    expect(durationText({ timeout_minutes: 30 }, "timeout_")).toBe("30 minutes");
    expect(durationText({})).toBe("no time");
  });
});
