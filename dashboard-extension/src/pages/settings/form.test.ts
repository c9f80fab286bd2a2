// @vitest-environment node
import { describe, expect, it } from "vitest";

import { GraphQLRequestError } from "../../api/client";
import { changedInput, defaultText, FIELDS, fieldProblems, formValues, validate } from "./form";

const OWN = {
  timezone: "Europe/Berlin",
  frequencyCapMessages: 3,
  frequencyCapHours: null,
  assumeMarketingConsent: null,
  fromName: "Shop",
  checkoutUrl: null,
};

describe("settings form", () => {
  it("shows unset fields empty and booleans as text", () => {
    const values = formValues({ ...OWN, assumeMarketingConsent: false });
    expect(values.timezone).toBe("Europe/Berlin");
    expect(values.frequencyCapMessages).toBe("3");
    expect(values.frequencyCapHours).toBe("");
    expect(values.assumeMarketingConsent).toBe("false");
    expect(Object.keys(values).sort()).toEqual(FIELDS.map((f) => f.name).sort());
  });

  it("sends only what changed, typed, with emptied fields back to the default (null)", () => {
    const initial = formValues(OWN);
    const current = {
      ...initial,
      frequencyCapMessages: "5",
      fromName: "",
      assumeMarketingConsent: "true",
      checkoutUrl: " https://shop.example.com/c/{token} ",
    };
    expect(changedInput(initial, current)).toEqual({
      frequencyCapMessages: 5,
      fromName: null,
      assumeMarketingConsent: true,
      checkoutUrl: "https://shop.example.com/c/{token}",
    });
    expect(changedInput(initial, { ...initial, timezone: " Europe/Berlin " })).toEqual({});
  });

  it("catches values the API would refuse", () => {
    const values = formValues(OWN);
    expect(validate(values)).toEqual({});
    expect(
      validate({
        ...values,
        frequencyCapMessages: "two",
        frequencyCapHours: "0",
        fromEmail: "shop",
        checkoutUrl: "https://shop.example.com/checkout",
        productUrl: "shop.example.com/{slug}",
      }),
    ).toEqual({
      frequencyCapMessages: "Enter a whole number.",
      frequencyCapHours: "Enter 1 or more.",
      fromEmail: "Enter an email address.",
      checkoutUrl: "The URL must contain {token}.",
      productUrl: "Enter an http(s) URL.",
    });
  });

  it("describes the default in force", () => {
    const cap = FIELDS.find((f) => f.name === "frequencyCapHours")!;
    const consent = FIELDS.find((f) => f.name === "assumeMarketingConsent")!;
    expect(defaultText(cap, { frequencyCapHours: 24 })).toBe("Default: 24");
    expect(defaultText(consent, { assumeMarketingConsent: false })).toBe(
      "Default: ask for consent (no marketing)",
    );
    expect(defaultText(cap, {})).toBe("Default: none");
    const model = FIELDS.find((f) => f.name === "attributionModel")!;
    expect(defaultText(model, { attributionModel: "click" })).toBe("Default: the last message clicked");
    const quiet = FIELDS.find((f) => f.name === "quietHours")!;
    expect(defaultText(quiet, { quietHours: "" })).toBe("Default: none");
    expect(defaultText(quiet, { quietHours: "21:00-08:00" })).toBe("Default: 21:00-08:00");
  });

  it("checks quiet hours and day windows before sending them", () => {
    const base = formValues({});
    expect(validate({ ...base, quietHours: "21:00-08:00", attributionClickDays: "5" })).toEqual({});
    expect(validate({ ...base, quietHours: "off" })).toEqual({});
    expect(validate({ ...base, quietHours: "9-17", attributionOpenDays: "91" })).toEqual({
      quietHours: 'Enter "HH:MM-HH:MM" (e.g. 21:00-08:00) or "off".',
      attributionOpenDays: "Enter 90 or less.",
    });
    expect(validate({ ...base, quietHours: "08:00-08:00" })).toHaveProperty("quietHours");
    expect(changedInput(base, { ...base, attributionModel: "click_or_open" })).toEqual({
      attributionModel: "click_or_open",
    });
  });

  it("puts the API's field errors next to the right field", () => {
    const error = new GraphQLRequestError(["Unknown time zone.", "Bad."], { fields: ["timezone", null] });
    expect(fieldProblems(error)).toEqual({ timezone: "Unknown time zone." });
    const snake = new GraphQLRequestError(["Too big."], { fields: ["frequency_cap_hours"] });
    expect(fieldProblems(snake)).toEqual({ frequencyCapHours: "Too big." });
  });
});
