// @vitest-environment node
import { describe, expect, it } from "vitest";

import { formatDateTime, formatMoney, formatRate, lastDays } from "./format";

describe("format", () => {
  it("never adds amounts of different currencies", () => {
    // Intl puts a no-break space between a currency code and the number.
    expect(formatMoney([{ currency: "EUR", amount: "10" }, { currency: "PLN", amount: 5 }])).toMatch(
      /^€10\.00 \+ PLN\s5\.00$/,
    );
  });

  it("keeps an unknown currency code readable", () => {
    expect(formatMoney([{ currency: "XYZ1", amount: "3" }])).toBe("3 XYZ1");
  });

  it("rates", () => {
    expect(formatRate(1, 3)).toBe("33.3%");
    expect(formatRate(1, 0)).toBe("—");
  });

  it("the last N days end today, in UTC", () => {
    expect(lastDays(30, new Date("2026-03-01T23:30:00Z"))).toEqual({ since: "2026-01-31", until: "2026-03-01" });
    expect(lastDays(1, new Date("2026-03-01T00:00:00Z"))).toEqual({ since: "2026-03-01", until: "2026-03-01" });
  });

  it("dates that are missing or broken show a dash", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });
});
