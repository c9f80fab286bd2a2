/** Settings: the store's sender and sending rules, API keys, and the history import. */
import { Box, Button, Input, Text, Textarea } from "@saleor/macaw-ui";
import { useEffect, useId, useMemo, useRef, useState } from "react";

import { gql, unwrapPayload } from "../../api/client";
import { notify, useAppBridgeState } from "../../app/bridge";
import {
  EmptyState,
  ErrorState,
  errorMessages,
  Loading,
  NativeSelect,
  PageLayout,
  Section,
  StatusBadge,
  useQuery,
} from "../../components";
import { formatDateTime } from "../../lib/format";
import { backfillPercent, type BackfillRun, RESOURCE_LABELS } from "./backfill";
import {
  changedInput,
  defaultText,
  type FieldSpec,
  fieldProblems,
  type FormValues,
  FIELDS,
  formValues,
  GROUPS,
  type SettingsValues,
  timeZones,
  validate,
} from "./form";

const FIELD_NAMES = FIELDS.map((field) => field.name).join(" ");
const SETTINGS_FIELDS = `
  saleorApiUrl shopName ${FIELD_NAMES}
  effective { ${FIELD_NAMES} }
`;

export const SETTINGS_QUERY = `query DashboardSettings { installationSettings { ${SETTINGS_FIELDS} } }`;

export const SETTINGS_UPDATE = `
  mutation DashboardSettingsUpdate($input: InstallationSettingsInput!) {
    installationSettingsUpdate(input: $input) {
      __typename
      ... on InstallationSettings { ${SETTINGS_FIELDS} }
      ... on OperationInfo { messages { message field code } }
    }
  }
`;

export const API_KEYS_QUERY = `
  query DashboardApiKeys {
    apiKeys(first: 100) { edges { node { id name prefix scope createdAt lastUsedAt revokedAt } } }
  }
`;

export const API_KEY_CREATE = `
  mutation DashboardApiKeyCreate($name: String!, $scope: ApiKeyScope!) {
    apiKeyCreate(name: $name, scope: $scope) {
      __typename
      ... on ApiKeyCreated { token apiKey { id name prefix scope createdAt lastUsedAt revokedAt } }
      ... on OperationInfo { messages { message field code } }
    }
  }
`;

export const API_KEY_REVOKE = `
  mutation DashboardApiKeyRevoke($id: ID!) {
    apiKeyRevoke(id: $id) {
      __typename
      ... on ApiKey { id revokedAt }
      ... on OperationInfo { messages { message field code } }
    }
  }
`;

export const BACKFILL_QUERY = `
  query DashboardBackfill {
    backfillRuns(first: 1) {
      edges { node { id status since error startedAt updatedAt finishedAt progress { name imported total done } } }
    }
  }
`;

export const BACKFILL_START = `
  mutation DashboardBackfillStart($restart: Boolean!) {
    backfillStart(restart: $restart) {
      __typename
      ... on BackfillRun { id status since error startedAt updatedAt finishedAt progress { name imported total done } }
      ... on OperationInfo { messages { message field code } }
    }
  }
`;

/** How often the progress bar asks for news while an import runs. */
const BACKFILL_POLL_MS = 2000;

type Settings = SettingsValues & { saleorApiUrl: string; shopName: string; effective: SettingsValues };

