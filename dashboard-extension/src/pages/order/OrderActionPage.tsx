/** The order page's action (a popup): start an active flow — typically the feedback
 * request — for this order's customer now, with the order as the flow's context. */
import { actions } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";

import { gql, unwrapPayload } from "../../api/client";
import { getAppBridge, notify } from "../../app/bridge";
import { EmptyState, ErrorState, errorMessages, Loading, NativeSelect, PageLayout, useQuery } from "../../components";
import { type ActiveFlow, defaultFlowId, type EntryOutcome, outcomeMessage } from "./orderAction";

export const ACTIVE_FLOWS_QUERY = `
  query DashboardActiveFlows {
    flows(status: ACTIVE, first: 100) { edges { node { id name priority } } }
  }
`;

export const ENROLL_MUTATION = `
  mutation DashboardEnrollOrder($flowId: ID!, $orderId: String!) {
    flowEnrollContact(flowId: $flowId, orderId: $orderId) {
      __typename
      ... on FlowEnrollment { outcome enrollment { id } }
      ... on OperationInfo { messages { message field code } }
    }
  }
`;

type EnrollPayload = { __typename: "FlowEnrollment"; outcome: EntryOutcome; enrollment: { id: string } | null };

export function OrderActionPage() {
  const [params] = useSearchParams();
  const orderId = (params.get("orderId") ?? "").trim();
  const flows = useQuery(async () => {
    const data = await gql<{ flows: { edges: { node: ActiveFlow }[] } }>(ACTIVE_FLOWS_QUERY);
    return data.flows.edges.map((edge) => edge.node);
  }, []);
  const [flowId, setFlowId] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ReturnType<typeof outcomeMessage> | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (flows.status === "success" && !flowId) setFlowId(defaultFlowId(flows.data));
  }, [flows.status, flows.data, flowId]);

  const start = async () => {
    const flow = (flows.data ?? []).find((f) => f.id === flowId);
    if (!flow) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const data = await gql<{ flowEnrollContact: EnrollPayload }>(ENROLL_MUTATION, { flowId, orderId });
      const payload = unwrapPayload(data.flowEnrollContact) as EnrollPayload;
      const message = outcomeMessage(payload.outcome, flow.name);
      setResult(message);
      void notify(message.status, message.title, message.text);
    } catch (caught) {
      setError(caught);
      void notify("error", "The flow was not started", errorMessages(caught).join(" "));
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    void getAppBridge()
      .dispatch(actions.PopupClose())
      .catch(() => undefined);
  };

  let body;
  if (!orderId) {
    body = <EmptyState title="No order">Open this action from an order&apos;s page.</EmptyState>;
  } else if (flows.status === "loading") {
    body = <Loading label="Loading flows…" />;
  } else if (flows.status === "error") {
    body = <ErrorState error={flows.error} title="Could not load the flows" onRetry={flows.reload} />;
  } else if (flows.data.length === 0) {
    body = (
      <EmptyState title="No active flow">
        Activate a flow first (for example one made from the feedback request template).
      </EmptyState>
    );
  } else {
    body = (
      <Box
        as="form"
        display="flex"
        flexDirection="column"
        gap={4}
        onSubmit={(event) => {
          event.preventDefault();
          void start();
        }}
      >
        <Text color="default2">
          The order&apos;s customer enters the flow now, with this order as its context (the
          flow&apos;s entry filter and re-entry rules still apply). The flow will not start
          again for this order on its own.
        </Text>
        <NativeSelect
          label="Flow"
          value={flowId}
          options={flows.data.map((flow) => ({ value: flow.id, label: flow.name }))}
          onChange={setFlowId}
        />
        <Box display="flex" flexWrap="wrap" gap={2}>
          <Button type="submit" variant="primary" disabled={busy || !flowId}>
            {busy ? "Starting…" : "Start now"}
          </Button>
          <Button type="button" variant="secondary" onClick={close}>
            Close
          </Button>
        </Box>
        {result ? (
          <Box role="status" data-testid="enroll-result" data-status={result.status}>
            <Text fontWeight="bold">{result.title}</Text>
            <Text as="p">{result.text}</Text>
          </Box>
        ) : null}
        {error ? <ErrorState error={error} title="The flow was not started" /> : null}
      </Box>
    );
  }

  return (
    <PageLayout title="Start a flow for this order" nav={false}>
      {body}
    </PageLayout>
  );
}
