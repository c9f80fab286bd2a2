import { describe, expect, it } from "vitest";

import { HISTORY_LIMIT, type HistoryAction, canRedo, canUndo, historyInit, historyReducer } from "./history";

function set<T>(value: T, group?: string): HistoryAction<T> {
  return { type: "edit", update: () => value, group };
}

describe("historyReducer", () => {
  it("undoes and redoes edits in order", () => {
    let h = historyInit(0);
    h = historyReducer(h, set(1));
    h = historyReducer(h, set(2));
    expect(h.present).toBe(2);
    h = historyReducer(h, { type: "undo" });
    expect(h.present).toBe(1);
    h = historyReducer(h, { type: "undo" });
    expect(h.present).toBe(0);
    expect(canUndo(h)).toBe(false);
    h = historyReducer(h, { type: "redo" });
    expect(h.present).toBe(1);
    expect(canRedo(h)).toBe(true);
  });

  it("drops the redo branch on a new edit", () => {
    let h = historyReducer(historyReducer(historyInit(0), set(1)), { type: "undo" });
    h = historyReducer(h, set(5));
    expect(canRedo(h)).toBe(false);
    expect(h.past).toEqual([0]);
  });

  it("merges consecutive edits of one group into one step", () => {
    let h = historyInit("");
    for (const text of ["H", "He", "Hey"]) h = historyReducer(h, set(text, "subject"));
    h = historyReducer(h, set("x", "other"));
    expect(h.past).toEqual(["", "Hey"]);
    h = historyReducer(h, { type: "undo" });
    h = historyReducer(h, { type: "undo" });
    expect(h.present).toBe("");
  });

  it("starts a new step after undo or seal even within a group", () => {
    let h = historyReducer(historyInit(0), set(1, "g"));
    h = historyReducer(h, { type: "seal" });
    h = historyReducer(h, set(2, "g"));
    expect(h.past).toEqual([0, 1]);
  });

  it("ignores an edit that changes nothing and undo/redo at the ends", () => {
    const h = historyInit({ a: 1 });
    expect(historyReducer(h, { type: "edit", update: (s) => s })).toBe(h);
    expect(historyReducer(h, { type: "undo" })).toBe(h);
    expect(historyReducer(h, { type: "redo" })).toBe(h);
  });

  it("keeps at most HISTORY_LIMIT steps", () => {
    let h = historyInit(0);
    for (let i = 1; i <= HISTORY_LIMIT + 10; i += 1) h = historyReducer(h, set(i));
    expect(h.past.length).toBe(HISTORY_LIMIT);
    expect(h.past[0]).toBe(10);
  });

  it("reset forgets everything", () => {
    const h = historyReducer(historyReducer(historyInit(0), set(1)), { type: "reset", state: 7 });
    expect(h).toEqual({ past: [], present: 7, future: [], group: null });
  });
});
