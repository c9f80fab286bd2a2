/**
 * The one AppBridge of the page (PROTOCOL.md §5.3) and the hooks the pages use.
 *
 * The dashboard sends the token in a `handshake` (on iframe load and again after our
 * `notifyReady`) and replaces it with `tokenRefresh` before it expires (5 min TTL), so
 * callers read `currentAuth()` for every request and never keep a token around.
 */
import { actions, AppBridge, type AppBridgeState } from "@saleor/app-sdk/app-bridge";
import { useSyncExternalStore } from "react";

export type NotificationStatus = "info" | "success" | "warning" | "error";

export interface BridgeState {
  token: string | null;
  saleorApiUrl: string | null;
  theme: "light" | "dark";
  locale: string;
  ready: boolean;
}

/** What the page needs from AppBridge; tests pass a fake with the same shape. */
export interface BridgeLike {
  getState(): Pick<AppBridgeState, "token" | "saleorApiUrl" | "theme" | "locale" | "ready">;
  subscribe(event: "handshake" | "tokenRefresh" | "theme" | "localeChanged", cb: () => void): () => void;
  dispatch(action: ReturnType<(typeof actions)[keyof typeof actions]>): Promise<void>;
}

let bridge: BridgeLike | null = null;
let snapshot: BridgeState | null = null;
const listeners = new Set<() => void>();
let detach: (() => void) | null = null;

/** The page's AppBridge, created on first use (it needs `window` and `document.referrer`). */
export function getAppBridge(): BridgeLike {
  if (bridge === null) {
    setAppBridge(new AppBridge() as unknown as BridgeLike);
  }
  return bridge as BridgeLike;
}

/** Install a bridge (the real one on first use; a fake one in unit tests). */
export function setAppBridge(next: BridgeLike | null): void {
  detach?.();
  detach = null;
  bridge = next;
  snapshot = null;
  if (next !== null) {
    const offs = (["handshake", "tokenRefresh", "theme", "localeChanged"] as const).map((event) =>
      next.subscribe(event, () => {
        // AppBridge has already applied the event to its state; drop our copy so the
        // next render reads the new token/theme.
        snapshot = null;
        listeners.forEach((listener) => listener());
      }),
    );
    detach = () => offs.forEach((off) => off());
    listeners.forEach((listener) => listener());
  }
}

function readState(): BridgeState {
  const state = getAppBridge().getState();
  return {
    token: state.token ?? null,
    saleorApiUrl: state.saleorApiUrl || null,
    theme: state.theme === "dark" ? "dark" : "light",
    locale: state.locale || "en",
    ready: Boolean(state.ready && state.token),
  };
}

function sameState(a: BridgeState, b: BridgeState): boolean {
  return (
    a.token === b.token &&
    a.saleorApiUrl === b.saleorApiUrl &&
    a.theme === b.theme &&
    a.locale === b.locale &&
    a.ready === b.ready
  );
}

function getSnapshot(): BridgeState {
  const fresh = readState();
  if (snapshot === null || !sameState(snapshot, fresh)) {
    snapshot = fresh;
  }
  return snapshot;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Token, API URL, theme, locale and readiness; re-renders on handshake/refresh/theme/locale. */
export function useAppBridgeState(): BridgeState {
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

/** The credentials for one request, read at the moment of the request. */
export function currentAuth(): { token: string | null; saleorApiUrl: string | null } {
  const { token, saleorApiUrl } = readState();
  return { token, saleorApiUrl };
}

/** A dashboard notification (the toast in the dashboard's corner). */
export async function notify(status: NotificationStatus, title: string, text?: string): Promise<void> {
  try {
    await getAppBridge().dispatch(actions.Notification({ status, title, text }));
  } catch {
    // Outside the dashboard (or if it never answers) there is nowhere to show it; the pages
    // show their own inline state as well, so nothing is lost.
  }
}

type Navigator = (path: string) => void;
let navigator: Navigator | null = null;

/** Registered by the router (App.tsx) so plain modules can change the in-app route. */
export function setNavigator(next: Navigator | null): void {
  navigator = next;
}

/** Go to an in-app route such as `/flows/<id>/edit`. */
export function navigate(path: string): void {
  if (navigator !== null) {
    navigator(path);
  } else {
    window.history.pushState(null, "", path);
  }
}
