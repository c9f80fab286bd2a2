import { renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { usePolling } from "./usePolling";

function setVisibility(state: "visible" | "hidden") {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  document.dispatchEvent(new Event("visibilitychange"));
}

describe("usePolling", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    setVisibility("visible");
  });

  it("loads at once, then on each interval while visible, and again on becoming visible", () => {
    setVisibility("visible");
    const load = vi.fn();
    const { unmount } = renderHook(() => usePolling(load, 5000, []));
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(load).toHaveBeenCalledTimes(3);
    setVisibility("hidden");
    vi.advanceTimersByTime(20_000);
    expect(load).toHaveBeenCalledTimes(3);
    setVisibility("visible");
    expect(load).toHaveBeenCalledTimes(4);
    unmount();
    vi.advanceTimersByTime(20_000);
    expect(load).toHaveBeenCalledTimes(4);
  });
});
