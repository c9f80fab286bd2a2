/* The confirmation before activation: what changes, and what happens to the contacts
already in the flow (they finish on the version they entered; see diff.ts). */

import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useRef } from "react";

import type { ActivationChanges, NodeChange } from "./diff";
import { KIND_TITLES } from "./document";
import type { NodeKind } from "./types";

function NodeList({ title, items, showWaiting }: { title: string; items: NodeChange[]; showWaiting: boolean }) {
  if (!items.length) return null;
  return (
    <Box>
      <Text size={3} fontWeight="bold">
        {title}
      </Text>
      <ul className="sa-change-list">
        {items.map((item) => (
          <li key={item.id}>
            {KIND_TITLES[item.kind as NodeKind] ?? item.kind} <code>{item.id}</code>
            {showWaiting && item.waiting ? ` — ${item.waiting} contact(s) waiting here will finish on the current version` : ""}
          </li>
        ))}
      </ul>
    </Box>
  );
}

export function ActivateDialog({
  changes,
  status,
  busy,
  onConfirm,
  onCancel,
}: {
  changes: ActivationChanges;
  status: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirm.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onCancel();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);
  return (
    <div className="sa-dialog-backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="activate-title" className="sa-dialog" data-testid="activate-dialog">
        <Text as="h2" size={6} fontWeight="bold" id="activate-title">
          {changes.firstActivation ? "Activate this flow?" : "Activate the new version?"}
        </Text>
        {changes.firstActivation ? (
          <Text>
            The flow starts enrolling contacts when its trigger fires. {changes.added.length} node(s) go live.
          </Text>
        ) : (
          <>
            <Text>
              {changes.running
                ? `${changes.running} contact(s) are in the flow now. They stay on the current version until they finish; only new entries follow the new one.`
                : "Nobody is waiting in the flow now: every new entry follows the new version."}
            </Text>
            {changes.unchanged ? <Text>The draft is the same as the live version.</Text> : null}
            <NodeList title="Removed nodes" items={changes.removed} showWaiting />
            <NodeList title="Changed nodes" items={changes.changed} showWaiting />
            <NodeList title="New nodes" items={changes.added} showWaiting={false} />
            {changes.settings.length ? (
              <Box>
                <Text size={3} fontWeight="bold">
                  Changed settings
                </Text>
                <ul className="sa-change-list">
                  {changes.settings.map((key) => (
                    <li key={key}>{key.replace(/_/g, " ")}</li>
                  ))}
                </ul>
              </Box>
            ) : null}
          </>
        )}
        {status === "PAUSED" ? <Text color="default2">The flow is paused and stays paused: resume it from the flows list.</Text> : null}
        <Box display="flex" gap={2} justifyContent="flex-end" flexWrap="wrap">
          <Button variant="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button ref={confirm} variant="primary" onClick={onConfirm} disabled={busy} data-testid="confirm-activate">
            {busy ? "Activating…" : "Activate"}
          </Button>
        </Box>
      </div>
    </div>
  );
}
