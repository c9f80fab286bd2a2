/* The flow's settings (definition.parse_settings): who may enter, how often, goals, when
messages may go out, the active date range, the holdout and the priority. */

import { Box, Text } from "@saleor/macaw-ui";

import { isRecord } from "./document";
import { CheckField, FieldGroup, NumberField, SelectField, TextField } from "./fields";
import { PredicateEditor } from "./PredicateEditor";
import { WEEKDAYS } from "./summary";
import type { FlowSettingsDoc } from "./types";

const GOALS = [
  { value: "order_placed", label: "Order placed" },
  { value: "order_paid", label: "Order paid" },
  { value: "order_fulfilled", label: "Order fulfilled" },
  { value: "checkout_converted", label: "Checkout converted" },
  { value: "account_confirmed", label: "Account confirmed" },
];

/* An ISO datetime with offset <-> the value of a datetime-local input (the browser's zone). */
export function toLocalInput(iso: unknown): string {
  if (typeof iso !== "string" || Number.isNaN(Date.parse(iso))) return "";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function SettingsPanel({
  settings,
  onChange,
}: {
  settings: FlowSettingsDoc;
  onChange: (settings: FlowSettingsDoc, group: string) => void;
}) {
  const set = (key: string, value: unknown) => {
    const next = { ...settings, [key]: value };
    if (value === undefined) delete next[key];
    onChange(next, `settings:${key}`);
  };
  const reentry = String(settings.reentry ?? "once");
  const goals = (Array.isArray(settings.goals) ? settings.goals : []).filter(isRecord) as { event: string; ends?: boolean }[];
  const quiet = isRecord(settings.quiet_hours) ? (settings.quiet_hours as { start: string; end: string }) : null;
  const sendWindow = isRecord(settings.send_window) ? (settings.send_window as { days?: number[]; start: string; end: string }) : null;
  return (
    <Box as="section" aria-label="Flow settings" display="flex" flexDirection="column" gap={3} data-testid="settings-panel">
      <Text as="h2" size={6} fontWeight="bold">
        Flow settings
      </Text>
      <PredicateEditor
        label="Who may enter (entry filter; no rules: everyone)"
        value={settings.entry_filter ?? null}
        onChange={(predicate) => set("entry_filter", predicate ?? undefined)}
      />
      <SelectField
        label="Re-entry"
        name="reentry"
        value={reentry}
        options={[
          { value: "once", label: "Once ever" },
          { value: "once_per_days", label: "Once every N days" },
          { value: "always", label: "Every time the trigger fires" },
        ]}
        onChange={(value) =>
          onChange(
            value === "once_per_days"
              ? { ...settings, reentry: value, reentry_days: settings.reentry_days ?? 30 }
              : (({ reentry_days: _drop, ...rest }) => ({ ...rest, reentry: value }))(settings),
            "settings:reentry",
          )
        }
      />
      {reentry === "once_per_days" ? (
        <NumberField label="Days between entries" min={1} max={3650} value={settings.reentry_days as number} onChange={(v) => set("reentry_days", v ?? undefined)} />
      ) : null}
      <FieldGroup legend="Goals (reaching one counts as a conversion)">
        {GOALS.map((goal) => {
          const current = goals.find((g) => g.event === goal.value);
          return (
            <Box key={goal.value} display="flex" flexWrap="wrap" gap={3}>
              <CheckField
                label={goal.label}
                checked={Boolean(current)}
                onChange={(on) => {
                  const next = on ? [...goals, { event: goal.value, ends: true }] : goals.filter((g) => g.event !== goal.value);
                  set("goals", next.length ? next : undefined);
                }}
              />
              {current ? (
                <CheckField
                  label="ends the enrollment"
                  checked={current.ends !== false}
                  onChange={(ends) => set("goals", goals.map((g) => (g.event === goal.value ? { ...g, ends } : g)))}
                />
              ) : null}
            </Box>
          );
        })}
      </FieldGroup>
      <FieldGroup legend="Quiet hours (contact's local time)">
        <CheckField label="No marketing messages at night" checked={quiet !== null} onChange={(on) => set("quiet_hours", on ? { start: "21:00", end: "08:00" } : undefined)} />
        {quiet ? (
          <Box className="sa-grid-2">
            <TextField label="From" type="time" value={quiet.start} onChange={(start) => set("quiet_hours", { ...quiet, start })} />
            <TextField label="Until" type="time" value={quiet.end} onChange={(end) => set("quiet_hours", { ...quiet, end })} />
          </Box>
        ) : null}
      </FieldGroup>
      <FieldGroup legend="Send window">
        <CheckField
          label="Only send on some days and hours"
          checked={sendWindow !== null}
          onChange={(on) => set("send_window", on ? { days: [0, 1, 2, 3, 4], start: "09:00", end: "20:00" } : undefined)}
        />
        {sendWindow ? (
          <>
            <Box display="flex" flexWrap="wrap" gap={2}>
              {WEEKDAYS.map((day, index) => {
                const days = sendWindow.days ?? [0, 1, 2, 3, 4, 5, 6];
                return (
                  <CheckField
                    key={day}
                    label={day}
                    checked={days.includes(index)}
                    onChange={(on) => set("send_window", { ...sendWindow, days: on ? [...days, index].sort() : days.filter((d) => d !== index) })}
                  />
                );
              })}
            </Box>
            <Box className="sa-grid-2">
              <TextField label="From" type="time" value={sendWindow.start} onChange={(start) => set("send_window", { ...sendWindow, start })} />
              <TextField label="Until" type="time" value={sendWindow.end} onChange={(end) => set("send_window", { ...sendWindow, end })} />
            </Box>
          </>
        ) : null}
      </FieldGroup>
      <CheckField
        label="Counts towards the installation's frequency cap"
        checked={settings.frequency_cap !== false}
        onChange={(on) => set("frequency_cap", on ? undefined : false)}
      />
      <FieldGroup legend="Active dates (your time zone)">
        <TextField label="From" type="datetime-local" value={toLocalInput(settings.active_from)} onChange={(v) => set("active_from", fromLocalInput(v))} />
        <TextField label="Until" type="datetime-local" value={toLocalInput(settings.active_until)} onChange={(v) => set("active_until", fromLocalInput(v))} />
      </FieldGroup>
      <NumberField
        label="Holdout: % of entries kept as a control group (0-50)"
        name="holdout_percent"
        min={0}
        max={50}
        value={(settings.holdout_percent as number | undefined) ?? 0}
        onChange={(v) => set("holdout_percent", v ? v : undefined)}
      />
      <NumberField
        label="Priority (0-100, lower runs first)"
        name="priority"
        min={0}
        max={100}
        value={(settings.priority as number | undefined) ?? 50}
        onChange={(v) => set("priority", v ?? undefined)}
      />
    </Box>
  );
}
