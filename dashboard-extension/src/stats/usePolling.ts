/* Run `load` now, then every `intervalMs` while the page is visible, and at once when it
becomes visible again. A hidden tab (or a dashboard page not showing the app) costs nothing. */

import { useEffect, useRef } from "react";

export const POLL_MS = 5000;

export function usePolling(load: () => void, intervalMs: number, deps: readonly unknown[]): void {
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let timer: number | undefined;
    const schedule = () => {
      window.clearInterval(timer);
      timer = window.setInterval(() => {
        if (document.visibilityState === "visible") loadRef.current();
      }, intervalMs);
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") {
        loadRef.current();
        schedule();
      }
    };
    loadRef.current();
    schedule();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [intervalMs, ...deps]);
}
