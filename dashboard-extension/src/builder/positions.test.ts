import { describe, expect, it } from "vitest";

import { loadPositions, storePositions } from "./positions";

function memory() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe("positions", () => {
  it("stores and loads per flow", () => {
    const storage = memory();
    storePositions("F1", { a: { x: 1, y: 2 } }, storage);
    expect(loadPositions("F1", storage)).toEqual({ a: { x: 1, y: 2 } });
    expect(loadPositions("F2", storage)).toEqual({});
  });

  it("ignores broken entries and unreadable storage", () => {
    const storage = memory();
    storage.setItem("saleor-automation:positions:F1", JSON.stringify({ a: { x: 1 }, b: { x: 3, y: 4 }, c: 5 }));
    expect(loadPositions("F1", storage)).toEqual({ b: { x: 3, y: 4 } });
    storage.setItem("saleor-automation:positions:F1", "{not json");
    expect(loadPositions("F1", storage)).toEqual({});
    const throwing = { getItem: () => { throw new Error("blocked"); }, setItem: () => { throw new Error("full"); } };
    expect(loadPositions("F1", throwing)).toEqual({});
    expect(() => storePositions("F1", {}, throwing)).not.toThrow();
  });
});
