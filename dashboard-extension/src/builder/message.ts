/* Message content (messaging/rendering/content.py) as the editor sees it: variants per
language, or the single-language form that serves every language. Pure. */

import { isRecord } from "./document";

export type Channel = "email" | "sms";

export const FIELDS: Record<Channel, string[]> = {
  email: ["subject", "preheader", "mjml"],
  sms: ["text"],
};

export const SINGLE = ""; // the key the editor uses for the single-language form

const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/;

export interface MessageView {
  languages: string[]; // [SINGLE] for the single-language form
  defaultLanguage: string;
}

export function messageView(message: unknown): MessageView {
  if (isRecord(message) && isRecord(message.variants)) {
    const languages = Object.keys(message.variants);
    const fallback = languages[0] ?? "en";
    const defaultLanguage = typeof message.default_language === "string" ? message.default_language : fallback;
    return { languages: languages.length ? languages : [defaultLanguage], defaultLanguage };
  }
  return { languages: [SINGLE], defaultLanguage: SINGLE };
}

export function variantOf(message: unknown, language: string): Record<string, string> {
  if (!isRecord(message)) return {};
  const variant = language === SINGLE ? message : isRecord(message.variants) ? message.variants[language] : undefined;
  if (!isRecord(variant)) return {};
  return Object.fromEntries(Object.entries(variant).filter(([, value]) => typeof value === "string")) as Record<string, string>;
}

export function setVariantField(message: unknown, language: string, field: string, value: string): Record<string, unknown> {
  const base = isRecord(message) ? message : {};
  if (language === SINGLE) return { ...base, [field]: value };
  const variants = isRecord(base.variants) ? base.variants : {};
  return { ...base, variants: { ...variants, [language]: { ...variantOf(base, language), [field]: value } } };
}

export class LanguageError extends Error {}

/* Add a language, copying the default language's content as a starting point. A
single-language message becomes a variant of `existingAs` first. */
export function addLanguage(message: unknown, code: string, channel: Channel, existingAs = "en"): Record<string, unknown> {
  const language = code.trim().toLowerCase();
  if (!LANGUAGE.test(language)) throw new LanguageError(`"${code}" is not a language code such as "de" or "pt-br".`);
  const view = messageView(message);
  let base: Record<string, unknown>;
  if (view.languages[0] === SINGLE) {
    if (language === existingAs) throw new LanguageError(`The message is already in "${language}".`);
    const single = variantOf(message, SINGLE);
    base = { default_language: existingAs, variants: { [existingAs]: single } };
  } else {
    base = { ...(message as Record<string, unknown>) };
  }
  const variants = base.variants as Record<string, unknown>;
  if (language in variants) throw new LanguageError(`The message already has "${language}".`);
  const template = variantOf(base, base.default_language as string);
  const copy = Object.fromEntries(FIELDS[channel].map((field) => [field, template[field] ?? ""]));
  return { ...base, variants: { ...variants, [language]: copy } };
}

export function removeLanguage(message: unknown, language: string): Record<string, unknown> {
  const view = messageView(message);
  if (view.languages.length <= 1 || !isRecord(message) || !isRecord(message.variants)) {
    throw new LanguageError("A message needs at least one language.");
  }
  const variants = { ...message.variants };
  delete variants[language];
  const defaultLanguage = message.default_language === language ? Object.keys(variants)[0] : message.default_language;
  return { ...message, default_language: defaultLanguage, variants };
}

export function setDefaultLanguage(message: unknown, language: string): Record<string, unknown> {
  if (!isRecord(message) || !isRecord(message.variants) || !(language in message.variants)) {
    throw new LanguageError(`The message has no "${language}" version.`);
  }
  return { ...message, default_language: language };
}
