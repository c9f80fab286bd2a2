import { describe, expect, it } from "vitest";

import { PredicateFormError, fieldKind, fromRuleSet, toRuleSet } from "./predicate";

describe("toRuleSet / fromRuleSet", () => {
  it("round-trips a flat rule list of every value shape", () => {
    const predicate = {
      any: [
        { field: "contact.order_count", op: "gt", value: 1 },
        { field: "contact.groups", op: "contains", value: "vip" },
        { field: "contact.country", op: "in", value: ["DE", "AT"] },
        { field: "contact.postal_code", op: "starts_with", value: ["10", "12"] },
        { field: "contact.last_order_at", op: "lt", value: { days_ago: 90 } },
        { field: "contact.marketing_consent", op: "eq", value: true },
        { field: "message.thanks.opened", op: "exists", value: false },
        { field: "context.checkout.total", op: "gte", value: 50 },
      ],
    };
    const set = toRuleSet(predicate);
    expect(set?.combinator).toBe("any");
    expect(set?.rules[4].value).toBe("90 days ago");
    expect(fromRuleSet(set!)).toEqual(predicate);
  });

  it("reads a single leaf as a one-rule list and no predicate as no rules", () => {
    expect(toRuleSet({ field: "contact.country", op: "eq", value: "DE" })).toEqual({
      combinator: "all",
      rules: [{ field: "contact.country", op: "eq", value: "DE" }],
    });
    expect(toRuleSet(null)).toEqual({ combinator: "all", rules: [] });
    expect(fromRuleSet({ combinator: "all", rules: [] })).toBeNull();
  });

  it("leaves nested predicates to the JSON editor", () => {
    expect(toRuleSet({ not: { field: "contact.country", op: "eq", value: "DE" } })).toBeNull();
    expect(toRuleSet({ all: [{ any: [] }] })).toBeNull();
    expect(toRuleSet({ field: "contact.country", op: "eq", value: { weird: 1 } })).toBeNull();
    expect(toRuleSet("x")).toBeNull();
  });

  it("refuses values that do not fit the field", () => {
    const bad = (field: string, op: string, value: string) => () =>
      fromRuleSet({ combinator: "all", rules: [{ field, op, value }] });
    expect(bad("contact.order_count", "gt", "many")).toThrow(PredicateFormError);
    expect(bad("contact.marketing_consent", "eq", "maybe")).toThrow(/yes or no/);
    expect(bad("contact.last_order_at", "lt", "last week")).toThrow(/30 days ago/);
    expect(bad("contact.country", "in", " , ")).toThrow(/at least one/);
    expect(bad(" ", "eq", "x")).toThrow(/needs a field/);
  });

  it("types fields by their path", () => {
    expect(fieldKind("contact.spend.EUR")).toBe("number");
    expect(fieldKind("message.email_1.clicked")).toBe("moment");
    expect(fieldKind("contact.attributes.tier")).toBe("any");
    expect(fieldKind("contact.groups")).toBe("set");
  });
});
