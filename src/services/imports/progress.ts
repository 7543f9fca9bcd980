import { and, count, eq, max, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { reviewRuns } from "../../db/schema.ts";
import { SAFE_USE_STATUSES, type SafeUseStatus } from "../../schemas/enums.ts";

/** How far the review of an import's runs has got, as opposed to their creation (the import's own status). */
export interface ReviewProgress {
  runs_created: number;
  reviewed: number;
  failed: number;
  cancelled: number;
  pending: number;
  by_safe_use_status: Record<SafeUseStatus, number>;
  last_reviewed_at: string | null;
  all_reviewed: boolean;
}

export function emptyProgress(): ReviewProgress {
  return {
    runs_created: 0,
    reviewed: 0,
    failed: 0,
    cancelled: 0,
    pending: 0,
    by_safe_use_status: Object.fromEntries(SAFE_USE_STATUSES.map((status) => [status, 0])) as Record<SafeUseStatus, number>,
    last_reviewed_at: null,
    all_reviewed: false,
  };
}

/** The progress of an import whose `runsCreated` runs were all just created, so none is reviewed yet. */
export function newRunsProgress(runsCreated: number, importTerminal: boolean): ReviewProgress {
  return { ...emptyProgress(), runs_created: runsCreated, pending: runsCreated, all_reviewed: importTerminal && runsCreated === 0 };
}

/** One grouped query over the import's runs (indexed by project and import). */
export async function reviewProgress(
  db: Database,
  row: { id: string; projectId: string },
  importTerminal: boolean,
): Promise<ReviewProgress> {
  const groups = await db
    .select({
      status: reviewRuns.status,
      safeUseStatus: reviewRuns.safeUseStatus,
      n: count(),
      last: max(sql<string | null>`CASE WHEN ${reviewRuns.status} IN ('completed', 'failed') THEN ${reviewRuns.completedAt} END`),
    })
    .from(reviewRuns)
    .where(and(eq(reviewRuns.projectId, row.projectId), eq(reviewRuns.importId, row.id)))
    .groupBy(reviewRuns.status, reviewRuns.safeUseStatus);

  const progress = emptyProgress();
  for (const group of groups) {
    progress.runs_created += group.n;
    if (group.status === "completed") progress.reviewed += group.n;
    else if (group.status === "failed") progress.failed += group.n;
    else if (group.status === "cancelled") progress.cancelled += group.n;
    else progress.pending += group.n;
    if (group.safeUseStatus && group.safeUseStatus in progress.by_safe_use_status) {
      progress.by_safe_use_status[group.safeUseStatus as SafeUseStatus] += group.n;
    }
    if (group.last && (progress.last_reviewed_at === null || group.last > progress.last_reviewed_at)) progress.last_reviewed_at = group.last;
  }
  // Runs are still being created until the import itself is terminal.
  progress.all_reviewed = importTerminal && progress.pending === 0;
  return progress;
}
