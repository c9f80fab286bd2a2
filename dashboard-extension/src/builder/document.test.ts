import { describe, expect, it } from "vitest";

import branching from "./__fixtures__/branching.json";
import templates from "./__fixtures__/templates.json";
import {
  type Draft,
  DocumentError,
  addNode,
  connect,
  connectionProblem,
  fromDocument,
  newNodeId,
  outputLabels,
  outputsOf,
  setOutput,
  removeElements,
  toDocument,
  updateNode,
  upstreamSends,
} from "./document";

const TEMPLATES = Object.entries(templates as Record<string, { graph: unknown; settings: unknown }>);

describe("fromDocument / toDocument", () => {
  it.each(TEMPLATES)("round-trips the %s template", (_key, template) => {
    const draft = fromDocument(template.graph, template.settings);
    expect(toDocument(draft)).toEqual(template.graph);
    expect(draft.settings).toEqual(template.settings);
  });

  it("round-trips a graph with branches, names and every handle kind", () => {
    const draft = fromDocument(branching, {});
    expect(toDocument(draft)).toEqual(branching);
    const edge = draft.edges.find((e) => e.source === "ab" && e.target === "tag");
    expect(edge).toMatchObject({ sourceHandle: "B", label: "B" });
    expect(draft.nodes.find((n) => n.id === "thanks")?.data.name).toBe("Thank you");
  });

  it("keeps given positions and lays out the others", () => {
    const graph = TEMPLATES[0][1].graph;
    const draft = fromDocument(graph, null, { trigger: { x: 999, y: 5 } });
    expect(draft.nodes[0].position).toEqual({ x: 999, y: 5 });
    expect(draft.nodes[1].position.y).toBeGreaterThan(0);
    expect(draft.settings).toEqual({});
  });

  it("refuses what is not a graph", () => {
    expect(() => fromDocument("nope", {})).toThrow(DocumentError);
    expect(() => fromDocument({ nodes: [{ id: "x", type: "teleport" }] }, {})).toThrow(/unknown type/);
    expect(() => fromDocument({ nodes: [], edges: [{ source: 1 }] }, {})).toThrow(/Edge 1/);
  });
});

describe("outputLabels", () => {
  it("follows each kind's params", () => {
    expect(outputLabels("condition", {})).toEqual(["yes", "no"]);
    expect(outputLabels("exit", {})).toEqual([]);
    expect(outputLabels("wait", { mode: "duration", hours: 1 })).toEqual(["next"]);
    expect(outputLabels("wait", { mode: "duration", from: "opened", node: "e" })).toEqual(["next", "timeout"]);
    expect(outputLabels("wait", { mode: "duration", from: "entry" })).toEqual(["next"]);
    expect(outputLabels("wait", { mode: "until_event", event: "order_placed" })).toEqual(["event", "timeout"]);
    expect(outputLabels("split", { branches: [{ label: "A" }, { label: "" }, { label: "B" }, { label: "A" }] })).toEqual([
      "A",
      "B",
    ]);
    expect(outputLabels("send_sms", {})).toEqual(["next"]);
  });
});

function chainDraft(): Draft {
  return fromDocument(TEMPLATES.find(([key]) => key === "cart_abandonment")?.[1].graph, {});
}

describe("edits", () => {
  it("adds nodes with fresh ids and default params", () => {
    const empty: Draft = { nodes: [], edges: [], settings: {} };
    const first = addNode(empty, "trigger", { x: 1, y: 2 });
    expect(first.id).toBe("trigger");
    const second = addNode(first.draft, "wait", { x: 0, y: 0 });
    const third = addNode(second.draft, "wait", { x: 0, y: 0 });
    expect([second.id, third.id]).toEqual(["wait_1", "wait_2"]);
    expect(third.draft.nodes[2].data.params).toEqual({ mode: "duration", hours: 1 });
    expect(newNodeId("exit", ["exit"])).toBe("exit_1");
  });

  it("connects a handle to one target, replacing the previous edge", () => {
    let draft = chainDraft();
    draft = connect(draft, { source: "trigger", sourceHandle: "next", target: "wait_1" });
    const fromTrigger = draft.edges.filter((e) => e.source === "trigger");
    expect(fromTrigger).toHaveLength(1);
    expect(fromTrigger[0]).toMatchObject({ target: "wait_1", sourceHandle: "next" });
    expect(toDocument(draft).edges.at(-1)).toEqual({ source: "trigger", target: "wait_1", label: "next" });
  });

  it("refuses edges the graph cannot have", () => {
    const draft = fromDocument(branching, {});
    expect(connectionProblem(draft, { source: "exit", sourceHandle: null, target: "thanks" })).toMatch(/no output/);
    expect(connectionProblem(draft, { source: "thanks", sourceHandle: "next", target: "trigger" })).toMatch(/trigger/);
    expect(connectionProblem(draft, { source: "repeat", sourceHandle: "maybe", target: "exit" })).toMatch(/maybe/);
    expect(() => connect(draft, { source: "ghost", sourceHandle: null, target: "exit" })).toThrow(DocumentError);
    expect(connectionProblem(draft, { source: "repeat", sourceHandle: "no", target: "ab" })).toBeNull();
  });

  it("removes nodes with their edges", () => {
    const draft = removeElements(fromDocument(branching, {}), ["ab"]);
    expect(draft.nodes.map((n) => n.id)).not.toContain("ab");
    expect(draft.edges.some((e) => e.source === "ab" || e.target === "ab")).toBe(false);
    const edgeGone = removeElements(draft, [], [draft.edges[0].id]);
    expect(edgeGone.edges).toHaveLength(draft.edges.length - 1);
    expect(removeElements(draft, ["ab"], ["nope"])).toBe(draft);
  });

  it("renames split edges with their branch and drops edges of labels that are gone", () => {
    let draft = fromDocument(branching, {});
    draft = updateNode(draft, "ab", {
      params: { branches: [{ label: "A", percent: 70 }, { label: "Control", percent: 30 }] },
    });
    expect(draft.edges.find((e) => e.source === "ab" && e.target === "tag")?.sourceHandle).toBe("Control");
    draft = updateNode(draft, "opened", { params: { mode: "duration", hours: 2 } });
    expect(draft.edges.filter((e) => e.source === "opened").map((e) => e.sourceHandle)).toEqual([]);
    draft = updateNode(draft, "thanks", { name: "Merci" });
    expect(toDocument(draft).nodes[1].name).toBe("Merci");
  });

  it("sets and clears outputs from a form, one target per output", () => {
    let draft = fromDocument(branching, {});
    expect(outputsOf(draft, "repeat")).toEqual([
      { label: "yes", target: "ab" },
      { label: "no", target: "exit" },
    ]);
    draft = setOutput(draft, "repeat", "no", "later");
    draft = setOutput(draft, "repeat", "yes", null);
    expect(outputsOf(draft, "repeat")).toEqual([
      { label: "yes", target: null },
      { label: "no", target: "later" },
    ]);
    expect(() => setOutput(draft, "repeat", "yes", "trigger")).toThrow(DocumentError);
    expect(outputsOf(draft, "ghost")).toEqual([]);
  });

  it("finds the send nodes upstream of a node", () => {
    const draft = fromDocument(branching, {});
    expect(upstreamSends(draft, "later").map((n) => n.id)).toEqual(["thanks", "text"]);
    expect(upstreamSends(draft, "tag", ["send_email"]).map((n) => n.id)).toEqual(["thanks"]);
    expect(upstreamSends(draft, "trigger")).toEqual([]);
  });
});
