/* The predicate language of flows/predicates.py as the form editor shows it: one list of
rules joined by "all" or "any". Anything deeper (not, nested groups) has no form and is
edited as JSON; `toRuleSet` says so by returning null. Pure. */

import { isRecord } from "./document";

export type FieldKind = "string" | "number" | "moment" | "boolean" | "set" | "any";

export interface FieldOption {
  field: string;
  label: string;
  kind: FieldKind;
}

export const CONTACT_FIELDS: FieldOption[] = [
  { field: "contact.email", label: "Email", kind: "string" },
  { field: "contact.country", label: "Country", kind: "string" },
  { field: "contact.city", label: "City", kind: "string" },
  { field: "contact.postal_code", label: "Postal code", kind: "string" },
  { field: "contact.language", label: "Language", kind: "string" },
  { field: "contact.timezone", label: "Time zone", kind: "string" },
  { field: "contact.order_count", label: "Number of orders", kind: "number" },
  { field: "contact.marketing_consent", label: "Email consent", kind: "boolean" },
  { field: "contact.sms_consent", label: "SMS consent", kind: "boolean" },
  { field: "contact.needs_opt_in", label: "Must confirm subscription (double opt-in)", kind: "boolean" },
  { field: "contact.first_order_at", label: "First order", kind: "moment" },
  { field: "contact.last_order_at", label: "Last order", kind: "moment" },
  { field: "contact.groups", label: "Customer groups", kind: "set" },
];

export const OPS_BY_KIND: Record<FieldKind, string[]> = {
  string: ["eq", "ne", "in", "not_in", "starts_with", "contains", "exists"],
  number: ["eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "exists"],
  moment: ["gt", "gte", "lt", "lte", "exists"],
  boolean: ["eq", "ne", "exists"],
  set: ["contains", "in", "not_in", "exists"],
  any: ["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "starts_with", "contains", "exists"],
};

export const OP_LABELS: Record<string, string> = {
  eq: "is",
  ne: "is not",
  in: "is one of",
  not_in: "is none of",
  gt: "greater than / after",
  gte: "at least",
  lt: "less than / before",
  lte: "at most",
  starts_with: "starts with",
  contains: "contains",
  exists: "is set",
};

/* The kind of any field path: the known contact fields, contact.spend.<CUR> (a number),
message.<node>.<event> (a moment), the rest (attributes, context) untyped. */
export function fieldKind(field: string): FieldKind {
  const known = CONTACT_FIELDS.find((option) => option.field === field);
  if (known) return known.kind;
  if (/^contact\.spend\.[A-Z]{3}$/.test(field)) return "number";
  if (/^message\.[^.]+\.[a-z_]+$/.test(field)) return "moment";
  return "any";
}

export interface Rule {
  field: string;
  op: string;
  value: string; // as typed; parsed by fromRuleSet
}

export interface RuleSet {
  combinator: "all" | "any";
  rules: Rule[];
}

const RELATIVE = /^(\d+)\s*(day|hour|minute)s?\s+ago$/i;

export class PredicateFormError extends Error {}

function valueText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === "string" || typeof item === "number")) {
    return value.join(", ");
  }
  if (isRecord(value)) {
    const [unit, amount] = Object.entries(value)[0] ?? [];
    const match = /^(days|hours|minutes)_ago$/.exec(unit ?? "");
    if (match && Object.keys(value).length === 1 && typeof amount === "number") {
      return `${amount} ${match[1].slice(0, -1)}${amount === 1 ? "" : "s"} ago`;
    }
  }
  return null;
}

function leafRule(leaf: unknown): Rule | null {
  if (!isRecord(leaf) || typeof leaf.field !== "string" || typeof leaf.op !== "string") return null;
  if (leaf.op === "exists") {
    return { field: leaf.field, op: "exists", value: leaf.value === false ? "false" : "true" };
  }
  const text = valueText(leaf.value);
  return text === null ? null : { field: leaf.field, op: leaf.op, value: text };
}

/* The form's view of a predicate, or null when it needs the JSON editor. */
export function toRuleSet(predicate: unknown): RuleSet | null {
  if (predicate === null || predicate === undefined) return { combinator: "all", rules: [] };
  if (!isRecord(predicate)) return null;
  for (const combinator of ["all", "any"] as const) {
    const items = predicate[combinator];
    if (Array.isArray(items) && Object.keys(predicate).length === 1) {
      const rules = items.map(leafRule);
      return rules.every((rule) => rule !== null) ? { combinator, rules: rules as Rule[] } : null;
    }
  }
  const rule = leafRule(predicate);
  return rule ? { combinator: "all", rules: [rule] } : null;
}

function scalar(kind: FieldKind, text: string): string | number | boolean {
  const trimmed = text.trim();
  if (kind === "number" || (kind === "any" && /^-?\d+(\.\d+)?$/.test(trimmed))) {
    const number = Number(trimmed);
    if (trimmed === "" || Number.isNaN(number)) throw new PredicateFormError(`"${text}" is not a number.`);
    return number;
  }
  if (kind === "boolean") {
    if (!["true", "false"].includes(trimmed.toLowerCase())) throw new PredicateFormError("Choose yes or no.");
    return trimmed.toLowerCase() === "true";
  }
  return trimmed;
}

export function ruleValue(rule: Rule): unknown {
  const kind = fieldKind(rule.field);
  if (rule.op === "exists") return rule.value !== "false";
  if (rule.op === "in" || rule.op === "not_in") {
    const items = rule.value.split(",").map((item) => item.trim()).filter(Boolean);
    if (!items.length) throw new PredicateFormError("List at least one value, separated by commas.");
    return items.map((item) => scalar(kind === "set" ? "string" : kind, item));
  }
  if (rule.op === "starts_with" && rule.value.includes(",")) {
    return rule.value.split(",").map((item) => item.trim()).filter(Boolean);
  }
  if (kind === "moment") {
    const match = RELATIVE.exec(rule.value.trim());
    if (match) return { [`${match[2].toLowerCase()}s_ago`]: Number(match[1]) };
    if (Number.isNaN(Date.parse(rule.value))) {
      throw new PredicateFormError(`Write a moment as "30 days ago" or an ISO date, not "${rule.value}".`);
    }
    return rule.value.trim();
  }
  return scalar(kind === "set" ? "string" : kind, rule.value);
}

/* The predicate JSON of a rule set; null for no rules (no filter). Throws
PredicateFormError for a value that does not fit its field. */
export function fromRuleSet(set: RuleSet): Record<string, unknown> | null {
  if (!set.rules.length) return null;
  const leaves = set.rules.map((rule) => {
    if (!rule.field.trim()) throw new PredicateFormError("Every rule needs a field.");
    return { field: rule.field.trim(), op: rule.op, value: ruleValue(rule) };
  });
  return { [set.combinator]: leaves };
}
