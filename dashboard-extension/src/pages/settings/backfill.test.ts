// @vitest-environment node
import { describe, expect, it } from "vitest";

import { backfillPercent, type BackfillRun } from "./backfill";

function run(progress: BackfillRun["progress"], status: BackfillRun["status"] = "RUNNING"): BackfillRun {
  return { id: "1", status, since: null, error: "", startedAt: "", updatedAt: "", finishedAt: null, progress };
}

describe("backfillPercent", () => {
  it("weighs each resource the same, counting those not started as 0", () => {
    expect(
      backfillPercent(
        run([
          { name: "customers", imported: 50, total: 100, done: false },
          { name: "orders", imported: 0, total: null, done: false },
        ]),
      ),
    ).toBe(25);
  });

  it("counts a finished resource as complete even if Saleor's total was off", () => {
    expect(
      backfillPercent(
        run([
          { name: "customers", imported: 98, total: 100, done: true },
          { name: "orders", imported: 150, total: 100, done: false },
          { name: "checkouts", imported: 0, total: null, done: false },
        ]),
      ),
    ).toBe(66);
  });

  it("is unknown without resources, and full when done", () => {
    expect(backfillPercent(run([]))).toBeNull();
    expect(backfillPercent(run([], "DONE"))).toBe(100);
  });
});