function FieldInput({
  field,
  value,
  error,
  hint,
  onChange,
  zonesId,
}: {
  field: FieldSpec;
  value: string;
  error?: string;
  hint: string;
  onChange: (value: string) => void;
  zonesId: string;
}) {
  const helper = error ?? `${field.help} ${hint}`;
  if (field.kind === "bool" || field.kind === "choice") {
    return (
      <Box display="flex" flexDirection="column" gap={1}>
        <NativeSelect
          label={field.label}
          name={field.name}
          value={value}
          options={[{ value: "", label: hint }, ...(field.choices ?? [])]}
          onChange={onChange}
        />
        <Text size={2} color="default2">
          {field.help}
        </Text>
      </Box>
    );
  }
  if (field.kind === "textarea") {
    return (
      <Textarea
        label={field.label}
        name={field.name}
        value={value}
        rows={3}
        error={Boolean(error)}
        helperText={helper}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  }
  return (
    <Input
      label={field.label}
      name={field.name}
      value={value}
      type={field.kind === "email" ? "email" : field.kind === "url" ? "url" : "text"}
      inputMode={field.kind === "int" ? "numeric" : undefined}
      list={field.kind === "timezone" ? zonesId : undefined}
      error={Boolean(error)}
      helperText={helper}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }) {
  const initial = useMemo(() => formValues(settings), [settings]);
  const [values, setValues] = useState<FormValues>(initial);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const zonesId = useId();
  const zones = useMemo(() => timeZones(), []);

  useEffect(() => setValues(initial), [initial]);

  const input = changedInput(initial, values);
  const dirty = Object.keys(input).length > 0;

  const save = async () => {
    const found = validate(values);
    setProblems(found);
    setSaved(false);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    setError(null);
    try {
      const data = await gql<{ installationSettingsUpdate: Settings & { __typename: string } }>(SETTINGS_UPDATE, {
        input,
      });
      const next = unwrapPayload(data.installationSettingsUpdate) as Settings;
      onSaved(next);
      setSaved(true);
      void notify("success", "Settings saved");
    } catch (caught) {
      setError(caught);
      setProblems(fieldProblems(caught));
      void notify("error", "Settings not saved", errorMessages(caught).join(" "));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Box
      as="form"
      aria-label="Store settings"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <datalist id={zonesId}>
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      {GROUPS.map((group) => (
        <Section key={group.id} title={group.title} id={`settings-${group.id}`}>
          {group.note ? (
            <Text size={2} color="default2">
              {group.note}
            </Text>
          ) : null}
          <Box display="grid" gap={4} style={{ gridTemplateColumns: "repeat(auto-fill, minmax(260px, 1fr))" }}>
            {group.fields.map((field) => (
              <FieldInput
                key={field.name}
                field={field}
                value={values[field.name] ?? ""}
                error={problems[field.name]}
                hint={defaultText(field, settings.effective)}
                zonesId={zonesId}
                onChange={(value) => {
                  setSaved(false);
                  setValues((previous) => ({ ...previous, [field.name]: value }));
                }}
              />
            ))}
          </Box>
        </Section>
      ))}
      {error ? <ErrorState error={error} title="Settings not saved" /> : null}
      <Box display="flex" gap={3} alignItems="center" flexWrap="wrap" marginBottom={6}>
        <Button type="submit" variant="primary" disabled={saving || !dirty}>
          {saving ? "Saving…" : "Save settings"}
        </Button>
        <Button type="button" variant="secondary" disabled={saving || !dirty} onClick={() => setValues(initial)}>
          Discard changes
        </Button>
        <Text role="status" size={2} color="default2">
          {saved ? "Saved." : dirty ? "Unsaved changes." : ""}
        </Text>
      </Box>
    </Box>
  );
}

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scope: "READ" | "READ_WRITE";
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function ApiKeysSection() {
  const { locale } = useAppBridgeState();
  const keys = useQuery(async () => {
    const data = await gql<{ apiKeys: { edges: { node: ApiKey }[] } }>(API_KEYS_QUERY);
    return data.apiKeys.edges.map((edge) => edge.node);
  }, []);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"READ" | "READ_WRITE">("READ");
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const secretRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (secret) secretRef.current?.focus();
  }, [secret]);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const data = await gql<{ apiKeyCreate: { __typename: string; token: string; apiKey: ApiKey } }>(API_KEY_CREATE, {
        name: name.trim(),
        scope,
      });
      const created = unwrapPayload(data.apiKeyCreate) as { token: string; apiKey: ApiKey };
      setSecret({ name: created.apiKey.name, token: created.token });
      setName("");
      await keys.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: ApiKey) => {
    setBusy(true);
    setError(null);
    try {
      const data = await gql<{ apiKeyRevoke: { __typename: string } }>(API_KEY_REVOKE, { id: key.id });
      unwrapPayload(data.apiKeyRevoke);
      setConfirming(null);
      void notify("success", "API key revoked", `"${key.name}" no longer works.`);
      await keys.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret.token);
      void notify("info", "Copied to the clipboard");
    } catch {
      // The iframe may not be allowed the clipboard; the key stays selectable on screen.
    }
  };

  let list;
  if (keys.status === "loading" && keys.data === null) list = <Loading label="Loading API keys…" />;
  else if (keys.status === "error") list = <ErrorState error={keys.error} title="Could not load the API keys" onRetry={keys.reload} />;
  else if ((keys.data ?? []).length === 0)
    list = <EmptyState title="No API keys">Create one to use the app&apos;s GraphQL API from your own tools.</EmptyState>;
  else
    list = (
      <div className="sa-table-wrap">
        <table className="sa-table" aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Access</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sa-visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((key) => (
              <tr key={key.id} data-testid="api-key-row">
                <th scope="row" style={{ fontWeight: 500 }}>
                  {key.name}
                </th>
                <td>
                  <code>sak_{key.prefix}_…</code>
                </td>
                <td>{key.scope === "READ" ? "Read" : "Read and write"}</td>
                <td>{formatDateTime(key.lastUsedAt, locale)}</td>
                <td>
                  {key.revokedAt ? (
                    <StatusBadge label="Revoked" tone="neutral" />
                  ) : confirming === key.id ? (
                    <Box display="flex" gap={2}>
                      <Button size="small" variant="error" disabled={busy} onClick={() => void revoke(key)}>
                        Confirm revoke
                      </Button>
                      <Button size="small" variant="secondary" onClick={() => setConfirming(null)}>
                        Cancel
                      </Button>
                    </Box>
                  ) : (
                    <Button
                      size="small"
                      variant="secondary"
                      onClick={() => setConfirming(key.id)}
                      aria-label={`Revoke ${key.name}`}
                    >
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );

  return (
    <Section title="API keys" id="api-keys">
      <Text size={2} color="default2">
        For the app&apos;s GraphQL API (/graphql/) from scripts and other tools: send the key as
        &quot;Authorization: Bearer &lt;key&gt;&quot;.
      </Text>
      {secret ? (
        <Box
          ref={secretRef}
          tabIndex={-1}
          role="alert"
          data-testid="api-key-secret"
          display="flex"
          flexDirection="column"
          gap={2}
          padding={4}
          borderStyle="solid"
          borderWidth={1}
          borderColor="accent1"
          borderRadius={4}
        >
          <Text fontWeight="bold">Copy the key &quot;{secret.name}&quot; now: it is shown only once.</Text>
          <Text className="sa-secret">{secret.token}</Text>
          <Box display="flex" gap={2}>
            <Button size="small" variant="secondary" onClick={() => void copy()}>
              Copy
            </Button>
            <Button size="small" variant="tertiary" onClick={() => setSecret(null)}>
              Done
            </Button>
          </Box>
        </Box>
      ) : null}
      {list}
      {error ? <ErrorState error={error} title="The API key was not changed" /> : null}
      <Box
        as="form"
        aria-label="Create an API key"
        display="flex"
        flexWrap="wrap"
        gap={3}
        alignItems="flex-end"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) void create();
        }}
      >
        <Box style={{ flex: "1 1 200px" }}>
          <Input label="Key name" name="apiKeyName" value={name} onChange={(event) => setName(event.target.value)} />
        </Box>
        <NativeSelect
          label="Access"
          value={scope}
          options={[
            { value: "READ", label: "Read" },
            { value: "READ_WRITE", label: "Read and write" },
          ]}
          onChange={(value) => setScope(value as "READ" | "READ_WRITE")}
        />
        <Button type="submit" variant="primary" disabled={busy || !name.trim()}>
          Create key
        </Button>
      </Box>
    </Section>
  );
}

