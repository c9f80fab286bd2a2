/* The messages a node sent (or the whole flow's), newest first, filterable by channel and
status, a page at a time. */

import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useRef, useState } from "react";

import { EmptyState, ErrorState, Loading, NativeSelect } from "../components";
import { type Recipient, loadRecipients } from "./api";

const STATUSES = ["QUEUED", "SENDING", "SENT", "DELIVERED", "BOUNCED", "FAILED", "FAILED_UNKNOWN", "SKIPPED"];

function lastEvent(recipient: Recipient): string {
  const kinds = new Set(recipient.events.map((event) => event.kind));
  for (const kind of ["CLICKED", "OPENED", "DELIVERED", "BOUNCED", "COMPLAINED", "UNSUBSCRIBED"]) {
    if (kinds.has(kind)) return kind.toLowerCase();
  }
  return "";
}

export function Recipients({
  flowId,
  nodeId,
  nodeOptions,
  onNodeChange,
  channel,
  onChannelChange,
  refreshKey,
  locale,
}: {
  flowId: string;
  nodeId: string | null;
  nodeOptions: { value: string; label: string }[];
  onNodeChange: (nodeId: string | null) => void;
  channel: string | null;
  onChannelChange: (channel: string | null) => void;
  refreshKey: number;
  locale: string;
}) {
  const [status, setStatus] = useState<string | null>(null);
  const [rows, setRows] = useState<Recipient[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [state, setState] = useState<{ loading: boolean; error: unknown }>({ loading: true, error: null });
  const generation = useRef(0);

  const load = async (after: string | null) => {
    const mine = ++generation.current;
    setState({ loading: true, error: null });
    try {
      const page = await loadRecipients({ flowId, nodeId, channel, status, after });
      if (mine !== generation.current) return;
      const nodes = page.edges.map((edge) => edge.node);
      setRows((current) => (after ? [...current, ...nodes] : nodes));
      setTotal(page.totalCount);
      setCursor(page.pageInfo.endCursor);
      setMore(page.pageInfo.hasNextPage);
      setState({ loading: false, error: null });
    } catch (error) {
      if (mine === generation.current) setState({ loading: false, error });
    }
  };

  // A new filter starts from the first page; the live refresh reloads it too, but only
  // while the operator has not paged further (their place in the list is kept).
  useEffect(() => {
    void load(null);
  }, [flowId, nodeId, channel, status]);
  useEffect(() => {
    if (refreshKey && rows.length <= 20) void load(null);
  }, [refreshKey]);

  const format = (value: string | null) => (value ? new Date(value).toLocaleString(locale) : "—");
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid="recipients">
      <Box className="sa-filters">
        <NativeSelect
          label="Node"
          value={nodeId ?? ""}
          options={[{ value: "", label: "All send nodes" }, ...nodeOptions]}
          onChange={(value) => onNodeChange(value || null)}
        />
        <NativeSelect
          label="Channel"
          value={channel ?? ""}
          options={[
            { value: "", label: "Email and SMS" },
            { value: "EMAIL", label: "Email" },
            { value: "SMS", label: "SMS" },
          ]}
          onChange={(value) => onChannelChange(value || null)}
        />
        <NativeSelect
          label="Status"
          value={status ?? ""}
          options={[{ value: "", label: "Any status" }, ...STATUSES.map((s) => ({ value: s, label: s.toLowerCase().replace("_", " ") }))]}
          onChange={(value) => setStatus(value || null)}
        />
      </Box>
      {state.error ? <ErrorState error={state.error} title="Could not load the recipients" onRetry={() => void load(null)} /> : null}
      {!state.error && state.loading && !rows.length ? <Loading label="Loading recipients…" /> : null}
      {!state.error && !state.loading && !rows.length ? (
        <EmptyState title="No recipients yet">Messages appear here as soon as the flow queues them.</EmptyState>
      ) : null}
      {rows.length ? (
        <>
          <Text size={2} color="default2" aria-live="polite">
            {total !== null ? `${rows.length} of ${total}` : `${rows.length}`} message(s)
          </Text>
          <div className="sa-table-wrap">
            <table className="sa-table" data-testid="recipients-table">
              <thead>
                <tr>
                  <th scope="col">Recipient</th>
                  <th scope="col">Node</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Status</th>
                  <th scope="col">Engagement</th>
                  <th scope="col">Sent</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td>{row.toAddress || "—"}</td>
                    <td>{row.nodeId}</td>
                    <td>{row.channel.toLowerCase()}</td>
                    <td>{row.status.toLowerCase().replace("_", " ")}</td>
                    <td>{lastEvent(row) || "—"}</td>
                    <td>{format(row.sentAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {more ? (
            <Box>
              <Button variant="secondary" onClick={() => void load(cursor)} disabled={state.loading}>
                {state.loading ? "Loading…" : "Load more"}
              </Button>
            </Box>
          ) : null}
        </>
      ) : null}
    </Box>
  );
}
