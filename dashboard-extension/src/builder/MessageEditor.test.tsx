import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";

const gql = vi.fn();
vi.mock("../api/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../api/client")>()),
  gql: (query: string, variables?: Record<string, unknown>) => gql(query, variables),
}));

import type { Params } from "./types";

// preview.ts asks the API for nodePreview's arguments once per page load: each test loads
// the modules afresh, as a new page would.
let MessageEditor: typeof import("./MessageEditor").MessageEditor;

function Harness({ initial, channel, onParams }: { initial: Params; channel: "email" | "sms"; onParams: (p: Params) => void }) {
  const [params, setParams] = useState(initial);
  return (
    <MessageEditor
      flowId="F1"
      nodeId="n1"
      savedRevision={0}
      channel={channel}
      params={params}
      setParams={(next) => {
        setParams(next);
        onParams(next);
      }}
    />
  );
}

describe("MessageEditor", () => {
  beforeEach(async () => {
    gql.mockReset();
    vi.resetModules();
    ({ MessageEditor } = await import("./MessageEditor"));
  });

  it("counts SMS segments as the text changes, naming what forces UCS-2", async () => {
    gql.mockImplementation(async (query: string) => {
      if (query.includes("PreviewArgs")) return { __type: { fields: [{ name: "nodePreview", args: [{ name: "flowId" }] }] } };
      return { nodePreview: { text: "", segments: null, issues: [] } };
    });
    const seen: Params[] = [];
    render(<Harness channel="sms" initial={{ message: { text: "" } }} onParams={(p) => seen.push(p)} />);
    expect(screen.getByTestId("sms-segments")).toHaveTextContent("Empty message");
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "a".repeat(161) } });
    expect(screen.getByTestId("sms-segments")).toHaveTextContent("161 characters · 2 segments (GSM-7, 153 per segment)");
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "Sale ’today’" } });
    expect(screen.getByTestId("sms-segments")).toHaveTextContent("12 characters · 1 segment (UCS-2, 70 per segment) · needs UCS-2 because of ’");
    expect(seen.at(-1)).toEqual({ message: { text: "Sale ’today’" } });
    await waitFor(() => expect(screen.getByText(/Rendered from the saved draft/)).toBeInTheDocument());
  });

  it("edits each language on its own and sends the content to a preview that takes it", async () => {
    const previews: Record<string, unknown>[] = [];
    gql.mockImplementation(async (query: string, variables: Record<string, unknown>) => {
      if (query.includes("PreviewArgs")) {
        return { __type: { fields: [{ name: "nodePreview", args: [{ name: "flowId" }, { name: "content" }, { name: "channel" }] }] } };
      }
      previews.push(variables);
      return { nodePreview: { subject: "Hallo", preheader: "", html: "<p>Hallo</p>", text: "", segments: null, issues: [] } };
    });
    const seen: Params[] = [];
    const message = { default_language: "en", variants: { en: { subject: "Hi", mjml: "" }, de: { subject: "Hallo", mjml: "" } } };
    render(<Harness channel="email" initial={{ message, marketing: true }} onParams={(p) => seen.push(p)} />);
    fireEvent.click(screen.getByRole("tab", { name: "de" }));
    fireEvent.change(screen.getByLabelText("Subject"), { target: { value: "Servus" } });
    expect(seen.at(-1)?.message).toEqual({ ...message, variants: { ...message.variants, de: { subject: "Servus", mjml: "" } } });
    await waitFor(() => expect(previews.at(-1)).toMatchObject({ language: "de", channel: "EMAIL", content: seen.at(-1)?.message }), { timeout: 3000 });
    expect(await screen.findByTestId("email-preview")).toHaveAttribute("srcdoc", "<p>Hallo</p>");
  });
});