function BackfillSection() {
  const { locale } = useAppBridgeState();
  const runs = useQuery(async () => {
    const data = await gql<{ backfillRuns: { edges: { node: BackfillRun }[] } }>(BACKFILL_QUERY);
    return data.backfillRuns.edges[0]?.node ?? null;
  }, []);
  const [run, setRun] = useState<BackfillRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (runs.status === "success") setRun(runs.data);
  }, [runs.status, runs.data]);

  const running = run?.status === "RUNNING";
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => {
      gql<{ backfillRuns: { edges: { node: BackfillRun }[] } }>(BACKFILL_QUERY)
        .then((data) => setRun(data.backfillRuns.edges[0]?.node ?? null))
        .catch(() => undefined); // the next poll tries again
    }, BACKFILL_POLL_MS);
    return () => window.clearInterval(timer);
  }, [running]);

  const start = async (restart: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const data = await gql<{ backfillStart: { __typename: string } & BackfillRun }>(BACKFILL_START, { restart });
      setRun(unwrapPayload(data.backfillStart) as BackfillRun);
      void notify("info", "Import started", "Customers, orders and checkouts are being imported from Saleor.");
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const percent = run ? backfillPercent(run) : null;
  return (
    <Section title="Import history (backfill)" id="backfill">
      <Text size={2} color="default2">
        Imports existing customers, orders and checkouts from Saleor so segments, win-back and
        best-customer flows know the past. Events keep the data current afterwards.
      </Text>
      {runs.status === "loading" && run === null ? <Loading label="Loading imports…" /> : null}
      {runs.status === "error" ? <ErrorState error={runs.error} title="Could not load the imports" onRetry={runs.reload} /> : null}
      {run ? (
        <Box display="flex" flexDirection="column" gap={2} data-testid="backfill-run" data-status={run.status}>
          <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
            <StatusBadge
              label={run.status === "RUNNING" ? "Running" : run.status === "DONE" ? "Done" : "Failed"}
              tone={run.status === "RUNNING" ? "info" : run.status === "DONE" ? "success" : "critical"}
            />
            <Text size={2} color="default2">
              Started {formatDateTime(run.startedAt, locale)}
              {run.finishedAt ? `, finished ${formatDateTime(run.finishedAt, locale)}` : ""}
            </Text>
          </Box>
          <progress
            className="sa-progress"
            max={100}
            value={percent ?? undefined}
            aria-label="Import progress"
            aria-valuetext={percent === null ? "Counting…" : `${percent}%`}
          />
          <Box as="ul" margin={0} paddingLeft={4}>
            {run.progress.map((resource) => (
              <li key={resource.name}>
                <Text size={2}>
                  {RESOURCE_LABELS[resource.name] ?? resource.name}: {resource.imported}
                  {resource.total !== null ? ` of ${resource.total}` : ""}
                  {resource.done ? " (done)" : ""}
                </Text>
              </li>
            ))}
          </Box>
          {run.error ? <Text color="critical1">{run.error}</Text> : null}
        </Box>
      ) : runs.status === "success" ? (
        <Text>No import has run yet.</Text>
      ) : null}
      {error ? <ErrorState error={error} title="The import did not start" /> : null}
      <Box display="flex" gap={2} flexWrap="wrap">
        <Button variant="primary" disabled={busy || running} onClick={() => void start(false)}>
          {run ? "Import new history" : "Import history"}
        </Button>
        {run ? (
          <Button variant="secondary" disabled={busy || running} onClick={() => void start(true)}>
            Re-import everything
          </Button>
        ) : null}
      </Box>
    </Section>
  );
}

