/* The message preview: the app renders the node's message (nodePreview) a moment after the
operator stops typing. When the API takes the content to render (a `content` argument),
the preview follows every keystroke; otherwise it renders the saved draft, refreshed on each
save, and says so. Only the newest request may update the view. */

import { useEffect, useRef, useState } from "react";

import { gql } from "../api/client";
import { errorMessages } from "../components";
import { stableJson } from "./diff";

export const PREVIEW_DELAY_MS = 600;

export interface PreviewResult {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  segments: number | null;
  encoding: string | null;
  issues: string[];
}

const ARGS = `query PreviewArgs { __type(name: "Query") { fields { name args { name } } } }`;

let argsPromise: Promise<Set<string>> | null = null;

/* The nodePreview arguments the API has (asked once per page load). */
export function previewArgs(): Promise<Set<string>> {
  if (argsPromise === null) {
    argsPromise = gql<{ __type: { fields: { name: string; args: { name: string }[] }[] } | null }>(ARGS).then(
      (data) => new Set(data.__type?.fields.find((field) => field.name === "nodePreview")?.args.map((arg) => arg.name) ?? []),
      (error) => {
        argsPromise = null;
        throw error;
      },
    );
  }
  return argsPromise;
}

/* The nodePreview query for what the API takes: `content` renders unsaved edits,
`channel` lets a node that was never saved render too. */
export function previewQuery(withContent: boolean, withChannel = false): string {
  const declared = [
    "$flowId: ID!",
    "$nodeId: String!",
    "$language: String",
    ...(withContent ? ["$content: JSON"] : []),
    ...(withContent && withChannel ? ["$channel: MessageChannel"] : []),
  ];
  const args = [
    "flowId: $flowId",
    "nodeId: $nodeId",
    "language: $language",
    "draft: true",
    ...(withContent ? ["content: $content"] : []),
    ...(withContent && withChannel ? ["channel: $channel"] : []),
  ];
  return `query NodePreview(${declared.join(", ")}) {
  nodePreview(${args.join(", ")}) {
    subject preheader html text
    segments { encoding characters segments perSegment nonGsm }
    issues { field line message }
  }
}`;
}

interface RawPreview {
  subject?: string;
  preheader?: string;
  html?: string;
  text?: string;
  segments?: { encoding: string; segments: number } | null;
  issues?: { field: string; line: number | null; message: string }[];
}

export function readPreview(raw: RawPreview | null): PreviewResult {
  const result = raw ?? {};
  return {
    subject: result.subject ?? "",
    preheader: result.preheader ?? "",
    html: result.html ?? "",
    text: result.text ?? "",
    segments: result.segments?.segments ?? null,
    encoding: result.segments?.encoding ?? null,
    issues: (result.issues ?? []).map((issue) => `${issue.field}${issue.line ? `, line ${issue.line}` : ""}: ${issue.message}`),
  };
}

export interface PreviewState {
  data: PreviewResult | null;
  error: string | null;
  loading: boolean;
  live: boolean; // false: the preview shows the saved draft, not unsaved edits
}

export function usePreview(
  flowId: string,
  nodeId: string,
  channel: "email" | "sms",
  content: unknown,
  language: string | null,
  savedRevision: number,
): PreviewState {
  const [state, setState] = useState<PreviewState>({ data: null, error: null, loading: false, live: false });
  const [live, setLive] = useState<boolean | null>(null);
  const [withChannel, setWithChannel] = useState(false);
  const generation = useRef(0);
  useEffect(() => {
    previewArgs().then(
      (args) => {
        setWithChannel(args.has("channel"));
        setLive(args.has("content"));
      },
      () => setLive(false),
    );
  }, []);
  // Without a content argument, unsaved edits cannot change the answer: only a save can.
  const key = stableJson({ nodeId, channel, language, savedRevision, content: live ? content : null });
  useEffect(() => {
    if (live === null) return undefined;
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true, live }));
    const timer = window.setTimeout(async () => {
      try {
        const data = await gql<{ nodePreview: RawPreview | null }>(previewQuery(live, withChannel), {
          flowId,
          nodeId,
          language,
          ...(live ? { content } : {}),
          ...(live && withChannel ? { channel: channel.toUpperCase() } : {}),
        });
        if (mine !== generation.current) return;
        setState(
          data.nodePreview
            ? { data: readPreview(data.nodePreview), error: null, loading: false, live }
            : { data: null, error: "Preview unavailable: the flow was not found.", loading: false, live },
        );
      } catch (error) {
        if (mine === generation.current) {
          setState({ data: null, error: `Preview unavailable: ${errorMessages(error).join(" ")}`, loading: false, live });
        }
      }
    }, PREVIEW_DELAY_MS);
    return () => window.clearTimeout(timer);
    // `key` stands for content/language/revision: compared by value, not identity.
  }, [flowId, key, live, withChannel]);
  return state;
}
