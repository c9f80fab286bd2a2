/* The panel for the selected node: its name and the params of its kind. Every change goes
to `onChange` with a group key, so typing in one field is one undo step. */

import { Box, Button, Text } from "@saleor/macaw-ui";

import { type Draft, type FlowNode, KIND_HINTS, KIND_TITLES, hasInput, isRecord, outputsOf, upstreamSends } from "./document";
import { CheckField, FieldGroup, NumberField, SelectField, TextField } from "./fields";
import { MessageEditor } from "./MessageEditor";
import { PredicateEditor } from "./PredicateEditor";
import type { FieldOption } from "./predicate";
import { ACTION_KINDS, MESSAGE_WAIT_EVENTS, TRIGGER_EVENTS, WAIT_EVENTS, WEEKDAYS } from "./summary";
import type { Params } from "./types";

export interface InspectorProps {
  flowId: string;
  savedRevision: number;
  node: FlowNode;
  draft: Draft;
  issues: string[];
  onChange: (change: { params?: Params; name?: string }, group: string) => void;
  onConnect: (label: string, target: string | null) => void;
  onDelete: () => void;
}

type SetParams = (params: Params, group: string) => void;

/* params without the keys set to undefined: "not set" is an absent key in the document. */
function clean(params: Params): Params {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined && value !== null));
}

export function Inspector({ flowId, savedRevision, node, draft, issues, onChange, onConnect, onDelete }: InspectorProps) {
  const { kind, params, name } = node.data;
  const setParams: SetParams = (next, group) => onChange({ params: next }, `${node.id}:${group}`);
  return (
    <Box as="section" aria-label={`Inspector: ${KIND_TITLES[kind]} ${node.id}`} display="flex" flexDirection="column" gap={3} data-testid="inspector">
      <Box display="flex" justifyContent="space-between" alignItems="center" gap={2} flexWrap="wrap">
        <Box>
          <Text as="h2" size={6} fontWeight="bold">
            {KIND_TITLES[kind]}
          </Text>
          <Text size={2} color="default2">
            {KIND_HINTS[kind]} · id {node.id}
          </Text>
        </Box>
        <Button variant="tertiary" size="small" onClick={onDelete}>
          Delete node
        </Button>
      </Box>
      {issues.length ? (
        <ul className="sa-issue-list" aria-label="Problems with this node">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      ) : null}
      <TextField label="Name (shown on the canvas)" value={name} onChange={(value) => onChange({ name: value }, `${node.id}:name`)} />
      {kind === "trigger" ? <TriggerForm params={params} setParams={setParams} /> : null}
      {kind === "wait" ? <WaitForm params={params} setParams={setParams} sends={upstreamSends(draft, node.id)} /> : null}
      {kind === "send_email" || kind === "send_sms" ? (
        <MessageEditor
          flowId={flowId}
          nodeId={node.id}
          savedRevision={savedRevision}
          channel={kind === "send_email" ? "email" : "sms"}
          params={params}
          setParams={setParams}
        />
      ) : null}
      {kind === "condition" ? (
        <PredicateEditor
          label="Condition"
          value={params.predicate}
          extraFields={messageFields(draft, node.id)}
          onChange={(predicate) => setParams({ ...params, predicate: predicate ?? undefined }, "predicate")}
        />
      ) : null}
      {kind === "split" ? <SplitForm params={params} setParams={setParams} /> : null}
      {kind === "action" ? <ActionForm params={params} setParams={setParams} /> : null}
      <Outputs draft={draft} node={node} onConnect={onConnect} />
    </Box>
  );
}

