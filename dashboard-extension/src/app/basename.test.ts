// @vitest-environment node
import { describe, expect, it } from "vitest";

import { normalizePath, routerBasename } from "./basename";

describe("routerBasename", () => {
  it("serves the same routes under /dashboard, at the root and with a doubled slash", () => {
    expect(routerBasename("/dashboard/flows")).toBe("/dashboard");
    expect(routerBasename("/dashboard/")).toBe("/dashboard");
    expect(routerBasename("/dashboard")).toBe("/dashboard");
    expect(routerBasename("/dashboard//flows")).toBe("/dashboard");
    expect(routerBasename("/flows")).toBe("/");
    expect(routerBasename("/dashboardx/flows")).toBe("/");
    expect(normalizePath("/dashboard//flows/1//edit")).toBe("/dashboard/flows/1/edit");
  });
});
