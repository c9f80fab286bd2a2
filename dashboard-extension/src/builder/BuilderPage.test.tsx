import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import templates from "./__fixtures__/templates.json";

const gql = vi.fn();
vi.mock("../api/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../api/client")>()),
  gql: (query: string, variables?: Record<string, unknown>) => gql(query, variables),
}));
vi.mock("../app/bridge", () => ({ notify: vi.fn(), useAppBridgeState: () => ({ locale: "en" }) }));

import { BuilderPage } from "./BuilderPage";

const cart = (templates as Record<string, { graph: { nodes: { id: string }[]; edges: unknown[] }; settings: object }>).cart_abandonment;

beforeAll(() => {
  // React Flow measures nodes; jsdom has no layout.
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  (window as unknown as { DOMMatrixReadOnly: unknown }).DOMMatrixReadOnly = class {
    m22 = 1;
    constructor() {}
  };
});

function answer(handlers: Record<string, (variables: Record<string, unknown>) => unknown>) {
  gql.mockImplementation(async (query: string, variables: Record<string, unknown> = {}) => {
    const name = /(?:query|mutation) (\w+)/.exec(query)?.[1] ?? "";
    const handler = handlers[name];
    if (!handler) throw new Error(`unexpected ${name}`);
    return handler(variables);
  });
}

