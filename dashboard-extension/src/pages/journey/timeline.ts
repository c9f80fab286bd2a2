/** A contact's journey as one timeline per enrollment: entry, nodes, messages and their
 * events, conversion and finish, oldest first. */

export interface JourneyMessageEvent {
  kind: string;
  occurredAt: string;
}

export interface JourneyMessage {
  id: string;
  channel: "EMAIL" | "SMS";
  status: string;
  nodeId: string;
  subject: string;
  createdAt: string;
  sentAt: string | null;
  error: string;
  events: JourneyMessageEvent[];
}

export interface JourneyStep {
  stepSeq: number;
  nodeId: string;
  nodeType: string;
  enteredAt: string;
  leftAt: string;
  outcome: string;
}

export interface JourneyEnrollment {
  id: string;
  status: "ACTIVE" | "WAITING" | "FINISHED" | "FAILED";
  entryKey: string;
  currentNode: string;
  nodeEnteredAt: string;
  wakeAt: string | null;
  holdout: boolean;
  createdAt: string;
  finishedAt: string | null;
  finishReason: string;
  convertedAt: string | null;
  versionNumber: number;
  flow: { id: string; name: string };
  steps: JourneyStep[];
  messages: JourneyMessage[];
}

export interface JourneyContact {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  country: string;
  languageCode: string;
  marketingConsent: boolean | null;
  orderCount: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  createdAt: string;
  isRegistered: boolean;
}

export interface ContactJourney {
  contact: JourneyContact;
  enrollments: { totalCount: number | null; edges: { node: JourneyEnrollment }[] };
}

export type TimelineKind = "entered" | "node" | "message" | "event" | "converted" | "finished" | "now";

export interface TimelineItem {
  key: string;
  at: string;
  kind: TimelineKind;
  title: string;
  detail: string;
  /** For the "now" item: when the enrollment's next step is due. */
  dueAt?: string | null;
}

const NODE_LABELS: Record<string, string> = {
  trigger: "Trigger",
  wait: "Wait",
  send_email: "Email",
  send_sms: "SMS",
  condition: "Condition",
  split: "Split",
  action: "Action",
  exit: "Exit",
};

const EVENT_LABELS: Record<string, string> = {
  DELIVERED: "Delivered",
  OPENED: "Opened",
  CLICKED: "Clicked",
  BOUNCED: "Bounced",
  COMPLAINED: "Marked as spam",
  UNSUBSCRIBED: "Unsubscribed",
  FAILED: "Failed",
  REJECTED: "Rejected",
  DEFERRED: "Deferred",
  UNKNOWN: "Provider event",
};

export function nodeLabel(nodeType: string): string {
  return NODE_LABELS[nodeType] ?? nodeType;
}

function humanize(text: string): string {
  const spaced = text.replace(/[_-]+/g, " ").trim();
  return spaced ? spaced.charAt(0).toUpperCase() + spaced.slice(1) : spaced;
}

function messageTitle(message: JourneyMessage): string {
  const channel = message.channel === "SMS" ? "SMS" : "Email";
  return message.subject ? `${channel}: ${message.subject}` : channel;
}

/** Every moment of one enrollment, oldest first (ties keep the order they happened in). */
export function enrollmentTimeline(enrollment: JourneyEnrollment): TimelineItem[] {
  const items: TimelineItem[] = [];
  items.push({
    key: `${enrollment.id}:entered`,
    at: enrollment.createdAt,
    kind: "entered",
    title: enrollment.holdout ? "Held out (control group)" : "Entered the flow",
    detail: `Version ${enrollment.versionNumber}`,
  });
  const steps = [...enrollment.steps].sort((a, b) => a.stepSeq - b.stepSeq);
  for (const step of steps) {
    if (step.nodeType === "trigger") continue; // the entry above stands for it
    items.push({
      key: `${enrollment.id}:step:${step.stepSeq}`,
      at: step.enteredAt,
      kind: "node",
      title: `${nodeLabel(step.nodeType)} (${step.nodeId})`,
      detail: step.outcome ? humanize(step.outcome) : "",
    });
  }
  for (const message of enrollment.messages) {
    items.push({
      key: `${enrollment.id}:message:${message.id}`,
      at: message.sentAt ?? message.createdAt,
      kind: "message",
      title: messageTitle(message),
      detail: message.error ? `${humanize(message.status.toLowerCase())}: ${message.error}` : humanize(message.status.toLowerCase()),
    });
    message.events.forEach((event, index) => {
      items.push({
        key: `${enrollment.id}:message:${message.id}:${index}`,
        at: event.occurredAt,
        kind: "event",
        title: EVENT_LABELS[event.kind] ?? humanize(event.kind.toLowerCase()),
        detail: messageTitle(message),
      });
    });
  }
  if (enrollment.convertedAt) {
    items.push({
      key: `${enrollment.id}:converted`,
      at: enrollment.convertedAt,
      kind: "converted",
      title: "Reached the goal",
      detail: "",
    });
  }
  if (enrollment.finishedAt && !enrollment.holdout) {
    items.push({
      key: `${enrollment.id}:finished`,
      at: enrollment.finishedAt,
      kind: "finished",
      title: enrollment.status === "FAILED" ? "Failed" : "Finished",
      detail: humanize(enrollment.finishReason),
    });
  }
  // Stable: equal times keep the order above (entry, steps, messages, end).
  const sorted = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => Date.parse(a.item.at) - Date.parse(b.item.at) || a.index - b.index)
    .map(({ item }) => item);
  if (!enrollment.finishedAt) {
    // Where it is now comes last, even when events (an open) happened after it got there.
    sorted.push({
      key: `${enrollment.id}:now`,
      at: enrollment.nodeEnteredAt,
      kind: "now",
      title: `Now at ${enrollment.currentNode}`,
      detail: STATUS_TEXT[enrollment.status],
      dueAt: enrollment.wakeAt,
    });
  }
  return sorted;
}

export const STATUS_TEXT: Record<JourneyEnrollment["status"], string> = {
  ACTIVE: "Running",
  WAITING: "Waiting",
  FINISHED: "Finished",
  FAILED: "Failed",
};

/** Latest enrollment first. */
export function sortEnrollments(enrollments: JourneyEnrollment[]): JourneyEnrollment[] {
  return [...enrollments].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
