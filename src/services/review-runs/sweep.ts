import type { TenantEnv } from "../../env.ts";
import { enqueueRuns } from "./create.ts";
import { failRun } from "./process.ts";
import { logger } from "../../lib/logger.ts";
import { sweepStale } from "../../lib/stale-sweep.ts";
import { runIsHosted, runIsOpen } from "./store.ts";
import { and, eq, lt, sql } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { reviewRuns } from "../../db/schema.ts";
import { oldestUntouched } from "../../db/untouched.ts";

export const SWEEP_DEFAULTS = {
  /** A run untouched this long in queued/processing lost its message or its consumer. */
  staleAfterMs: 10 * 60 * 1000,
  /** Handing a run to the queue this many times without completion means retrying will not help. */
  maxEnqueues: 5,
  batchSize: 100,
} as const;

const STALLED_MESSAGE =
  "The review did not complete after several attempts. Create the run again or contact support with the run ID.";

/**
 * The safety net behind the queue: messages can be lost (a failed send after
 * the run was stored, an expired message, a crashed consumer), so a cron pass
 * re-enqueues hosted runs stuck in queued/processing, and fails those that
 * have already been handed over too often.
 */
export async function sweepStuckRuns(env: TenantEnv, now: Date, options: Partial<typeof SWEEP_DEFAULTS> = {}) {
  const { staleAfterMs, maxEnqueues, batchSize } = { ...SWEEP_DEFAULTS, ...options };
  const db = database(env.TENANT_DB);
  const handled = await sweepStale({
    now,
    staleAfterMs,
    batchSize,
    findStale: (staleBefore, limit) => {
      const runs = db.select({ id: reviewRuns.id, projectId: reviewRuns.projectId, enqueueCount: reviewRuns.enqueueCount }).from(reviewRuns);
      return oldestUntouched(runs.$dynamic(), reviewRuns.updatedAt, and(runIsOpen, runIsHosted), staleBefore, limit);
    },
    handle: async (run, staleBefore) => {
      if (run.enqueueCount >= maxEnqueues) {
        return (await failRun(env, run.id, "processing_stalled", STALLED_MESSAGE)) ? "failed" : null;
      }
      const claimed = await db
        .update(reviewRuns)
        .set({ enqueueCount: sql`${reviewRuns.enqueueCount} + 1`, updatedAt: now.toISOString() })
        .where(and(eq(reviewRuns.id, run.id), runIsOpen, lt(reviewRuns.updatedAt, staleBefore)))
        .run();
      return (claimed.meta.changes ?? 0) > 0 ? "requeued" : null;
    },
  });
  const requeue = (handled.get("requeued") ?? []).map((run) => ({ id: run.id, projectId: run.projectId }));
  const failed = handled.get("failed")?.length ?? 0;
  if (requeue.length > 0) await enqueueRuns(env, requeue);
  if (requeue.length > 0 || failed > 0) logger.warn("stuck_runs_swept", { requeued: requeue.length, failed });
  return { requeued: requeue.map((run) => run.id), failed };
}
