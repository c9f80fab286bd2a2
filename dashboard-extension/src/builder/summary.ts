/* One line per node saying what it does, shown on the canvas ("Wait 23 hours"). Pure. */

import { isRecord } from "./document";
import type { NodeKind, Params } from "./types";

export const TRIGGER_EVENTS: { value: string; label: string }[] = [
  { value: "checkout_abandoned", label: "Checkout abandoned" },
  { value: "customer_created", label: "Customer created" },
  { value: "account_confirmed", label: "Account confirmed" },
  { value: "order_paid", label: "Order paid" },
  { value: "order_fulfilled", label: "Order fulfilled" },
  { value: "repeat_order", label: "Repeat order" },
  { value: "customer_metadata_changed", label: "Customer metadata changed" },
  { value: "no_order_for_days", label: "No order for some days" },
  { value: "date_field", label: "Date (birthday, metadata date)" },
  { value: "segment_entered", label: "Entered a segment" },
];

export const ACTION_KINDS: { value: string; label: string }[] = [
  { value: "create_voucher", label: "Create a voucher" },
  { value: "write_metadata", label: "Write customer metadata" },
  { value: "add_to_group", label: "Add to a group" },
  { value: "move_to_group", label: "Move to a group" },
  { value: "call_webhook", label: "Call a webhook" },
];

export const WAIT_EVENTS: { value: string; label: string }[] = [
  { value: "message_delivered", label: "Message delivered" },
  { value: "message_opened", label: "Email opened" },
  { value: "message_clicked", label: "Link clicked" },
  { value: "order_placed", label: "Order placed" },
  { value: "consent_confirmed", label: "Subscription confirmed (double opt-in)" },
];

/** Wait events about a message of a send node (the others concern the contact). */
export const MESSAGE_WAIT_EVENTS = new Set(["message_delivered", "message_opened", "message_clicked"]);

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function labelOf(options: { value: string; label: string }[], value: unknown): string {
  return options.find((option) => option.value === value)?.label ?? String(value ?? "?");
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/* "1 day 2 hours" from the days/hours/minutes keys (with a prefix such as "timeout_"). */
export function durationText(params: Params, prefix = ""): string {
  const parts: string[] = [];
  for (const unit of ["day", "hour", "minute"]) {
    const value = params[`${prefix}${unit}s`];
    if (typeof value === "number" && value > 0) parts.push(plural(value, unit));
  }
  return parts.join(" ") || "no time";
}

function firstSubject(message: unknown): string {
  if (!isRecord(message)) return "";
  const variants = isRecord(message.variants) ? message.variants : { "": message };
  const language = typeof message.default_language === "string" ? message.default_language : "";
  const variant = (variants[language] ?? Object.values(variants)[0]) as unknown;
  if (!isRecord(variant)) return "";
  const text = variant.subject ?? variant.text;
  return typeof text === "string" ? text : "";
}

export function nodeSummary(kind: NodeKind, params: Params): string {
  switch (kind) {
    case "trigger": {
      const event = labelOf(TRIGGER_EVENTS, params.event);
      if (params.event === "checkout_abandoned") return `${event} (${params.idle_minutes ?? 60} min idle)`;
      if (params.event === "no_order_for_days") return `No order for ${params.days ?? "?"} days`;
      return event;
    }
    case "wait":
      if (params.mode === "until_time") {
        const days = Array.isArray(params.weekdays) && params.weekdays.length < 7
          ? ` on ${params.weekdays.map((d) => WEEKDAYS[d as number] ?? "?").join(", ")}`
          : "";
        return `Until ${params.time ?? "?"} local time${days}`;
      }
      if (params.mode === "until_event") {
        return `Until ${labelOf(WAIT_EVENTS, params.event).toLowerCase()}, at most ${durationText(params, "timeout_")}`;
      }
      if (typeof params.from === "string" && params.from !== "entry") {
        return `${durationText(params)} after ${params.node ?? "?"} ${params.from}`;
      }
      return `Wait ${durationText(params)}`;
    case "send_email":
    case "send_sms": {
      const subject = firstSubject(params.message);
      return subject ? `“${subject.length > 40 ? `${subject.slice(0, 39)}…` : subject}”` : "No content yet";
    }
    case "condition":
      return "Yes / no";
    case "split": {
      const branches = Array.isArray(params.branches) ? params.branches.filter(isRecord) : [];
      return branches.map((b) => `${b.label ?? "?"} ${b.percent ?? 0}%`).join(" · ");
    }
    case "action": {
      const kindLabel = labelOf(ACTION_KINDS, params.kind);
      if (params.kind === "create_voucher") {
        const value = params.discount_type === "percent" ? `${params.value ?? "?"}%` : `${params.value ?? "?"}`;
        return `Voucher ${value}, ${params.valid_days ?? "?"} days`;
      }
      if (params.kind === "add_to_group" || params.kind === "move_to_group") return `${kindLabel}: ${params.group || "?"}`;
      return kindLabel;
    }
    case "exit":
      return "End of the flow";
  }
}
