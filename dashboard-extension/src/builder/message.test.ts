import { describe, expect, it } from "vitest";

import {
  LanguageError,
  SINGLE,
  addLanguage,
  messageView,
  removeLanguage,
  setDefaultLanguage,
  setVariantField,
  variantOf,
} from "./message";

const both = {
  default_language: "en",
  variants: { en: { subject: "Hi", mjml: "<mj-section/>" }, de: { subject: "Hallo", mjml: "" } },
};

describe("message content", () => {
  it("views variants and the single-language form", () => {
    expect(messageView(both)).toEqual({ languages: ["en", "de"], defaultLanguage: "en" });
    expect(messageView({ text: "Hi" })).toEqual({ languages: [SINGLE], defaultLanguage: SINGLE });
    expect(variantOf(both, "de")).toEqual({ subject: "Hallo", mjml: "" });
    expect(variantOf({ text: "Hi", marketing: true }, SINGLE)).toEqual({ text: "Hi" });
    expect(variantOf(null, "en")).toEqual({});
  });

  it("edits one field of one language and nothing else", () => {
    const edited = setVariantField(both, "de", "subject", "Servus");
    expect(variantOf(edited, "de").subject).toBe("Servus");
    expect(variantOf(edited, "en")).toEqual(both.variants.en);
    expect(both.variants.de.subject).toBe("Hallo");
    expect(setVariantField({ text: "a" }, SINGLE, "text", "b")).toEqual({ text: "b" });
  });

  it("adds a language from the default's content, turning a single form into variants", () => {
    const fr = addLanguage(both, "FR", "email");
    expect(variantOf(fr, "fr")).toEqual({ subject: "Hi", preheader: "", mjml: "<mj-section/>" });
    const sms = addLanguage({ text: "Hi" }, "de", "sms");
    expect(sms).toEqual({ default_language: "en", variants: { en: { text: "Hi" }, de: { text: "Hi" } } });
    expect(() => addLanguage(both, "de", "email")).toThrow(LanguageError);
    expect(() => addLanguage(both, "german!", "email")).toThrow(/language code/);
    expect(() => addLanguage({ text: "x" }, "en", "sms")).toThrow(/already/);
  });

  it("removes a language, moving the default when needed, and sets the default", () => {
    const left = removeLanguage(both, "en");
    expect(left).toEqual({ default_language: "de", variants: { de: both.variants.de } });
    expect(() => removeLanguage(left, "de")).toThrow(/at least one/);
    expect(setDefaultLanguage(both, "de").default_language).toBe("de");
    expect(() => setDefaultLanguage(both, "it")).toThrow(LanguageError);
  });
});
