import type { TenantEnv } from "../../env.ts";
import { enqueueRuns } from "./create.ts";
import { failRun } from "./process.ts";
import { logger } from "../../lib/logger.ts";
import { sweepStale } from "../../lib/stale-sweep.ts";
import { OPEN_RUN_STATUS_SQL } from "./store.ts";

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
  const handled = await sweepStale({
    now,
    staleAfterMs,
    batchSize,
    findStale: async (staleBefore, limit) =>
      (
        await env.TENANT_DB.prepare(
          `SELECT id, project_id, enqueue_count FROM review_runs
     WHERE status IN ${OPEN_RUN_STATUS_SQL} AND capture_method != 'private_worker' AND updated_at < ?
     ORDER BY updated_at LIMIT ?`,
        )
          .bind(staleBefore, limit)
          .all<{ id: string; project_id: string; enqueue_count: number }>()
      ).results,
    handle: async (run, staleBefore) => {
      if (run.enqueue_count >= maxEnqueues) {
        return (await failRun(env, run.id, "processing_stalled", STALLED_MESSAGE)) ? "failed" : null;
      }
      const claimed = await env.TENANT_DB.prepare(
        `UPDATE review_runs SET enqueue_count = enqueue_count + 1, updated_at = ?
       WHERE id = ? AND status IN ${OPEN_RUN_STATUS_SQL} AND updated_at < ?`,
      )
        .bind(now.toISOString(), run.id, staleBefore)
        .run();
      return (claimed.meta.changes ?? 0) > 0 ? "requeued" : null;
    },
  });
  const requeue = (handled.get("requeued") ?? []).map((run) => ({ id: run.id, projectId: run.project_id }));
  const failed = handled.get("failed")?.length ?? 0;
  if (requeue.length > 0) await enqueueRuns(env, requeue);
  if (requeue.length > 0 || failed > 0) logger.warn("stuck_runs_swept", { requeued: requeue.length, failed });
  return { requeued: requeue.map((run) => run.id), failed };
}