/* Each output's target as a select: what dragging from a handle does, from the keyboard. */
function Outputs({ draft, node, onConnect }: { draft: Draft; node: FlowNode; onConnect: InspectorProps["onConnect"] }) {
  const outputs = outputsOf(draft, node.id);
  if (!outputs.length) return null;
  const targets = draft.nodes
    .filter((other) => hasInput(other.data.kind))
    .map((other) => ({ value: other.id, label: `${other.data.name || other.id} (${KIND_TITLES[other.data.kind]})` }));
  return (
    <FieldGroup legend="Leads to">
      {outputs.map((output) => (
        <SelectField
          key={output.label}
          label={output.label === "next" ? "Next" : `On “${output.label}”`}
          value={output.target ?? ""}
          options={[{ value: "", label: "Not connected" }, ...targets]}
          onChange={(target) => onConnect(output.label, target || null)}
        />
      ))}
    </FieldGroup>
  );
}

function messageFields(draft: Draft, id: string): FieldOption[] {
  return upstreamSends(draft, id).flatMap((send) =>
    (send.data.kind === "send_email" ? ["delivered", "opened", "clicked"] : ["delivered", "clicked"]).map((event) => ({
      field: `message.${send.id}.${event}`,
      label: `${send.data.name || send.id}: ${event}`,
      kind: "moment" as const,
    })),
  );
}

function Duration({ params, prefix, setParams, legend }: { params: Params; prefix: string; setParams: SetParams; legend: string }) {
  return (
    <FieldGroup legend={legend}>
      <Box className="sa-grid-3">
        {(["days", "hours", "minutes"] as const).map((unit) => (
          <NumberField
            key={unit}
            label={unit[0].toUpperCase() + unit.slice(1)}
            name={`${prefix}${unit}`}
            min={0}
            value={params[`${prefix}${unit}`] as number | undefined}
            onChange={(value) => setParams(clean({ ...params, [`${prefix}${unit}`]: value || undefined }), `${prefix}${unit}`)}
          />
        ))}
      </Box>
    </FieldGroup>
  );
}

function TriggerForm({ params, setParams }: { params: Params; setParams: SetParams }) {
  const event = params.event as string;
  const change = (next: string) => {
    const defaults: Record<string, Params> = {
      checkout_abandoned: { idle_minutes: 60 },
      order_paid: { first_order_only: false },
      customer_metadata_changed: { key: "" },
      no_order_for_days: { days: 90 },
      date_field: { field: "birthday", days_before: 0 },
      segment_entered: { segment: { all: [{ field: "contact.order_count", op: "gte", value: 3 }] } },
    };
    setParams({ event: next, ...(defaults[next] ?? {}) }, "event");
  };
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <SelectField label="Starts when" name="event" value={event} options={TRIGGER_EVENTS} onChange={change} />
      {event === "checkout_abandoned" ? (
        <NumberField label="Idle minutes before it counts as abandoned" name="idle_minutes" min={1} max={43200} value={params.idle_minutes as number} onChange={(v) => setParams(clean({ ...params, idle_minutes: v }), "idle_minutes")} />
      ) : null}
      {event === "order_paid" ? (
        <CheckField label="First order only" checked={params.first_order_only === true} onChange={(v) => setParams({ ...params, first_order_only: v }, "first_order_only")} />
      ) : null}
      {event === "customer_metadata_changed" ? (
        <>
          <TextField label="Metadata key" value={String(params.key ?? "")} onChange={(v) => setParams({ ...params, key: v }, "key")} />
          <TextField
            label="Value (empty: any change)"
            value={typeof params.value === "string" ? params.value : ""}
            onChange={(v) => setParams(clean({ ...params, value: v === "" ? undefined : v }), "value")}
          />
        </>
      ) : null}
      {event === "no_order_for_days" ? (
        <NumberField label="Days without an order" min={1} max={3650} value={params.days as number} onChange={(v) => setParams(clean({ ...params, days: v }), "days")} />
      ) : null}
      {event === "date_field" ? (
        <>
          <TextField label='Date field ("birthday" or a metadata key)' value={String(params.field ?? "")} onChange={(v) => setParams({ ...params, field: v }, "field")} />
          <NumberField label="Days before" min={0} max={365} value={params.days_before as number} onChange={(v) => setParams(clean({ ...params, days_before: v }), "days_before")} />
        </>
      ) : null}
      {event === "segment_entered" ? (
        <PredicateEditor label="Segment" value={params.segment} allowContext={false} onChange={(segment) => setParams(clean({ ...params, segment }), "segment")} />
      ) : null}
    </Box>
  );
}

