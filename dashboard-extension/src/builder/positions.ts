/* Where the operator left the nodes, per flow, in this browser. The graph document has no
place for positions (the server refuses unknown keys), and a layout recomputed on every
load would undo the operator's arrangement. */

import type { XY } from "./types";

const PREFIX = "saleor-automation:positions:";

export function loadPositions(flowId: string, storage: Pick<Storage, "getItem"> | null = safeStorage()): Record<string, XY> {
  try {
    const raw = storage?.getItem(PREFIX + flowId);
    const parsed = raw ? (JSON.parse(raw) as unknown) : null;
    if (!parsed || typeof parsed !== "object") return {};
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter(
        (entry): entry is [string, XY] =>
          typeof entry[1] === "object" &&
          entry[1] !== null &&
          Number.isFinite((entry[1] as XY).x) &&
          Number.isFinite((entry[1] as XY).y),
      ),
    );
  } catch {
    return {};
  }
}

export function storePositions(flowId: string, positions: Record<string, XY>, storage: Pick<Storage, "setItem"> | null = safeStorage()): void {
  try {
    storage?.setItem(PREFIX + flowId, JSON.stringify(positions));
  } catch {
    // Storage full or blocked (third-party iframe): the layout falls back to automatic.
  }
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
