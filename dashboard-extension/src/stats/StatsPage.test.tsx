import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import templates from "../builder/__fixtures__/templates.json";

const gql = vi.fn();
const download = vi.fn();
vi.mock("../api/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../api/client")>()),
  gql: (query: string, variables?: Record<string, unknown>) => gql(query, variables),
  download: (path: string, filename: string) => download(path, filename),
}));
vi.mock("../app/bridge", () => ({ notify: vi.fn(), useAppBridgeState: () => ({ locale: "en" }) }));

import { StatsPage } from "./StatsPage";

const cart = (templates as Record<string, { graph: unknown }>).cart_abandonment;

beforeAll(() => {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  (window as unknown as { DOMMatrixReadOnly: unknown }).DOMMatrixReadOnly = class {
    m22 = 1;
  };
  Element.prototype.scrollIntoView = () => {};
});

const zero = { sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0, unsubscribed: 0, waiting: 0 };
const fields = (...names: string[]) => names.map((name) => ({ name }));

function answer(handlers: Record<string, (variables: Record<string, unknown>) => unknown>) {
  gql.mockImplementation(async (query: string, variables: Record<string, unknown> = {}) => {
    const name = /(?:query|mutation) (\w+)/.exec(query)?.[1] ?? "";
    const handler = handlers[name];
    if (!handler) throw new Error(`unexpected ${name}`);
    return handler({ ...variables, __query: query });
  });
}

function renderStats() {
  return render(
    <MemoryRouter initialEntries={["/flows/F1/stats"]}>
      <Routes>
        <Route path="/flows/:flowId/stats" element={<StatsPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

describe("StatsPage", () => {
  beforeEach(() => {
    gql.mockReset();
    download.mockReset();
  });

  it("draws each node's numbers, the totals, experiments and the recipients of a node", async () => {
    const recipientQueries: Record<string, unknown>[] = [];
    answer({
      StatsFlow: () => ({
        flow: { id: "F1", name: "Carts", status: "ACTIVE", activeVersion: { number: 1, graph: cart.graph }, draftVersion: null },
      }),
      StatsFields: () => ({
        node: { name: "FlowNodeStats", fields: fields("nodeId", "entered", "waiting", "sent", "delivered", "opened", "clicked", "bounced", "unsubscribed", "converted", "revenue") },
        total: null,
        stats: { name: "FlowStats", fields: fields("nodes", "splits", "holdout") },
        branch: null,
        holdout: null,
      }),
      FlowStatsPage: (variables) => {
        expect(String(variables.__query)).toContain("converted revenue { currency amount }");
        return {
          flowStats: {
            since: "2026-01-01",
            until: "2026-01-30",
            nodes: [
              { nodeId: "trigger", entered: 4, ...zero },
              { nodeId: "email_1", entered: 4, ...zero, sent: 3, delivered: 3, opened: 2, clicked: 1, converted: 1, revenue: [{ currency: "USD", amount: "25" }] },
              { nodeId: "wait_1", entered: 3, ...zero, waiting: 3 },
            ],
            total: {
              entered: 11, sent: 3, delivered: 3, opened: 2, clicked: 1, bounced: 0, unsubscribed: 0,
              converted: 1, revenue: [{ currency: "USD", amount: "25" }], holdoutConverted: 0, holdoutRevenue: [], waiting: 3,
            },
            timeseries: [{ day: "2026-01-30", entered: 4, sent: 3, opened: 2, clicked: 1, converted: 1, revenue: [] }],
            splits: [
              {
                nodeId: "ab",
                branches: [
                  { label: "A", isControl: true, entered: 100, converted: 10, rate: 0.1, sent: 90, opened: 50, clicked: 9, difference: null, relativeDifference: null, confidence: null, significant: false, sampleTooSmall: false },
                  { label: "B", isControl: false, entered: 100, converted: 20, rate: 0.2, sent: 95, opened: 60, clicked: 12, difference: 0.1, relativeDifference: 1, confidence: 0.96, significant: true, sampleTooSmall: false },
                ],
              },
            ],
            holdout: {
              treatedEntered: 40, treatedConverted: 8, treatedRate: 0.2, controlEntered: 10, controlConverted: 1, controlRate: 0.1,
              lift: 0.1, relativeLift: 1, confidence: 0.7, significant: false, sampleTooSmall: true,
            },
          },
        };
      },
      StatsRecipients: (variables) => {
        recipientQueries.push(variables);
        return {
          messages: {
            totalCount: 1,
            pageInfo: { hasNextPage: false, endCursor: null },
            edges: [
              {
                node: {
                  id: "M1", channel: "EMAIL", status: "DELIVERED", nodeId: "email_1", toAddress: "ana@example.com", subject: "Hi",
                  createdAt: "2026-01-30T10:00:00Z", sentAt: "2026-01-30T10:00:01Z", events: [{ kind: "OPENED", occurredAt: "2026-01-30T11:00:00Z" }],
                },
              },
            ],
          },
        };
      },
    });
    renderStats();
    const email = await screen.findByTestId("numbers-email_1");
    expect(within(email).getByText("sent").nextSibling).toHaveTextContent("3");
    expect(within(email).getByText("revenue").nextSibling).toHaveTextContent("$25.00");
    expect(within(screen.getByTestId("numbers-wait_1")).getByText("waiting").nextSibling).toHaveTextContent("3");
    const totals = screen.getByTestId("totals");
    expect(within(totals).getByText("Entered").nextSibling).toHaveTextContent("4");
    expect(within(totals).getByText("Converted").nextSibling).toHaveTextContent("1 (25.0%)");
    expect(within(totals).getByText("First activity").nextSibling).toHaveTextContent("1/30/2026");
    expect(screen.getByTestId("holdout")).toHaveTextContent("too few entries yet");
    const branchB = within(screen.getByTestId("experiments")).getByRole("row", { name: /^B / });
    expect(branchB).toHaveTextContent("B1002020.0%+10.0%significant (96.0% confidence)");
    expect(await screen.findByText("ana@example.com")).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText("Channel"), { target: { value: "SMS" } });
    await waitFor(() => expect(recipientQueries.at(-1)).toMatchObject({ flowId: "F1", channel: "SMS", nodeId: null }));

    fireEvent.click(screen.getByRole("button", { name: "Export recipients (CSV)" }));
    await waitFor(() => expect(download).toHaveBeenCalledTimes(1));
    expect(download.mock.calls[0][0]).toMatch(/^\/api\/flows\/F1\/recipients\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&channel=sms$/);
  });

  it("shows the error with a retry when the stats cannot load", async () => {
    answer({
      StatsFlow: () => ({ flow: { id: "F1", name: "Carts", status: "ACTIVE", activeVersion: { number: 1, graph: cart.graph }, draftVersion: null } }),
      StatsFields: () => {
        throw new Error("The app is not available right now.");
      },
    });
    renderStats();
    expect(await screen.findByText("Could not load the stats")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});
