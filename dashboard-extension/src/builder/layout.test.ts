import { describe, expect, it } from "vitest";

import branching from "./__fixtures__/branching.json";
import type { GraphDocument } from "./types";
import { COLUMN_WIDTH, ROW_HEIGHT, autoLayout } from "./layout";

describe("autoLayout", () => {
  it("puts each node one row below the first node leading to it, rows centred", () => {
    const positions = autoLayout(branching as GraphDocument);
    expect(positions.trigger).toEqual({ x: 0, y: 0 });
    expect(positions.thanks).toEqual({ x: 0, y: ROW_HEIGHT });
    // "opened" leads to "repeat" (event) and "exit" (timeout): side by side on row 3.
    expect(positions.repeat.y).toBe(3 * ROW_HEIGHT);
    expect(positions.exit.y).toBe(3 * ROW_HEIGHT);
    expect(positions.repeat.x).toBe(-COLUMN_WIDTH / 2);
    expect(positions.exit.x).toBe(COLUMN_WIDTH / 2);
  });

  it("places nodes nothing leads to below the rest", () => {
    const positions = autoLayout({
      nodes: [
        { id: "t", type: "trigger", params: {} },
        { id: "lonely", type: "exit", params: {} },
      ],
      edges: [{ source: "t", target: "nowhere", label: "next" }],
    });
    expect(positions).toEqual({ t: { x: 0, y: 0 }, lonely: { x: 0, y: ROW_HEIGHT } });
    expect(autoLayout({ nodes: [], edges: [] })).toEqual({});
    expect(autoLayout(branching as GraphDocument, 200).thanks).toEqual({ x: 0, y: 200 });
  });
});
