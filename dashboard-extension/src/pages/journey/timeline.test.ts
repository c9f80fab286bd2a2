// @vitest-environment node
import { describe, expect, it } from "vitest";

import { enrollmentTimeline, type JourneyEnrollment, sortEnrollments } from "./timeline";

const T = (minutes: number) => new Date(Date.UTC(2026, 5, 1, 9, minutes)).toISOString();

function enrollment(overrides: Partial<JourneyEnrollment> = {}): JourneyEnrollment {
  return {
    id: "E1",
    status: "FINISHED",
    entryKey: "checkout-1",
    currentNode: "exit",
    nodeEnteredAt: T(50),
    wakeAt: null,
    holdout: false,
    createdAt: T(0),
    finishedAt: T(50),
    finishReason: "exit",
    convertedAt: T(40),
    versionNumber: 2,
    flow: { id: "F1", name: "Cart" },
    steps: [
      { stepSeq: 1, nodeId: "w1", nodeType: "wait", enteredAt: T(1), leftAt: T(10), outcome: "next" },
      { stepSeq: 0, nodeId: "trigger", nodeType: "trigger", enteredAt: T(0), leftAt: T(1), outcome: "next" },
      { stepSeq: 2, nodeId: "s1", nodeType: "send_email", enteredAt: T(10), leftAt: T(11), outcome: "sent" },
    ],
    messages: [
      {
        id: "M1",
        channel: "EMAIL",
        status: "DELIVERED",
        nodeId: "s1",
        subject: "You left something",
        createdAt: T(10),
        sentAt: T(11),
        error: "",
        events: [
          { kind: "CLICKED", occurredAt: T(30) },
          { kind: "OPENED", occurredAt: T(20) },
        ],
      },
    ],
    ...overrides,
  };
}

describe("enrollmentTimeline", () => {
  it("orders entry, nodes, the message, its events, conversion and finish by time", () => {
    const items = enrollmentTimeline(enrollment());
    expect(items.map((i) => [i.kind, i.title])).toEqual([
      ["entered", "Entered the flow"],
      ["node", "Wait (w1)"],
      ["node", "Email (s1)"],
      ["message", "Email: You left something"],
      ["event", "Opened"],
      ["event", "Clicked"],
      ["converted", "Reached the goal"],
      ["finished", "Finished"],
    ]);
    expect(items[0].detail).toBe("Version 2");
  });

  it("shows where a running enrollment is and when it moves on", () => {
    // Reached w2 at minute 15, before the open (20) and click (30): still shown last.
    const items = enrollmentTimeline(
      enrollment({
        status: "WAITING",
        finishedAt: null,
        convertedAt: null,
        currentNode: "w2",
        nodeEnteredAt: T(15),
        wakeAt: T(90),
      }),
    );
    const last = items[items.length - 1];
    expect(last).toMatchObject({ kind: "now", title: "Now at w2", dueAt: T(90), detail: "Waiting" });
  });

  it("says when a contact was held out, with nothing else happening", () => {
    const items = enrollmentTimeline(
      enrollment({ holdout: true, steps: [], messages: [], convertedAt: null, finishReason: "holdout" }),
    );
    expect(items.map((i) => i.title)).toEqual(["Held out (control group)"]);
  });

  it("shows a failed message's error", () => {
    const failed = enrollment();
    failed.messages = [{ ...failed.messages[0], status: "FAILED", error: "mailbox full", events: [] }];
    const message = enrollmentTimeline(failed).find((i) => i.kind === "message");
    expect(message?.detail).toBe("Failed: mailbox full");
  });
});

describe("sortEnrollments", () => {
  it("puts the latest first", () => {
    const sorted = sortEnrollments([enrollment({ id: "old" }), enrollment({ id: "new", createdAt: T(100) })]);
    expect(sorted.map((e) => e.id)).toEqual(["new", "old"]);
  });
});
