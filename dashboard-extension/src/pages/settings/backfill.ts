/** Backfill progress: how much of the store's history has been imported. */

export interface BackfillProgress {
  name: string;
  imported: number;
  total: number | null;
  done: boolean;
}

export interface BackfillRun {
  id: string;
  status: "RUNNING" | "DONE" | "FAILED";
  since: string | null;
  error: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  progress: BackfillProgress[];
}

/** 0..100: each resource weighs the same (their sizes are unknown until each starts:
 * Saleor's count is read when its import begins); a resource not started counts 0, a
 * finished one 100 even when Saleor's count was an estimate. null: nothing to show. */
export function backfillPercent(run: BackfillRun): number | null {
  if (run.status === "DONE") return 100;
  if (run.progress.length === 0) return null;
  const fractions = run.progress.map((resource) => {
    if (resource.done) return 1;
    if (!resource.total) return 0;
    return Math.min(resource.imported / resource.total, 1);
  });
  const mean = fractions.reduce((sum, f) => sum + f, 0) / fractions.length;
  return Math.floor(mean * 100);
}

export const RESOURCE_LABELS: Record<string, string> = {
  customers: "Customers",
  orders: "Orders",
  checkouts: "Checkouts",
};
