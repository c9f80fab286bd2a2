/* Message content per language (subject, preheader, MJML body; or the SMS text), the send
options, a live preview rendered by the app, and the SMS segment count. */

import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { CheckField, SelectField, TextAreaField, TextField } from "./fields";
import {
  type Channel,
  LanguageError,
  SINGLE,
  addLanguage,
  messageView,
  removeLanguage,
  setDefaultLanguage,
  setVariantField,
  variantOf,
} from "./message";
import { usePreview } from "./preview";
import { smsSegments } from "./sms";
import type { Params } from "./types";

export function MessageEditor({
  flowId,
  nodeId,
  channel,
  params,
  setParams,
  savedRevision,
}: {
  flowId: string;
  nodeId: string;
  savedRevision: number;
  channel: Channel;
  params: Params;
  setParams: (params: Params, group: string) => void;
}) {
  const message = params.message;
  const view = messageView(message);
  const [chosen, setChosen] = useState<string>(view.defaultLanguage);
  const [newLanguage, setNewLanguage] = useState("");
  const [languageError, setLanguageError] = useState<string | null>(null);
  const language = view.languages.includes(chosen) ? chosen : view.languages[0];
  const variant = variantOf(message, language);
  const preview = usePreview(flowId, nodeId, channel, message, language === SINGLE ? null : language, savedRevision);

  const setField = (field: string, value: string) =>
    setParams({ ...params, message: setVariantField(message, language, field, value) }, `message:${language}:${field}`);
  const languageAction = (run: () => Params["message"], group: string, then?: () => void) => {
    try {
      setParams({ ...params, message: run() }, group);
      setLanguageError(null);
      then?.();
    } catch (error) {
      setLanguageError(error instanceof LanguageError ? error.message : String(error));
    }
  };
  const text = variant.text ?? "";
  const local = smsSegments(text);
  const segments = preview.data?.segments ?? null;

  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <Box display="flex" flexWrap="wrap" gap={2} role="tablist" aria-label="Languages">
        {view.languages.map((code) => (
          <button
            key={code || "all"}
            type="button"
            role="tab"
            aria-selected={code === language}
            className={`sa-tab${code === language ? " sa-tab-active" : ""}`}
            onClick={() => setChosen(code)}
          >
            {code === SINGLE ? "All languages" : code}
            {code !== SINGLE && code === view.defaultLanguage ? " (default)" : ""}
          </button>
        ))}
      </Box>
      <Box display="flex" flexWrap="wrap" gap={2} alignItems="flex-end">
        <TextField label="Add a language (code)" value={newLanguage} placeholder="de" onChange={setNewLanguage} />
        <Button
          variant="secondary"
          size="small"
          onClick={() =>
            languageAction(() => addLanguage(message, newLanguage, channel), "language", () => {
              setChosen(newLanguage.trim().toLowerCase());
              setNewLanguage("");
            })
          }
        >
          Add language
        </Button>
        {language !== SINGLE && view.languages.length > 1 ? (
          <>
            <Button variant="tertiary" size="small" onClick={() => languageAction(() => removeLanguage(message, language), "language")}>
              Remove {language}
            </Button>
            {language !== view.defaultLanguage ? (
              <Button variant="tertiary" size="small" onClick={() => languageAction(() => setDefaultLanguage(message, language), "language")}>
                Make {language} the default
              </Button>
            ) : null}
          </>
        ) : null}
      </Box>
      {languageError ? (
        <Text color="critical1" size={2} role="alert">
          {languageError}
        </Text>
      ) : null}
      {channel === "email" ? (
        <>
          <TextField label="Subject" name="subject" value={variant.subject ?? ""} onChange={(v) => setField("subject", v)} />
          <TextField label="Preheader" name="preheader" value={variant.preheader ?? ""} onChange={(v) => setField("preheader", v)} />
          <TextAreaField
            label="Body (MJML sections)"
            name="mjml"
            monospace
            rows={10}
            value={variant.mjml ?? ""}
            hint="Sections only: the layout, preheader and footer with unsubscribe are added for you. Tags: {% checkout_lines %}, {% recovery_button %}, {% voucher_code %}…"
            onChange={(v) => setField("mjml", v)}
          />
        </>
      ) : (
        <>
          <TextAreaField label="Text" name="sms_text" rows={5} value={text} onChange={(v) => setField("text", v)} />
          <Text size={2} color="default2" data-testid="sms-segments" aria-live="polite">
            {segmentLine(segments ?? local.segments, preview.data?.encoding ?? local.encoding, local.characters, local.perSegment)}
            {local.nonGsm.length ? ` · needs UCS-2 because of ${local.nonGsm.join(" ")}` : ""}
          </Text>
        </>
      )}
      <CheckField
        label="Marketing (needs consent; respects quiet hours, the send window and the frequency cap)"
        checked={params.marketing !== false}
        onChange={(marketing) => setParams({ ...params, marketing }, "marketing")}
      />
      <SelectField
        label="Outside quiet hours / the send window"
        value={String(params.outside_window ?? "defer")}
        options={[
          { value: "defer", label: "Wait until sending is allowed" },
          { value: "skip", label: "Skip this message" },
        ]}
        onChange={(v) => setParams({ ...params, outside_window: v }, "outside_window")}
      />
      <Box as="section" aria-label="Preview" display="flex" flexDirection="column" gap={2}>
        <Text size={3} fontWeight="bold">
          Preview {preview.loading ? "(updating…)" : ""}
        </Text>
        {!preview.live ? (
          <Text size={2} color="default2">
            Rendered from the saved draft with sample data: save to see your latest edits.
          </Text>
        ) : null}
        {preview.error ? (
          <Text size={2} color="critical1" role="status">
            {preview.error}
          </Text>
        ) : null}
        {preview.data?.issues.length ? (
          <ul className="sa-issue-list">
            {preview.data.issues.map((issue) => (
              <li key={issue}>{issue}</li>
            ))}
          </ul>
        ) : null}
        {channel === "email" && preview.data?.html ? (
          <>
            <Text size={2}>
              <strong>{preview.data.subject}</strong> {preview.data.preheader ? `— ${preview.data.preheader}` : ""}
            </Text>
            <iframe className="sa-preview" title="Email preview" sandbox="" srcDoc={preview.data.html} data-testid="email-preview" />
          </>
        ) : null}
        {channel === "sms" && preview.data?.text ? <pre className="sa-sms-preview">{preview.data.text}</pre> : null}
      </Box>
    </Box>
  );
}

function segmentLine(segments: number, encoding: string, characters: number, perSegment: number): string {
  if (!characters) return "Empty message";
  return `${characters} characters · ${segments} segment${segments === 1 ? "" : "s"} (${encoding}, ${perSegment} per segment)`;
}
