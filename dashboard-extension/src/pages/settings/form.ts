/** The settings form: the API's values as form strings, validation, and the input of only
 * what changed (an emptied field goes back to the deployment default: null). */

import { GraphQLRequestError } from "../../api/client";

export type FieldKind = "text" | "int" | "bool" | "email" | "url" | "textarea" | "timezone";

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  help: string;
  /** For URL templates: the placeholder the URL must contain. */
  slot?: string;
  min?: number;
}

export interface FieldGroup {
  id: string;
  title: string;
  note?: string;
  fields: FieldSpec[];
}

export const GROUPS: FieldGroup[] = [
  {
    id: "sender",
    title: "Sender",
    fields: [
      { name: "fromName", label: "From name", kind: "text", help: "Shown as the sender of every email." },
      { name: "fromEmail", label: "From address", kind: "email", help: "Must be a domain your email provider lets you send from." },
      { name: "replyTo", label: "Reply-to address", kind: "email", help: "Where replies go." },
      {
        name: "postalAddress",
        label: "Postal address",
        kind: "textarea",
        help: "Printed in the footer of marketing emails (required by anti-spam laws).",
      },
    ],
  },
  {
    id: "rules",
    title: "Sending rules",
    note: "Quiet hours and send windows are set per flow, in the builder's flow settings.",
    fields: [
      { name: "timezone", label: "Store time zone", kind: "timezone", help: "For contacts whose own time zone is unknown." },
      {
        name: "frequencyCapMessages",
        label: "Frequency cap: messages",
        kind: "int",
        min: 0,
        help: "At most this many marketing messages per contact in the window (0: no cap).",
      },
      { name: "frequencyCapHours", label: "Frequency cap: window (hours)", kind: "int", min: 1, help: "The cap's rolling window." },
      {
        name: "assumeMarketingConsent",
        label: "Contacts who never said anything about consent",
        kind: "bool",
        help: "Whether marketing messages may go to them. Transactional messages never need consent.",
      },
    ],
  },
  {
    id: "storefront",
    title: "Storefront links",
    fields: [
      {
        name: "checkoutUrl",
        label: "Checkout recovery URL",
        kind: "url",
        slot: "{token}",
        help: "The page that resumes a checkout; {token} is replaced by the checkout's token.",
      },
      {
        name: "productUrl",
        label: "Product page URL",
        kind: "url",
        slot: "{slug}",
        help: "Where recommended products link to; {slug} (and optionally {channel}) are filled in.",
      },
    ],
  },
  {
    id: "consent",
    title: "Customer metadata keys",
    fields: [
      {
        name: "consentMetadataKey",
        label: "Marketing consent key",
        kind: "text",
        help: "Customer metadata key whose value says whether the customer accepts marketing.",
      },
      {
        name: "birthdayMetadataKey",
        label: "Birthday key",
        kind: "text",
        help: "Customer metadata key holding the birthday (YYYY-MM-DD or MM-DD).",
      },
    ],
  },
];

export const FIELDS: FieldSpec[] = GROUPS.flatMap((group) => group.fields);

export type SettingsValues = Record<string, string | number | boolean | null | undefined>;
export type FormValues = Record<string, string>;

/** The store's own values as strings ("" = not set: the default applies). */
export function formValues(own: SettingsValues): FormValues {
  const values: FormValues = {};
  for (const field of FIELDS) {
    const value = own[field.name];
    if (field.kind === "bool") values[field.name] = value === null || value === undefined ? "" : String(value);
    else values[field.name] = value === null || value === undefined ? "" : String(value);
  }
  return values;
}

/** A human-readable default for a field's hint ("Default: 24"). */
export function defaultText(field: FieldSpec, effective: SettingsValues): string {
  const value = effective[field.name];
  if (value === null || value === undefined || value === "") return "Default: none";
  if (field.kind === "bool") return `Default: ${value ? "treat as consenting" : "ask for consent"}`;
  return `Default: ${String(value)}`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Field name -> problem, for the values that cannot be sent as they are. */
export function validate(values: FormValues): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of FIELDS) {
    const value = (values[field.name] ?? "").trim();
    if (!value) continue;
    if (field.kind === "int") {
      if (!/^\d+$/.test(value)) problems[field.name] = "Enter a whole number.";
      else if (field.min !== undefined && Number(value) < field.min)
        problems[field.name] = `Enter ${field.min} or more.`;
    } else if (field.kind === "email" && !EMAIL.test(value)) {
      problems[field.name] = "Enter an email address.";
    } else if (field.kind === "url") {
      if (!/^https?:\/\//.test(value)) problems[field.name] = "Enter an http(s) URL.";
      else if (field.slot && !value.includes(field.slot))
        problems[field.name] = `The URL must contain ${field.slot}.`;
    }
  }
  return problems;
}

function toInput(field: FieldSpec, raw: string): string | number | boolean | null {
  const value = raw.trim();
  if (!value) return null;
  if (field.kind === "int") return Number(value);
  if (field.kind === "bool") return value === "true";
  return value;
}

/** installationSettingsUpdate's input: only the fields whose value changed. */
export function changedInput(initial: FormValues, current: FormValues): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const before = (initial[field.name] ?? "").trim();
    const after = (current[field.name] ?? "").trim();
    if (before !== after) input[field.name] = toInput(field, after);
  }
  return input;
}

/** The API names fields in snake_case in its messages (Django); the form in camelCase. */
export function formFieldName(apiField: string | null | undefined): string | null {
  if (!apiField) return null;
  const camel = apiField.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return FIELDS.some((field) => field.name === camel) ? camel : null;
}

/** Field-level messages of a refused save (the API names the input field), by form field. */
export function fieldProblems(error: unknown): Record<string, string> {
  const problems: Record<string, string> = {};
  if (error instanceof GraphQLRequestError) {
    error.messages.forEach((message, index) => {
      const field = formFieldName(error.fields[index]);
      if (field) problems[field] = message;
    });
  }
  return problems;
}

/** Time zones the browser knows, for the time zone field's suggestions. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf ? intl.supportedValuesOf("timeZone") : [];
  } catch {
    return [];
  }
}