function WaitForm({ params, setParams, sends }: { params: Params; setParams: SetParams; sends: FlowNode[] }) {
  const mode = (params.mode as string) ?? "duration";
  const from = (params.from as string) ?? "entry";
  const sendOptions = [{ value: "", label: "Choose a send node above" }, ...sends.map((send) => ({ value: send.id, label: send.data.name || send.id }))];
  const setMode = (next: string) => {
    const defaults: Record<string, Params> = {
      duration: { mode: "duration", hours: 1 },
      until_time: { mode: "until_time", time: "09:00" },
      until_event: { mode: "until_event", event: "order_placed", timeout_days: 3 },
    };
    setParams(defaults[next], "mode");
  };
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <SelectField
        label="Wait"
        name="mode"
        value={mode}
        options={[
          { value: "duration", label: "For a duration" },
          { value: "until_time", label: "Until a local time of day" },
          { value: "until_event", label: "For an event, with a timeout" },
        ]}
        onChange={setMode}
      />
      {mode === "duration" ? (
        <>
          <Duration params={params} prefix="" setParams={setParams} legend="How long" />
          <SelectField
            label="Counted from"
            name="from"
            value={from}
            options={[
              { value: "entry", label: "Reaching this node" },
              { value: "delivered", label: "Delivery of a message" },
              { value: "opened", label: "Opening of an email" },
              { value: "clicked", label: "A click in a message" },
            ]}
            onChange={(next) =>
              setParams(
                next === "entry"
                  ? clean({ ...params, from: undefined, node: undefined, timeout_days: undefined, timeout_hours: undefined, timeout_minutes: undefined })
                  : { ...params, from: next, node: params.node ?? sends[0]?.id ?? "", ...(params.from && params.from !== "entry" ? {} : { timeout_days: 7 }) },
                "from",
              )
            }
          />
          {from !== "entry" ? (
            <>
              <SelectField label="Message" value={String(params.node ?? "")} options={sendOptions} onChange={(v) => setParams({ ...params, node: v }, "node")} />
              <Duration params={params} prefix="timeout_" setParams={setParams} legend="Give up (timeout) after" />
            </>
          ) : null}
        </>
      ) : null}
      {mode === "until_time" ? (
        <>
          <TextField label="Local time" type="time" value={String(params.time ?? "")} onChange={(v) => setParams({ ...params, time: v }, "time")} />
          <FieldGroup legend="On these days (none ticked: every day)">
            <Box display="flex" flexWrap="wrap" gap={2}>
              {WEEKDAYS.map((day, index) => {
                const days = Array.isArray(params.weekdays) ? (params.weekdays as number[]) : [];
                return (
                  <CheckField
                    key={day}
                    label={day}
                    checked={days.includes(index)}
                    onChange={(on) => {
                      const next = on ? [...days, index].sort() : days.filter((d) => d !== index);
                      setParams(clean({ ...params, weekdays: next.length ? next : undefined }), "weekdays");
                    }}
                  />
                );
              })}
            </Box>
          </FieldGroup>
        </>
      ) : null}
      {mode === "until_event" ? (
        <>
          <SelectField
            label="Event"
            name="wait_event"
            value={String(params.event ?? "")}
            options={WAIT_EVENTS}
            onChange={(event) =>
              setParams(
                clean({
                  ...params,
                  event,
                  node: MESSAGE_WAIT_EVENTS.has(event) ? (params.node ?? sends[0]?.id ?? "") : undefined,
                }),
                "event",
              )
            }
          />
          {MESSAGE_WAIT_EVENTS.has(String(params.event ?? "")) ? (
            <SelectField label="Message" value={String(params.node ?? "")} options={sendOptions} onChange={(v) => setParams({ ...params, node: v }, "node")} />
          ) : null}
          <Duration params={params} prefix="timeout_" setParams={setParams} legend="Timeout after" />
        </>
      ) : null}
    </Box>
  );
}

