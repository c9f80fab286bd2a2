/* A flow's stats: its graph with each node's numbers, the totals, charts over time, A/B
and holdout results, the recipients of a node, CSV exports. Refreshed every 5 s while the
page is visible. */

import "@xyflow/react/dist/style.css";
import "../builder/builder.css";
import "./stats.css";

import { Box, Button, Text } from "@saleor/macaw-ui";
import { useCallback, useMemo, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";

import { download } from "../api/client";
import { notify, useAppBridgeState } from "../app/bridge";
import { EmptyState, ErrorState, Loading, NativeSelect, PageLayout, Section, errorMessages, useQuery } from "../components";
import { fromDocument } from "../builder/document";
import { type StatsFlow, loadStats, loadStatsFlow, recipientsCsvPath, statsCsvPath } from "./api";
import { Charts } from "./Charts";
import { Experiments } from "./Experiments";
import {
  type FlowStats,
  PERIODS,
  activity,
  flowEntries,
  formatMoney,
  formatNumber,
  formatRate,
  period,
  ratio,
} from "./model";
import { Recipients } from "./Recipients";
import { StatsGraph } from "./StatsGraph";
import { POLL_MS, usePolling } from "./usePolling";

export function StatsPage() {
  const { flowId = "" } = useParams();
  const flow = useQuery(() => loadStatsFlow(flowId), [flowId]);
  if (flow.status === "loading" && !flow.data) return <Loading label="Loading the flow…" />;
  if (flow.status === "error") return <ErrorState error={flow.error} title="Could not load the flow" onRetry={flow.reload} />;
  if (!flow.data) {
    return (
      <PageLayout title="Flow stats">
        <EmptyState title="Flow not found" action={<Link to="/flows">Back to the flows</Link>}>
          It may have been deleted, or it belongs to another store.
        </EmptyState>
      </PageLayout>
    );
  }
  return <Stats key={flowId} flow={flow.data} />;
}

function Stats({ flow }: { flow: StatsFlow }) {
  const { locale } = useAppBridgeState();
  const [days, setDays] = useState(30);
  const [stats, setStats] = useState<FlowStats | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [node, setNode] = useState<string | null>(null);
  const [channel, setChannel] = useState<string | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const generation = useRef(0);
  const version = flow.activeVersion ?? flow.draftVersion;
  const graph = useMemo(() => {
    try {
      return version ? fromDocument(version.graph, {}) : null;
    } catch {
      return null;
    }
  }, [version]);
  const trigger = graph?.nodes.find((n) => n.data.kind === "trigger")?.id ?? null;
  const sendOptions = (graph?.nodes ?? [])
    .filter((n) => n.data.kind === "send_email" || n.data.kind === "send_sms")
    .map((n) => ({ value: n.id, label: `${n.data.name || n.id} (${n.data.kind === "send_email" ? "email" : "SMS"})` }));

  const refresh = useCallback(() => {
    const mine = ++generation.current;
    const { since, until } = period(days, new Date());
    loadStats(flow.id, since, until).then(
      (result) => {
        if (mine !== generation.current) return;
        setStats(result);
        setError(null);
        setRefreshKey((n) => n + 1);
      },
      (problem) => mine === generation.current && setError(problem),
    );
  }, [flow.id, days]);
  usePolling(refresh, POLL_MS, [refresh]);

  const exportCsv = async (kind: "stats" | "recipients") => {
    const { since, until } = period(days, new Date());
    setExporting(kind);
    try {
      if (kind === "stats") {
        await download(statsCsvPath(flow.id, since, until), `flow-stats-${since}-${until}.csv`);
      } else {
        await download(recipientsCsvPath(flow.id, { nodeId: node, channel, since, until }), `flow-recipients-${node ?? "all"}-${since}-${until}.csv`);
      }
    } catch (problem) {
      void notify("error", "Export failed", errorMessages(problem).join(" "));
      setError(problem);
    } finally {
      setExporting(null);
    }
  };

  const selectNode = (id: string) => {
    setNode(sendOptions.some((option) => option.value === id) ? id : null);
    document.getElementById("recipients")?.scrollIntoView({ behavior: "smooth", block: "start" });
  };

  return (
    <PageLayout
      title={flow.name}
      subtitle={`${flow.status.toLowerCase()} · ${flow.activeVersion ? `live version ${flow.activeVersion.number}` : "never activated: showing the draft"}`}
      actions={
        <>
          <NativeSelect
            label="Period"
            value={String(days)}
            options={PERIODS.map((d) => ({ value: String(d), label: d === 365 ? "Last year" : `Last ${d} days` }))}
            onChange={(value) => setDays(Number(value))}
          />
          <Box display="flex" gap={2} alignItems="flex-end" flexWrap="wrap">
            <Button variant="secondary" onClick={() => void exportCsv("stats")} disabled={exporting !== null}>
              {exporting === "stats" ? "Exporting…" : "Export stats (CSV)"}
            </Button>
            <Button variant="secondary" onClick={() => void exportCsv("recipients")} disabled={exporting !== null}>
              {exporting === "recipients" ? "Exporting…" : "Export recipients (CSV)"}
            </Button>
            <Link className="sa-link-button" to={`/flows/${encodeURIComponent(flow.id)}/edit`}>
              Edit flow
            </Link>
          </Box>
        </>
      }
    >
      {error && stats ? (
        <Box role="alert" className="sa-banner sa-banner-error" marginBottom={3}>
          Could not refresh: {errorMessages(error).join(" ")} Showing the last numbers.
        </Box>
      ) : null}
      {!stats && error ? <ErrorState error={error} title="Could not load the stats" onRetry={refresh} /> : null}
      {!stats && !error ? <Loading label="Loading the stats…" /> : null}
      {stats ? (
        <>
          <Box className="sa-stats-top">
            {graph && graph.nodes.length ? (
              <StatsGraph graph={version?.graph} nodes={stats.nodes} locale={locale} selected={node} onSelect={selectNode} />
            ) : (
              <EmptyState title="This flow has no nodes yet" action={<Link to={`/flows/${encodeURIComponent(flow.id)}/edit`}>Open the builder</Link>} />
            )}
            <TotalsPanel stats={stats} entries={flowEntries(stats.nodes, trigger)} locale={locale} />
          </Box>
          <Section title="Over time" id="over-time">
            <Charts timeseries={stats.timeseries} total={stats.total} />
          </Section>
          <Section title="A/B tests and holdout" id="experiments">
            <Experiments splits={stats.splits ?? []} holdout={stats.holdout} locale={locale} />
          </Section>
          <Section title="Recipients" id="recipients">
            <Recipients
              flowId={flow.id}
              nodeId={node}
              nodeOptions={sendOptions}
              onNodeChange={setNode}
              channel={channel}
              onChannelChange={setChannel}
              refreshKey={refreshKey}
              locale={locale}
            />
          </Section>
        </>
      ) : null}
    </PageLayout>
  );
}

function TotalsPanel({ stats, entries, locale }: { stats: FlowStats; entries: number; locale: string }) {
  const total = stats.total;
  const { first, last } = activity(stats);
  const n = (value: number) => formatNumber(value, locale);
  const when = (value: string | null) =>
    value === null ? "—" : value.length === 10 ? new Date(`${value}T00:00:00Z`).toLocaleDateString(locale, { timeZone: "UTC" }) : new Date(value).toLocaleString(locale);
  const items: [string, string, string?][] = [
    ["Entered", n(entries), "contacts who entered the flow in the period"],
    ["Waiting now", n(total.waiting)],
    ["Sent", n(total.sent)],
    ["Delivered", n(total.delivered)],
    ["Opened", `${n(total.opened)} (${formatRate(ratio(total.opened, total.delivered))})`, "share of delivered"],
    ["Clicked", `${n(total.clicked)} (${formatRate(ratio(total.clicked, total.delivered))})`, "share of delivered"],
    ["Bounced", n(total.bounced)],
    ["Unsubscribed", n(total.unsubscribed)],
    ["Converted", `${n(total.converted)} (${formatRate(ratio(total.converted, entries))})`, "share of entered"],
    ...(total.attributedOrders !== undefined
      ? ([["Orders won", n(total.attributedOrders), "orders attributed to the flow's messages"]] as [string, string, string][])
      : []),
    ["Revenue", formatMoney(total.revenue, locale), "revenue of the orders won"],
    ["Holdout converted", n(total.holdoutConverted)],
    ["First activity", when(first)],
    ["Last activity", when(last)],
  ];
  return (
    <Box as="section" aria-labelledby="totals-heading" className="sa-totals" data-testid="totals">
      <Text as="h2" size={6} fontWeight="bold" id="totals-heading">
        Totals
      </Text>
      <Text size={2} color="default2">
        {stats.since} – {stats.until} (UTC) · refreshed every {POLL_MS / 1000} s
      </Text>
      <dl>
        {items.map(([label, value, hint]) => (
          <div key={label} title={hint}>
            <dt>{label}</dt>
            <dd data-total={label}>{value}</dd>
          </div>
        ))}
      </dl>
    </Box>
  );
}
