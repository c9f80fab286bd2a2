import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { setAppBridge } from "../../app/bridge";
import { FakeBridge } from "../../test/fakeBridge";
import { FlowsPage } from "./FlowsPage";

const FLOWS = [
  { id: "RmxvdzoxMA==", name: "Cart abandonment", status: "ACTIVE", priority: 10 },
  { id: "RmxvdzoxMQ==", name: "Welcome series", status: "DRAFT", priority: 100 },
].map((f) => ({ ...f, updatedAt: "2026-06-01T00:00:00Z", activeVersion: null, draftVersion: null }));

function answer(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200 });
}

beforeEach(() => {
  setAppBridge(new FakeBridge());
  vi.stubGlobal(
    "fetch",
    vi.fn(async (_url: string, init: RequestInit) => {
      const { query, variables } = JSON.parse(String(init.body));
      if (query.includes("DashboardFlows")) {
        return answer({ data: { flows: { totalCount: 2, edges: FLOWS.map((node) => ({ node })) } } });
      }
      const entered = variables.flowId === FLOWS[0].id ? 40 : 0;
      return answer({
        data: {
          flow: { activeVersion: { graph: { nodes: [{ id: "t", type: "trigger" }] } }, draftVersion: null },
          flowStats: {
            nodes: [
              { nodeId: "t", entered },
              { nodeId: "s1", entered: entered * 3 },
            ],
            total: { sent: entered * 2, converted: entered / 4, revenue: [{ currency: "EUR", amount: "99.5" }] },
          },
        },
      });
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  setAppBridge(null);
});

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <FlowsPage />
    </MemoryRouter>,
  );
}

describe("FlowsPage", () => {
  it("lists flows with their numbers and links to the builder and stats", async () => {
    renderAt("/flows");
    const rows = await screen.findAllByTestId("flow-row");
    expect(rows).toHaveLength(2);
    const cart = rows[0];
    await waitFor(() => expect(within(cart).getByText("25.0%")).toBeInTheDocument());
    expect(within(cart).getByText("40")).toBeInTheDocument();
    expect(within(cart).getByText("80")).toBeInTheDocument();
    expect(within(cart).getByText("€99.50")).toBeInTheDocument();
    expect(within(cart).getByRole("link", { name: "Cart abandonment" })).toHaveAttribute(
      "href",
      `/flows/${encodeURIComponent(FLOWS[0].id)}/edit`,
    );
    expect(within(cart).getByRole("link", { name: /Stats/ })).toHaveAttribute(
      "href",
      `/flows/${encodeURIComponent(FLOWS[0].id)}/stats`,
    );
  });

  it("filters by search and status", async () => {
    renderAt("/flows");
    await screen.findAllByTestId("flow-row");
    await userEvent.type(screen.getByLabelText("Search flows"), "welcome");
    expect(screen.getAllByTestId("flow-row")).toHaveLength(1);
    await userEvent.clear(screen.getByLabelText("Search flows"));
    await userEvent.selectOptions(screen.getByLabelText("Status"), "ACTIVE");
    const rows = screen.getAllByTestId("flow-row");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent("Cart abandonment");
    await userEvent.selectOptions(screen.getByLabelText("Status"), "ARCHIVED");
    expect(screen.getByText("No flow matches these filters")).toBeInTheDocument();
  });

  it("says so when there are no flows, and shows errors", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => answer({ data: { flows: { totalCount: 0, edges: [] } } })));
    const { unmount } = renderAt("/flows");
    expect(await screen.findByText("No flows yet")).toBeInTheDocument();
    unmount();
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => answer({ data: null, errors: [{ message: "You do not have permission to perform this action." }] })),
    );
    renderAt("/flows");
    expect(await screen.findByRole("alert")).toHaveTextContent("You do not have permission");
  });
});
