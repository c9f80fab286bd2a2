/* The flow builder: palette, canvas (React Flow), inspector / settings / problems, undo and
redo, save as draft and activate. The document <-> canvas rules are in document.ts. */

import "@xyflow/react/dist/style.css";
import "./builder.css";

import { Box, Button, Text } from "@saleor/macaw-ui";
import {
  Background,
  Controls,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";

import { notify } from "../app/bridge";
import { EmptyState, ErrorState, Loading, errorMessages, useQuery } from "../components";
import { ActivateDialog } from "./ActivateDialog";
import { type BuilderFlow, activateFlow, loadFlow, loadWaiting, saveDraft } from "./api";
import { type ActivationChanges, activationChanges, stableJson } from "./diff";
import {
  type Connection,
  type Draft,
  DocumentError,
  KIND_HINTS,
  KIND_TITLES,
  addNode,
  connect,
  connectionProblem,
  fromDocument,
  moveNode,
  newNodeId,
  positionsOf,
  removeElements,
  setOutput,
  toDocument,
  updateNode,
  updateSettings,
} from "./document";
import { NODE_TYPES } from "./FlowNodeView";
import { canRedo, canUndo, historyInit, historyReducer } from "./history";
import { Inspector } from "./Inspector";
import { loadPositions, storePositions } from "./positions";
import { SettingsPanel } from "./SettingsPanel";
import { type FlowIssue, NODE_KINDS, type NodeKind, type XY } from "./types";

export const DRAG_TYPE = "application/x-saleor-flow-node";
const EMPTY_GRAPH = { schema_version: 1, nodes: [], edges: [] };

export function BuilderPage() {
  const { flowId = "" } = useParams();
  const query = useQuery(() => loadFlow(flowId), [flowId]);
  if (query.status === "loading" && !query.data) return <Loading label="Loading the flow…" />;
  if (query.status === "error") return <ErrorState error={query.error} title="Could not load the flow" onRetry={query.reload} />;
  if (!query.data) {
    return (
      <Box padding={6}>
        <EmptyState title="Flow not found" action={<Link to="/flows">Back to the flows</Link>}>
          It may have been deleted, or it belongs to another store.
        </EmptyState>
      </Box>
    );
  }
  try {
    initialDraft(query.data);
  } catch (error) {
    // Never stored by the app (it validates every save); shown rather than overwritten.
    if (error instanceof DocumentError) return <ErrorState error={error} title="This flow's graph cannot be shown" />;
    throw error;
  }
  return (
    <ReactFlowProvider>
      <Builder key={flowId} flow={query.data} reload={query.reload} />
    </ReactFlowProvider>
  );
}

function initialDraft(flow: BuilderFlow): Draft {
  const version = flow.draftVersion ?? flow.activeVersion;
  return fromDocument(version?.graph ?? EMPTY_GRAPH, version?.settings ?? {}, loadPositions(flow.id));
}

type Panel = "node" | "settings" | "problems";

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function Builder({ flow, reload }: { flow: BuilderFlow; reload: () => Promise<void> }) {
  const [history, dispatch] = useReducer(historyReducer<Draft>, flow, (f) => historyInit(initialDraft(f)));
  const draft = history.present;
  const [saved, setSaved] = useState(() => stableJson({ g: toDocument(draft), s: draft.settings }));
  const [issues, setIssues] = useState<FlowIssue[]>(flow.draftVersion?.issues ?? []);
  const [selected, setSelected] = useState<string | null>(null);
  const [selectedEdges, setSelectedEdges] = useState<Set<string>>(new Set());
  const [panel, setPanel] = useState<Panel>("settings");
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const [busy, setBusy] = useState<"save" | "activate" | null>(null);
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [changes, setChanges] = useState<ActivationChanges | null>(null);
  const [status, setStatus] = useState(flow.status);
  const [savedRevision, setSavedRevision] = useState(0);
  const canvas = useRef<HTMLDivElement>(null);
  // Fit a loaded flow into view once; an empty canvas keeps its viewport, or the first
  // node dropped would be re-centred under the operator's pointer's feet.
  const fitOnLoad = useRef(draft.nodes.length > 0).current;
  const { screenToFlowPosition } = useReactFlow();

  const dirty = stableJson({ g: toDocument(draft), s: draft.settings }) !== saved;
  const edit = useCallback((update: (d: Draft) => Draft, group?: string) => dispatch({ type: "edit", update, group }), []);
  // One Delete key press removes a node and its edges in several changes: one undo step.
  const remove = useCallback((nodeIds: string[], edgeIds: string[] = []) => {
    dispatch({ type: "edit", update: (d) => removeElements(d, nodeIds, edgeIds), group: "delete" });
    window.setTimeout(() => dispatch({ type: "seal" }), 0);
  }, []);

  const issuesByNode = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const issue of issues) {
      if (issue.nodeId) map.set(issue.nodeId, [...(map.get(issue.nodeId) ?? []), `${issue.field}: ${issue.message}`]);
    }
    return map;
  }, [issues]);

  const nodes = useMemo(
    () =>
      draft.nodes.map((node) => ({
        ...node,
        selected: node.id === selected,
        measured: measured[node.id],
        data: { ...node.data, issues: issuesByNode.get(node.id) ?? [] },
      })),
    [draft.nodes, selected, measured, issuesByNode],
  );
  const edges = useMemo(
    () => draft.edges.map((edge) => ({ ...edge, selected: selectedEdges.has(edge.id) })),
    [draft.edges, selectedEdges],
  );

  const onNodesChange = useCallback(
    (changesList: NodeChange[]) => {
      for (const change of changesList) {
        if (change.type === "position" && change.position) {
          const position = change.position;
          edit((d) => moveNode(d, change.id, position), `move:${change.id}`);
          if (change.dragging === false) dispatch({ type: "seal" });
        } else if (change.type === "dimensions" && change.dimensions) {
          const dimensions = change.dimensions;
          setMeasured((m) => ({ ...m, [change.id]: dimensions }));
        } else if (change.type === "remove") {
          remove([change.id]);
          setSelected((current) => (current === change.id ? null : current));
        } else if (change.type === "select") {
          if (change.selected) {
            setSelected(change.id);
            setPanel("node");
          } else {
            setSelected((current) => (current === change.id ? null : current));
          }
        }
      }
    },
    [edit, remove],
  );

  const onEdgesChange = useCallback(
    (changesList: EdgeChange[]) => {
      for (const change of changesList) {
        if (change.type === "remove") remove([], [change.id]);
        if (change.type === "select") {
          setSelectedEdges((current) => {
            const next = new Set(current);
            if (change.selected) next.add(change.id);
            else next.delete(change.id);
            return next;
          });
        }
      }
    },
    [remove],
  );

  // Checked against the state on screen before dispatching, and again inside the update
  // (which runs later, in the reducer, where throwing would break the render).
  const onConnect = useCallback(
    (connection: Connection) => {
      const problem = connectionProblem(draft, connection);
      if (problem) {
        setMessage({ tone: "error", text: problem });
        return;
      }
      edit((d) => (connectionProblem(d, connection) ? d : connect(d, connection)));
      setMessage(null);
    },
    [edit, draft],
  );

  const add = useCallback(
    (kind: NodeKind, position: XY) => {
      // The id addNode will pick from the same state, known now so the node can be selected.
      const id = newNodeId(kind, draft.nodes.map((node) => node.id));
      edit((d) => addNode(d, kind, position).draft);
      setSelected(id);
      setPanel("node");
    },
    [edit, draft.nodes],
  );

  const onDrop = useCallback(
    (event: DragEvent<HTMLDivElement>) => {
      event.preventDefault();
      const kind = event.dataTransfer.getData(DRAG_TYPE);
      if (!(NODE_KINDS as readonly string[]).includes(kind)) return;
      add(kind as NodeKind, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [add, screenToFlowPosition],
  );

  const addAtCentre = (kind: NodeKind) => {
    const box = canvas.current?.getBoundingClientRect();
    const centre = box ? { x: box.left + box.width / 2, y: box.top + box.height / 3 } : { x: 0, y: 0 };
    const position = screenToFlowPosition(centre);
    // Nudge each new node so several added in a row do not stack exactly.
    const offset = (draft.nodes.length % 5) * 24;
    add(kind, { x: position.x + offset, y: position.y + offset });
  };

  // Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z (or Ctrl+Y) redoes, everywhere on the page: the
  // history covers the form fields too, one step per field edit.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) {
        event.preventDefault();
        dispatch({ type: "undo" });
      } else if ((key === "z" && event.shiftKey) || key === "y") {
        event.preventDefault();
        dispatch({ type: "redo" });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // Leaving with unsaved edits asks first (the browser's own prompt).
  useEffect(() => {
    if (!dirty) return undefined;
    const onLeave = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onLeave);
    return () => window.removeEventListener("beforeunload", onLeave);
  }, [dirty]);

  const save = async (): Promise<boolean> => {
    setBusy("save");
    setMessage(null);
    try {
      const graph = toDocument(draft);
      const result = await saveDraft(flow.id, graph, draft.settings);
      setIssues(result.issues);
      if (!result.saved) {
        setPanel("problems");
        setMessage({ tone: "error", text: `Not saved: ${result.issues.length} problem(s) to fix first.` });
        return false;
      }
      storePositions(flow.id, positionsOf(draft));
      setSaved(stableJson({ g: graph, s: draft.settings }));
      setSavedRevision((n) => n + 1);
      dispatch({ type: "seal" });
      setMessage({ tone: "success", text: "Draft saved." });
      void notify("success", "Draft saved");
      return true;
    } catch (error) {
      setMessage({ tone: "error", text: errorMessages(error).join(" ") });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const prepareActivation = async () => {
    if (dirty && !(await save())) return;
    setBusy("activate");
    try {
      const waiting = flow.activeVersion ? await loadWaiting(flow.id, todayUtc()) : {};
      const active = flow.activeVersion
        ? fromDocument(flow.activeVersion.graph, flow.activeVersion.settings)
        : null;
      setChanges(
        activationChanges(
          active ? { graph: toDocument(active), settings: active.settings } : null,
          { graph: toDocument(draft), settings: draft.settings },
          waiting,
        ),
      );
    } catch (error) {
      setMessage({ tone: "error", text: errorMessages(error).join(" ") });
    } finally {
      setBusy(null);
    }
  };

  const activate = async () => {
    setBusy("activate");
    try {
      const result = await activateFlow(flow.id);
      if (!result.activated) {
        setIssues(result.issues);
        setPanel("problems");
        setChanges(null);
        setMessage({ tone: "error", text: "Not activated: fix the problems first." });
        return;
      }
      setChanges(null);
      setStatus((result.status as BuilderFlow["status"]) ?? "ACTIVE");
      setMessage({ tone: "success", text: "Activated: new entries follow this version." });
      void notify("success", "Flow activated");
      await reload();
    } catch (error) {
      setMessage({ tone: "error", text: errorMessages(error).join(" ") });
    } finally {
      setBusy(null);
    }
  };

  const selectedNode = draft.nodes.find((node) => node.id === selected) ?? null;
  const flowIssues = issues.filter((issue) => !issue.nodeId);

  return (
    <Box as="main" className="sa-builder" data-testid="builder">
      <Box className="sa-builder-bar" display="flex" flexWrap="wrap" alignItems="center" gap={2} justifyContent="space-between">
        <Box display="flex" flexDirection="column">
          <Link to="/flows" className="sa-back">
            ← Flows
          </Link>
          <Text as="h1" size={7} fontWeight="bold">
            {flow.name}
          </Text>
          <Text size={2} color="default2" data-testid="flow-status">
            {status.toLowerCase()} · {flow.activeVersion ? `live version ${flow.activeVersion.number}` : "never activated"}
            {dirty ? " · unsaved changes" : ""}
          </Text>
        </Box>
        <Box display="flex" flexWrap="wrap" gap={2}>
          <Button variant="tertiary" onClick={() => dispatch({ type: "undo" })} disabled={!canUndo(history)} aria-keyshortcuts="Control+Z">
            Undo
          </Button>
          <Button variant="tertiary" onClick={() => dispatch({ type: "redo" })} disabled={!canRedo(history)} aria-keyshortcuts="Control+Shift+Z">
            Redo
          </Button>
          <Button variant="secondary" onClick={() => void save()} disabled={busy !== null || !dirty}>
            {busy === "save" ? "Saving…" : "Save draft"}
          </Button>
          <Button variant="primary" onClick={() => void prepareActivation()} disabled={busy !== null || status === "ARCHIVED"}>
            Activate…
          </Button>
          <Link className="sa-link-button" to={`/flows/${encodeURIComponent(flow.id)}/stats`}>
            Stats
          </Link>
        </Box>
      </Box>
      {message ? (
        <Box role={message.tone === "error" ? "alert" : "status"} className={`sa-banner sa-banner-${message.tone}`} data-testid="builder-message">
          {message.text}
        </Box>
      ) : null}
      <Box className="sa-builder-body">
        <Box as="nav" aria-label="Node palette" className="sa-palette">
          <Text size={2} color="default2" className="sa-palette-hint">
            Drag onto the canvas, or press Enter to add
          </Text>
          {NODE_KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              className={`sa-palette-item sa-node-${kind}`}
              draggable
              data-testid={`palette-${kind}`}
              title={KIND_HINTS[kind]}
              onDragStart={(event) => {
                event.dataTransfer.setData(DRAG_TYPE, kind);
                event.dataTransfer.effectAllowed = "move";
              }}
              onClick={() => addAtCentre(kind)}
            >
              {KIND_TITLES[kind]}
            </button>
          ))}
        </Box>
        <div className="sa-canvas" ref={canvas} onDragOver={(event) => { event.preventDefault(); event.dataTransfer.dropEffect = "move"; }} onDrop={onDrop} data-testid="canvas">
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            isValidConnection={(c) => connectionProblem(draft, { source: c.source, sourceHandle: c.sourceHandle ?? null, target: c.target }) === null}
            onPaneClick={() => setSelected(null)}
            deleteKeyCode={["Delete", "Backspace"]}
            fitView={fitOnLoad}
            fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
            minZoom={0.2}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={16} />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable className="sa-minimap" />
          </ReactFlow>
          {!draft.nodes.length ? (
            <div className="sa-canvas-empty">Start with a Trigger: drag it here from the palette.</div>
          ) : null}
        </div>
        <Box as="aside" className="sa-side" aria-label="Details">
          <Box role="tablist" aria-label="Panels" display="flex" gap={1} flexWrap="wrap" marginBottom={3}>
            {(["node", "settings", "problems"] as Panel[]).map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={panel === name}
                className={`sa-tab${panel === name ? " sa-tab-active" : ""}`}
                onClick={() => setPanel(name)}
                data-testid={`tab-${name}`}
              >
                {name === "node" ? "Node" : name === "settings" ? "Settings" : `Problems (${issues.length})`}
              </button>
            ))}
          </Box>
          {panel === "node" ? (
            selectedNode ? (
              <Inspector
                key={selectedNode.id}
                flowId={flow.id}
                savedRevision={savedRevision}
                node={selectedNode}
                draft={draft}
                issues={issuesByNode.get(selectedNode.id) ?? []}
                onChange={(change, group) => edit((d) => updateNode(d, selectedNode.id, change), group)}
                onConnect={(label, target) =>
                  target === null
                    ? edit((d) => setOutput(d, selectedNode.id, label, null))
                    : onConnect({ source: selectedNode.id, sourceHandle: label, target })
                }
                onDelete={() => {
                  remove([selectedNode.id]);
                  setSelected(null);
                }}
              />
            ) : (
              <Text color="default2">Select a node on the canvas to edit it.</Text>
            )
          ) : null}
          {panel === "settings" ? (
            <SettingsPanel settings={draft.settings} onChange={(settings, group) => edit((d) => updateSettings(d, settings), group)} />
          ) : null}
          {panel === "problems" ? (
            issues.length ? (
              <ul className="sa-issue-list" data-testid="issue-list">
                {flowIssues.map((issue) => (
                  <li key={`flow:${issue.field}:${issue.message}`}>
                    Flow{issue.field ? ` (${issue.field})` : ""}: {issue.message}
                  </li>
                ))}
                {issues
                  .filter((issue) => issue.nodeId)
                  .map((issue) => (
                    <li key={`${issue.nodeId}:${issue.field}:${issue.message}`}>
                      <button
                        type="button"
                        className="sa-link"
                        onClick={() => {
                          setSelected(issue.nodeId);
                          setPanel("node");
                        }}
                      >
                        {issue.nodeId}
                      </button>
                      {issue.field ? ` ${issue.field}` : ""}: {issue.message}
                    </li>
                  ))}
              </ul>
            ) : (
              <Text color="default2">No problems found at the last save.</Text>
            )
          ) : null}
        </Box>
      </Box>
      {changes ? (
        <ActivateDialog
          changes={changes}
          status={status}
          busy={busy === "activate"}
          onCancel={() => setChanges(null)}
          onConfirm={() => void activate()}
        />
      ) : null}
    </Box>
  );
}
