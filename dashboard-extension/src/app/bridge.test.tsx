import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { FakeBridge } from "../test/fakeBridge";
import { currentAuth, notify, setAppBridge, useAppBridgeState } from "./bridge";

function Probe() {
  const state = useAppBridgeState();
  return <output>{`${state.ready}:${state.token}:${state.theme}`}</output>;
}

afterEach(() => setAppBridge(null));

describe("bridge", () => {
  it("re-renders with the new token after a tokenRefresh", () => {
    const bridge = new FakeBridge();
    setAppBridge(bridge);
    render(<Probe />);
    expect(screen.getByRole("status")).toHaveTextContent("true:token-1:light");
    act(() => bridge.refreshToken("token-2"));
    expect(screen.getByRole("status")).toHaveTextContent("true:token-2:light");
    expect(currentAuth().token).toBe("token-2");
  });

  it("is not ready without a token", () => {
    const bridge = new FakeBridge();
    bridge.state.token = undefined;
    setAppBridge(bridge);
    render(<Probe />);
    expect(screen.getByRole("status")).toHaveTextContent("false:null:light");
  });

  it("sends notifications as AppBridge actions", async () => {
    const bridge = new FakeBridge();
    setAppBridge(bridge);
    await notify("success", "Saved", "All good");
    expect(bridge.dispatched).toHaveLength(1);
    expect(bridge.dispatched[0].type).toBe("notification");
    expect(bridge.dispatched[0].payload).toMatchObject({ status: "success", title: "Saved", text: "All good" });
  });
});
