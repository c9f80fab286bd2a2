import { describe, expect, it } from "vitest";

import templates from "./__fixtures__/templates.json";
import type { GraphDocument } from "./types";
import { activationChanges, stableJson } from "./diff";

const cart = (templates as Record<string, { graph: GraphDocument; settings: Record<string, unknown> }>)
  .cart_abandonment;

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

describe("activationChanges", () => {
  it("lists every node as new on a first activation", () => {
    const changes = activationChanges(null, cart);
    expect(changes.firstActivation).toBe(true);
    expect(changes.added.map((c) => c.id)).toEqual(cart.graph.nodes.map((n) => n.id));
  });

  it("finds nothing between equal versions, whatever the key order", () => {
    const reordered = clone(cart);
    reordered.graph.nodes[0].params = { idle_minutes: 60, event: "checkout_abandoned" };
    reordered.graph.edges.reverse();
    const changes = activationChanges(cart, reordered, { wait_1: 3 });
    expect(changes.unchanged).toBe(true);
    expect(changes.running).toBe(3);
  });

  it("reports removed nodes with their waiting counts, changes, rewiring and settings", () => {
    const draft = clone(cart);
    // Drop wait_2 and the voucher: email_2 now leads straight to email_3.
    draft.graph.nodes = draft.graph.nodes.filter((n) => !["wait_2", "voucher"].includes(n.id));
    draft.graph.edges = draft.graph.edges.filter((e) => !["wait_2", "voucher"].includes(e.source));
    draft.graph.edges = draft.graph.edges.map((e) => (e.source === "email_2" ? { ...e, target: "email_3" } : e));
    draft.graph.nodes.find((n) => n.id === "wait_1")!.params = { mode: "duration", hours: 12 };
    draft.graph.nodes.push({ id: "exit_1", type: "exit", params: {} });
    draft.settings = { ...draft.settings, holdout_percent: 10, quiet_hours: null };
    const changes = activationChanges(cart, draft, { wait_1: 2, wait_2: 5, email_3: 1 });
    expect(changes.removed).toEqual([
      { id: "wait_2", kind: "wait", waiting: 5 },
      { id: "voucher", kind: "action", waiting: 0 },
    ]);
    expect(changes.changed.map((c) => [c.id, c.waiting])).toEqual([
      ["wait_1", 2],
      ["email_2", 0],
    ]);
    expect(changes.added.map((c) => c.id)).toEqual(["exit_1"]);
    expect(changes.settings).toEqual(["holdout_percent", "quiet_hours"]);
    expect(changes.running).toBe(8);
    expect(changes.unchanged).toBe(false);
  });
});

describe("stableJson", () => {
  it("sorts keys at every depth and skips undefined", () => {
    expect(stableJson({ b: [{ y: 1, x: 2 }], a: undefined, c: null })).toBe('{"b":[{"x":2,"y":1}],"c":null}');
  });
});