function renderBuilder() {
  return render(
    <MemoryRouter initialEntries={["/flows/F1/edit"]}>
      <Routes>
        <Route path="/flows/:flowId/edit" element={<BuilderPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

const previewArgs = () => ({ __type: { fields: [{ name: "nodePreview", args: [{ name: "flowId" }] }] } });

describe("BuilderPage", () => {
  beforeEach(() => {
    gql.mockReset();
  });

  it("adds a node from the palette, undoes and redoes it, and shows save issues on nodes", async () => {
    const saves: Record<string, unknown>[] = [];
    answer({
      BuilderFlow: () => ({
        flow: {
          id: "F1",
          name: "Carts",
          status: "DRAFT",
          activeVersion: null,
          draftVersion: { number: 1, graph: cart.graph, settings: cart.settings, issues: [] },
        },
      }),
      PreviewArgs: previewArgs,
      BuilderSave: (variables) => {
        saves.push(variables);
        return { flowDraftSave: { __typename: "FlowValidationIssues", issues: [{ nodeId: "wait_3", field: "edges", message: "needs an edge labelled 'next'" }] } };
      },
    });
    renderBuilder();
    expect(await screen.findByTestId("node-email_1")).toBeInTheDocument();
    const save = screen.getByRole("button", { name: "Save draft" });
    expect(save).toBeDisabled();

    fireEvent.click(screen.getByTestId("palette-wait"));
    expect(await screen.findByTestId("node-wait_3")).toBeInTheDocument();
    expect(screen.getByTestId("inspector")).toHaveTextContent("wait_3");

    fireEvent.click(screen.getByRole("button", { name: "Undo" }));
    await waitFor(() => expect(screen.queryByTestId("node-wait_3")).not.toBeInTheDocument());
    fireEvent.keyDown(window, { key: "Z", ctrlKey: true, shiftKey: true });
    expect(await screen.findByTestId("node-wait_3")).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Save draft" }));
    await waitFor(() => expect(saves).toHaveLength(1));
    const graph = saves[0].graph as { nodes: { id: string; type: string; params: object }[] };
    expect(graph.nodes.at(-1)).toEqual({ id: "wait_3", type: "wait", params: { mode: "duration", hours: 1 } });
    expect(saves[0].settings).toEqual(cart.settings);
    expect(await screen.findByTestId("builder-message")).toHaveTextContent("Not saved: 1 problem");
    expect(screen.getByTestId("node-wait_3").className).toContain("sa-node-invalid");
    expect(within(screen.getByTestId("issue-list")).getByText("wait_3")).toBeInTheDocument();
  });

  it("edits params in the inspector as one undo step per field", async () => {
    answer({
      BuilderFlow: () => ({
        flow: { id: "F1", name: "Carts", status: "DRAFT", activeVersion: null, draftVersion: { number: 1, graph: cart.graph, settings: {}, issues: [] } },
      }),
      PreviewArgs: previewArgs,
    });
    renderBuilder();
    await screen.findByTestId("node-wait_1");
    fireEvent.click(screen.getByTestId("palette-split"));
    const first = await screen.findByLabelText("Branch 1 label");
    fireEvent.change(first, { target: { value: "C" } });
    fireEvent.change(first, { target: { value: "Co" } });
    expect(screen.getByTestId("node-split_1")).toHaveTextContent("Co 50% · B 50%");
    fireEvent.click(screen.getByRole("button", { name: "Undo" }));
    await waitFor(() => expect(screen.getByTestId("node-split_1")).toHaveTextContent("A 50% · B 50%"));

    // Outputs can be wired from the inspector too (keyboard, narrow screens).
    // (jsdom lays nothing out, so React Flow draws no edges: the form shows the state.)
    fireEvent.change(screen.getByLabelText("On “B”"), { target: { value: "exit" } });
    await waitFor(() => expect(screen.getByLabelText("On “B”")).toHaveValue("exit"));
    fireEvent.change(screen.getByLabelText("On “B”"), { target: { value: "" } });
    await waitFor(() => expect(screen.getByLabelText("On “B”")).toHaveValue(""));

    // Deleting a node takes its edges along, and one undo brings both back.
    fireEvent.change(screen.getByLabelText("On “A”"), { target: { value: "exit" } });
    fireEvent.click(screen.getByRole("button", { name: "Delete node" }));
    await waitFor(() => expect(screen.queryByTestId("node-split_1")).not.toBeInTheDocument());
    fireEvent.click(screen.getByRole("button", { name: "Undo" }));
    expect(await screen.findByTestId("node-split_1")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("palette-exit"));
    fireEvent.click(screen.getByRole("button", { name: "Undo" }));
    await waitFor(() => expect(screen.queryByTestId("node-exit_1")).not.toBeInTheDocument());
  });

  it("activates after a confirmation listing what changes for running contacts", async () => {
    const draft = JSON.parse(JSON.stringify(cart.graph));
    draft.nodes = draft.nodes.filter((n: { id: string }) => n.id !== "wait_2");
    draft.edges = draft.edges
      .filter((e: { source: string }) => e.source !== "wait_2")
      .map((e: { target: string }) => (e.target === "wait_2" ? { ...e, target: "voucher" } : e));
    const activations: unknown[] = [];
    answer({
      BuilderFlow: () => ({
        flow: {
          id: "F1",
          name: "Carts",
          status: "ACTIVE",
          activeVersion: { number: 1, graph: cart.graph, settings: cart.settings },
          draftVersion: { number: 2, graph: draft, settings: cart.settings, issues: [] },
        },
      }),
      PreviewArgs: previewArgs,
      BuilderWaiting: () => ({ flowStats: { nodes: [{ nodeId: "wait_2", waiting: 4 }, { nodeId: "wait_1", waiting: 1 }] } }),
      BuilderActivate: (variables) => {
        activations.push(variables);
        return { flowActivate: { __typename: "Flow", status: "ACTIVE" } };
      },
    });
    renderBuilder();
    await screen.findByTestId("node-voucher");
    fireEvent.click(screen.getByRole("button", { name: "Activate…" }));
    const dialog = await screen.findByTestId("activate-dialog");
    expect(dialog).toHaveTextContent("5 contact(s) are in the flow now");
    expect(dialog).toHaveTextContent("wait_2 — 4 contact(s) waiting here will finish on the current version");
    expect(dialog).toHaveTextContent("Changed nodes");
    expect(activations).toHaveLength(0);
    await act(async () => {
      fireEvent.click(screen.getByTestId("confirm-activate"));
    });
    await waitFor(() => expect(activations).toEqual([{ flowId: "F1" }]));
    expect(await screen.findByTestId("builder-message")).toHaveTextContent("Activated");
  });

  it("shows a stored graph it cannot read instead of an empty canvas", async () => {
    answer({
      BuilderFlow: () => ({
        flow: { id: "F1", name: "Odd", status: "DRAFT", activeVersion: null, draftVersion: { number: 1, graph: { nodes: [{ id: "x", type: "teleport" }] }, settings: {}, issues: [] } },
      }),
    });
    renderBuilder();
    expect(await screen.findByText("This flow's graph cannot be shown")).toBeInTheDocument();
    expect(screen.getByText("Node 1 has no id or an unknown type.")).toBeInTheDocument();
  });

  it("says so when the flow does not exist", async () => {
    answer({ BuilderFlow: () => ({ flow: null }) });
    renderBuilder();
    expect(await screen.findByText("Flow not found")).toBeInTheDocument();
  });
});