const DELIVERY_QUERY = `
  query DashboardDelivery {
    installationSettings {
      delivery {
        email { provider sends tracking lastSentAt lastFailureAt lastFailure }
        sms { provider sends tracking lastSentAt lastFailureAt lastFailure }
      }
    }
  }
`;

interface ChannelDelivery {
  provider: string;
  sends: boolean;
  tracking: boolean | null;
  lastSentAt: string | null;
  lastFailureAt: string | null;
  lastFailure: string;
}

function ChannelRow({ name, channel }: { name: string; channel: ChannelDelivery }) {
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid={`delivery-${name.toLowerCase()}`}>
      <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
        <Text fontWeight="medium">{name}</Text>
        <Text>{channel.provider}</Text>
        <StatusBadge
          label={channel.sends ? "Sending" : "Not sending"}
          tone={channel.sends ? "success" : "warning"}
        />
        {channel.tracking === null ? null : (
          <StatusBadge
            label={channel.tracking ? "Tracking webhooks on" : "No tracking webhooks"}
            tone={channel.tracking ? "success" : "neutral"}
          />
        )}
      </Box>
      <Text size={2} color="default2">
        {channel.lastSentAt ? `Last sent ${formatDateTime(channel.lastSentAt)}.` : "Nothing sent yet."}
        {channel.lastFailureAt
          ? ` Last failure ${formatDateTime(channel.lastFailureAt)}: ${channel.lastFailure || "no reason given"}.`
          : ""}
      </Text>
    </Box>
  );
}

function DeliverySection() {
  const delivery = useQuery(
    async () =>
      (
        await gql<{ installationSettings: { delivery: { email: ChannelDelivery; sms: ChannelDelivery } } }>(
          DELIVERY_QUERY,
        )
      ).installationSettings.delivery,
    [],
  );
  let body;
  if (delivery.status === "success")
    body = (
      <Box display="flex" flexDirection="column" gap={3}>
        <ChannelRow name="Email" channel={delivery.data.email} />
        <ChannelRow name="SMS" channel={delivery.data.sms} />
      </Box>
    );
  else if (delivery.status === "error")
    body = <ErrorState error={delivery.error} title="Could not load the providers" onRetry={delivery.reload} />;
  else body = <Loading label="Loading providers…" />;
  return (
    <Section title="Email and SMS providers" id="settings-delivery">
      <Text size={2} color="default2">
        Providers are chosen by the deployment (EMAIL_BACKEND, SMS_BACKEND).
      </Text>
      {body}
    </Section>
  );
}

export function SettingsPage() {
  const settings = useQuery(
    async () => (await gql<{ installationSettings: Settings }>(SETTINGS_QUERY)).installationSettings,
    [],
  );
  const [current, setCurrent] = useState<Settings | null>(null);
  useEffect(() => {
    if (settings.status === "success") setCurrent(settings.data);
  }, [settings.status, settings.data]);

  let form;
  if (current) form = <SettingsForm settings={current} onSaved={setCurrent} />;
  else if (settings.status === "error")
    form = <ErrorState error={settings.error} title="Could not load the settings" onRetry={settings.reload} />;
  else form = <Loading label="Loading settings…" />;

  return (
    <PageLayout
      title="Settings"
      subtitle={current ? `${current.shopName || "This store"} · ${current.saleorApiUrl}` : undefined}
    >
      <DeliverySection />
      {form}
      <ApiKeysSection />
      <BackfillSection />
    </PageLayout>
  );
}
