/** Load data once per key, with reload; the pages' loading/error/data state in one place. */
import { useCallback, useEffect, useRef, useState } from "react";

export type QueryState<T> =
  | { status: "loading"; data: T | null; error: null }
  | { status: "error"; data: T | null; error: unknown }
  | { status: "success"; data: T; error: null };

export function useQuery<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
): QueryState<T> & { reload: () => Promise<void> } {
  const [state, setState] = useState<QueryState<T>>({ status: "loading", data: null, error: null });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(async () => {
    // Only the latest request may write: a slow answer to an old filter must not win.
    const mine = ++generation.current;
    setState((previous) => ({ status: "loading", data: previous.data, error: null }));
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ status: "success", data, error: null });
    } catch (error) {
      if (mine === generation.current) setState((p) => ({ status: "error", data: p.data, error }));
    }
  }, []);

  useEffect(() => {
    void run();
  }, deps);

  return { ...state, reload: run };
}
