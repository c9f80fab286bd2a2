// @vitest-environment node
import { describe, expect, it } from "vitest";

import { defaultFlowId, outcomeMessage } from "./orderAction";

describe("order action", () => {
  it("offers a feedback flow first", () => {
    const flows = [
      { id: "1", name: "Cart abandonment", priority: 10 },
      { id: "2", name: "Purchase feedback and cross-sell", priority: 100 },
    ];
    expect(defaultFlowId(flows)).toBe("2");
    expect(defaultFlowId([flows[0]])).toBe("1");
    expect(defaultFlowId([])).toBe("");
  });

  it("explains each outcome of the entry gate", () => {
    expect(outcomeMessage("ENTERED", "Feedback")).toMatchObject({ status: "success", title: "Flow started" });
    expect(outcomeMessage("DUPLICATE", "Feedback").title).toBe("Already started for this order");
    expect(outcomeMessage("FILTERED", "Feedback").text).toContain("entry filter");
    expect(outcomeMessage("HOLDOUT", "Feedback").status).toBe("info");
  });
});