function SplitForm({ params, setParams }: { params: Params; setParams: SetParams }) {
  const branches = (Array.isArray(params.branches) ? params.branches : []).filter(isRecord) as { label: string; percent: number }[];
  const total = branches.reduce((sum, branch) => sum + (Number(branch.percent) || 0), 0);
  const set = (next: { label: string; percent: number }[], group: string) => setParams({ ...params, branches: next }, group);
  return (
    <FieldGroup legend="Branches (the first is the control)">
      {branches.map((branch, index) => (
        <Box key={index} className="sa-grid-branch">
          <TextField label={`Branch ${index + 1} label`} value={branch.label} onChange={(label) => set(branches.map((b, i) => (i === index ? { ...b, label } : b)), `label${index}`)} />
          <NumberField label="Percent" min={0} max={100} value={branch.percent} onChange={(percent) => set(branches.map((b, i) => (i === index ? { ...b, percent: percent ?? 0 } : b)), `percent${index}`)} />
          <Button variant="tertiary" size="small" disabled={branches.length <= 2} onClick={() => set(branches.filter((_, i) => i !== index), "remove")}>
            Remove
          </Button>
        </Box>
      ))}
      <Text size={2} color={total === 100 ? "default2" : "critical1"}>
        Total {total}% {total === 100 ? "" : "(must be 100%)"}
      </Text>
      <Box>
        <Button
          variant="secondary"
          size="small"
          disabled={branches.length >= 10}
          onClick={() => {
            const taken = new Set(branches.map((b) => b.label));
            let code = 65;
            while (taken.has(String.fromCharCode(code))) code += 1;
            set([...branches, { label: String.fromCharCode(code), percent: 0 }], "add");
          }}
        >
          Add branch
        </Button>
      </Box>
    </FieldGroup>
  );
}

function ActionForm({ params, setParams }: { params: Params; setParams: SetParams }) {
  const kind = params.kind as string;
  const change = (next: string) => {
    const defaults: Record<string, Params> = {
      create_voucher: { discount_type: "percent", value: 10, valid_days: 7, channel: "default-channel" },
      write_metadata: { key: "", value: "", private: false },
      add_to_group: { group: "" },
      move_to_group: { group: "" },
      call_webhook: { url: "https://" },
    };
    setParams({ kind: next, ...defaults[next] }, "kind");
  };
  const text = (key: string, label: string, type: "text" | "url" = "text") => (
    <TextField label={label} type={type} name={key} value={String(params[key] ?? "")} onChange={(v) => setParams({ ...params, [key]: v }, key)} />
  );
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <SelectField label="Action" name="action_kind" value={kind} options={ACTION_KINDS} onChange={change} />
      {kind === "create_voucher" ? (
        <>
          <SelectField
            label="Discount"
            value={String(params.discount_type ?? "percent")}
            options={[
              { value: "percent", label: "Percentage" },
              { value: "fixed", label: "Fixed amount" },
            ]}
            onChange={(v) => setParams({ ...params, discount_type: v }, "discount_type")}
          />
          {text("value", "Value")}
          <NumberField label="Valid for days" min={1} max={365} value={params.valid_days as number} onChange={(v) => setParams(clean({ ...params, valid_days: v }), "valid_days")} />
          {text("channel", "Saleor channel slug")}
        </>
      ) : null}
      {kind === "write_metadata" ? (
        <>
          {text("key", "Key")}
          {text("value", "Value")}
          <CheckField label="Private metadata" checked={params.private === true} onChange={(v) => setParams({ ...params, private: v }, "private")} />
        </>
      ) : null}
      {kind === "add_to_group" || kind === "move_to_group" ? text("group", "Group") : null}
      {kind === "call_webhook" ? text("url", "URL (http or https)", "url") : null}
    </Box>
  );
}
