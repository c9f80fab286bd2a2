/** The order action's choices: which active flow to start, and what the answer means. */

export interface ActiveFlow {
  id: string;
  name: string;
  priority: number;
}

const FEEDBACK = /feedback|review|survey/i;

/** The flow to offer first: a feedback-like flow when there is one, else the first. */
export function defaultFlowId(flows: ActiveFlow[]): string {
  const feedback = flows.find((flow) => FEEDBACK.test(flow.name));
  return (feedback ?? flows[0])?.id ?? "";
}

export type EntryOutcome =
  | "ENTERED"
  | "HOLDOUT"
  | "NOT_ACTIVE"
  | "DUPLICATE"
  | "FILTERED"
  | "REENTRY"
  | "DEFERRED"
  | "CONTACT_GONE";

/** What the entry gate's answer means for the person at the dashboard. */
export function outcomeMessage(outcome: EntryOutcome, flowName: string): {
  status: "success" | "info" | "warning";
  title: string;
  text: string;
} {
  switch (outcome) {
    case "ENTERED":
      return {
        status: "success",
        title: "Flow started",
        text: `The customer entered "${flowName}"; its first message goes out as the flow says.`,
      };
    case "HOLDOUT":
      return {
        status: "info",
        title: "Customer is in the control group",
        text: `"${flowName}" holds this customer out for comparison, so nothing is sent.`,
      };
    case "DUPLICATE":
      return {
        status: "info",
        title: "Already started for this order",
        text: `"${flowName}" already ran (or is running) for this order.`,
      };
    case "FILTERED":
      return {
        status: "warning",
        title: "Not started",
        text: `The customer does not match the entry filter of "${flowName}".`,
      };
    case "REENTRY":
      return {
        status: "warning",
        title: "Not started",
        text: `"${flowName}" does not let this customer enter again yet.`,
      };
    case "DEFERRED":
      return {
        status: "info",
        title: "Queued",
        text: "A higher-priority flow holds this customer; the flow starts when it finishes.",
      };
    case "NOT_ACTIVE":
      return {
        status: "warning",
        title: "Not started",
        text: `"${flowName}" is outside its active dates.`,
      };
    case "CONTACT_GONE":
      return {
        status: "warning",
        title: "Not started",
        text: "This customer was erased from the app.",
      };
  }
}
