/** Flows: every flow with its status and key numbers over a period, filters, links. */
import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { gql } from "../../api/client";
import { navigate, useAppBridgeState } from "../../app/bridge";
import {
  EmptyState,
  ErrorState,
  Loading,
  NativeSelect,
  PageLayout,
  StatusBadge,
  useQuery,
} from "../../components";
import { lastDays } from "../../lib/format";
import {
  filterFlows,
  flowRow,
  type FlowStatsAnswer,
  type FlowStatus,
  type FlowSummary,
  type FlowTotals,
  flowTotals,
  sortFlows,
  STATUS_LABELS,
  triggerNodeId,
} from "./flowRows";

export const FLOWS_QUERY = `
  query DashboardFlows {
    flows(first: 100) {
      totalCount
      edges {
        node {
          id name status priority updatedAt
          activeVersion { number }
          draftVersion { number }
        }
      }
    }
  }
`;

export const FLOW_TOTALS_QUERY = `
  query DashboardFlowTotals($flowId: ID!, $since: Date!, $until: Date!) {
    flow(id: $flowId) {
      activeVersion { graph }
      draftVersion { graph }
    }
    flowStats(flowId: $flowId, since: $since, until: $until) {
      nodes { nodeId entered }
      total { sent converted revenue { currency amount } }
    }
  }
`;

interface TotalsAnswer {
  flow: { activeVersion: { graph: unknown } | null; draftVersion: { graph: unknown } | null } | null;
  flowStats: FlowStatsAnswer | null;
}

const PERIODS = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "365", label: "Last 365 days" },
];

const STATUS_OPTIONS = [
  { value: "ALL", label: "All statuses" },
  ...(Object.keys(STATUS_LABELS) as FlowStatus[]).map((s) => ({ value: s, label: STATUS_LABELS[s] })),
];

const TONES = { ACTIVE: "success", PAUSED: "warning", DRAFT: "info", ARCHIVED: "neutral" } as const;

type TotalsState = Record<string, FlowTotals | null>;

export function FlowsPage() {
  const { locale } = useAppBridgeState();
  const [params, setParams] = useSearchParams();
  const status = (params.get("status") ?? "ALL") as FlowStatus | "ALL";
  const search = params.get("q") ?? "";
  const days = params.get("days") ?? "30";

  const flows = useQuery(async () => {
    const data = await gql<{ flows: { edges: { node: FlowSummary }[] } }>(FLOWS_QUERY);
    return sortFlows(data.flows.edges.map((edge) => edge.node));
  }, []);

  const [totals, setTotals] = useState<TotalsState>({});
  const flowIds = useMemo(() => (flows.data ?? []).map((f) => f.id).join(","), [flows.data]);
  useEffect(() => {
    if (!flowIds) return;
    let cancelled = false;
    const period = lastDays(Number(days));
    setTotals({});
    // One small query per flow, in parallel: each row fills in as its numbers arrive.
    flowIds.split(",").forEach((flowId) => {
      gql<TotalsAnswer>(FLOW_TOTALS_QUERY, { flowId, ...period })
        .then((data) => {
          if (!data.flowStats) return null;
          const graph = (data.flow?.activeVersion ?? data.flow?.draftVersion)?.graph;
          return flowTotals(data.flowStats, triggerNodeId(graph));
        })
        .catch(() => null)
        .then((total) => {
          if (!cancelled) setTotals((previous) => ({ ...previous, [flowId]: total }));
        });
    });
    return () => {
      cancelled = true;
    };
  }, [flowIds, days]);

  const update = (key: string, value: string, fallback: string) => {
    const next = new URLSearchParams(params);
    if (value === fallback) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };

  const rows = useMemo(
    () =>
      filterFlows(flows.data ?? [], { status, search }).map((flow) =>
        flowRow(flow, totals[flow.id] ?? null, locale),
      ),
    [flows.data, status, search, totals, locale],
  );

  const newFlow = (
    <Button variant="primary" onClick={() => navigate("/flows/new")}>
      New flow
    </Button>
  );

  let body;
  if (flows.status === "loading" && flows.data === null) {
    body = <Loading label="Loading flows…" />;
  } else if (flows.status === "error") {
    body = <ErrorState error={flows.error} title="Could not load the flows" onRetry={flows.reload} />;
  } else if ((flows.data ?? []).length === 0) {
    body = (
      <EmptyState title="No flows yet" action={newFlow}>
        Start from a template (cart abandonment, welcome series, feedback request…) or from
        an empty canvas.
      </EmptyState>
    );
  } else {
    body = (
      <>
        <Box
          as="form"
          role="search"
          aria-label="Filter flows"
          display="flex"
          flexWrap="wrap"
          gap={3}
          alignItems="flex-end"
          marginBottom={4}
          onSubmit={(event) => event.preventDefault()}
        >
          <Box style={{ flex: "1 1 220px" }}>
            <Input
              label="Search flows"
              value={search}
              onChange={(event) => update("q", event.target.value, "")}
              size="small"
            />
          </Box>
          <NativeSelect
            label="Status"
            value={status}
            options={STATUS_OPTIONS}
            onChange={(value) => update("status", value, "ALL")}
          />
          <NativeSelect
            label="Period"
            value={days}
            options={PERIODS}
            onChange={(value) => update("days", value, "30")}
          />
        </Box>
        {rows.length === 0 ? (
          <EmptyState title="No flow matches these filters">
            Change the search or the status to see more flows.
          </EmptyState>
        ) : (
          <div className="sa-table-wrap">
            <table className="sa-table" aria-label="Flows">
              <thead>
                <tr>
                  <th scope="col">Flow</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="sa-num">
                    Entered
                  </th>
                  <th scope="col" className="sa-num">
                    Sent
                  </th>
                  <th scope="col" className="sa-num">
                    Conversion
                  </th>
                  <th scope="col" className="sa-num">
                    Revenue
                  </th>
                  <th scope="col">
                    <span className="sa-visually-hidden">Links</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.flow.id} data-testid="flow-row">
                    <th scope="row" style={{ whiteSpace: "normal", fontWeight: 500 }}>
                      <Link to={`/flows/${encodeURIComponent(row.flow.id)}/edit`}>{row.flow.name}</Link>
                    </th>
                    <td>
                      <StatusBadge label={STATUS_LABELS[row.flow.status]} tone={TONES[row.flow.status]} />
                    </td>
                    <td className="sa-num">{row.entered}</td>
                    <td className="sa-num">{row.sent}</td>
                    <td className="sa-num">{row.conversion}</td>
                    <td className="sa-num">{row.revenue}</td>
                    <td>
                      <Box display="flex" gap={3}>
                        <Link to={`/flows/${encodeURIComponent(row.flow.id)}/edit`}>
                          Edit<span className="sa-visually-hidden"> {row.flow.name}</span>
                        </Link>
                        <Link to={`/flows/${encodeURIComponent(row.flow.id)}/stats`}>
                          Stats<span className="sa-visually-hidden"> of {row.flow.name}</span>
                        </Link>
                      </Box>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Text as="p" size={2} color="default2" marginTop={3}>
          Counted on the day they happened, over the selected period. Entered: contacts who
          entered the flow. Conversion: goal conversions per entry. Revenue: orders attributed
          to the flow.
        </Text>
      </>
    );
  }

  return (
    <PageLayout title="Marketing flows" subtitle="Automated emails and SMS, and how they do." actions={newFlow}>
      {body}
    </PageLayout>
  );
}
