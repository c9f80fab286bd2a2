/* Undo/redo over any state: a pure reducer keeping past and future snapshots.

An edit may carry a `group` key: consecutive edits with the same key (typing in one field,
dragging one node) make a single undo step, so Ctrl+Z undoes the whole word or move. */

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  group: string | null; // the group of the last edit, while it can still be merged into
}

export type HistoryAction<T> =
  | { type: "edit"; update: (present: T) => T; group?: string }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "reset"; state: T } // a fresh start (loaded or saved): nothing to undo
  | { type: "seal" }; // ends the current group: the next edit is its own step

export const HISTORY_LIMIT = 100;

export function historyInit<T>(state: T): History<T> {
  return { past: [], present: state, future: [], group: null };
}

export function historyReducer<T>(history: History<T>, action: HistoryAction<T>): History<T> {
  switch (action.type) {
    case "edit": {
      const next = action.update(history.present);
      if (next === history.present) return history;
      const group = action.group ?? null;
      if (group !== null && group === history.group) {
        return { ...history, present: next, future: [] };
      }
      const past = [...history.past, history.present].slice(-HISTORY_LIMIT);
      return { past, present: next, future: [], group };
    }
    case "undo": {
      if (!history.past.length) return history;
      const previous = history.past[history.past.length - 1];
      return {
        past: history.past.slice(0, -1),
        present: previous,
        future: [history.present, ...history.future],
        group: null,
      };
    }
    case "redo": {
      if (!history.future.length) return history;
      const [next, ...future] = history.future;
      return { past: [...history.past, history.present], present: next, future, group: null };
    }
    case "reset":
      return historyInit(action.state);
    case "seal":
      return history.group === null ? history : { ...history, group: null };
  }
}

export function canUndo<T>(history: History<T>): boolean {
  return history.past.length > 0;
}

export function canRedo<T>(history: History<T>): boolean {
  return history.future.length > 0;
}
