/** The settings form: the API's values as form strings, validation, and the input of only
 * what changed (an emptied field goes back to the deployment default: null). */

import { GraphQLRequestError } from "../../api/client";

export type FieldKind =
  | "text"
  | "int"
  | "bool"
  | "choice"
  | "email"
  | "url"
  | "textarea"
  | "timezone"
  | "quietHours";

export interface Choice {
  value: string;
  label: string;
}

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  help: string;
  /** For URL templates: the placeholder the URL must contain. */
  slot?: string;
  min?: number;
  max?: number;
  /** bool and choice fields: the options besides "the default" (value "" ). */
  choices?: Choice[];
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
    note: "A flow with quiet hours of its own (builder, flow settings) uses those instead of the store's.",
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
        name: "quietHours",
        label: "Quiet hours",
        kind: "quietHours",
        help: 'No marketing sends between these local times of each contact, e.g. 21:00-08:00; "off" for none.',
      },
      {
        name: "assumeMarketingConsent",
        label: "Contacts who never said anything about consent",
        kind: "bool",
        choices: [
          { value: "true", label: "Treat as consenting" },
          { value: "false", label: "Ask for consent (no marketing)" },
        ],
        help: "Whether marketing messages may go to them. Transactional messages never need consent.",
      },
      {
        name: "doubleOptIn",
        label: "Double opt-in",
        kind: "bool",
        choices: [
          { value: "true", label: "Ask new customers to confirm by email" },
          { value: "false", label: "No confirmation email" },
        ],
        help: "The welcome series first sends a confirmation link and waits for the click.",
      },
    ],
  },
  {
    id: "attribution",
    title: "Revenue attribution",
    note: "Vouchers and recovered carts always credit the message that carried them.",
    fields: [
      {
        name: "attributionModel",
        label: "Credit an order to",
        kind: "choice",
        choices: [
          { value: "click", label: "The last message clicked" },
          { value: "click_or_open", label: "The last message clicked or opened" },
        ],
        help: "Which touch before the order wins its revenue.",
      },
      {
        name: "attributionClickDays",
        label: "Click window (days)",
        kind: "int",
        min: 1,
        max: 90,
        help: "How long after a click an order still counts.",
      },
      {
        name: "attributionOpenDays",
        label: "Open window (days)",
        kind: "int",
        min: 1,
        max: 90,
        help: "How long after an open an order still counts (with opens credited).",
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
  if (field.kind === "bool" || field.kind === "choice") {
    const choice = field.choices?.find((option) => option.value === String(value));
    return `Default: ${choice ? choice.label.toLowerCase() : String(value)}`;
  }
  if (field.kind === "quietHours" && !value) return "Default: none";
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
      else if (field.max !== undefined && Number(value) > field.max)
        problems[field.name] = `Enter ${field.max} or less.`;
    } else if (field.kind === "quietHours") {
      const match = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/.exec(value);
      if (value !== "off" && (!match || value.slice(0, 5) === value.slice(6)))
        problems[field.name] = 'Enter "HH:MM-HH:MM" (e.g. 21:00-08:00) or "off".';
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
