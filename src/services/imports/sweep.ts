import { and, eq, gt, inArray, lt } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { oldestUntouched } from "../../db/untouched.ts";
import { imports } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { isoNow } from "../../ids.ts";
import { logger } from "../../lib/logger.ts";
import { sweepStale } from "../../lib/stale-sweep.ts";
import { enqueueChunks } from "./create.ts";
import { OPEN_IMPORT_STATUSES } from "./store.ts";

export const IMPORT_SWEEP_DEFAULTS = {
  /** A queued import without progress this long lost its chunk messages (or the request died before sending them). */
  staleAfterMs: 10 * 60 * 1000,
  batchSize: 20,
} as const;

/**
 * The safety net behind the import queue, run by the cron trigger: an import
 * still queued or processing with no progress for a while gets all its chunk
 * messages again. Chunks are idempotent, so finished ones create nothing new,
 * and a chunk whose staged rows are gone fails the import closed.
 */
export async function sweepStuckImports(env: TenantEnv, now: Date, options: Partial<typeof IMPORT_SWEEP_DEFAULTS> = {}) {
  const { staleAfterMs, batchSize } = { ...IMPORT_SWEEP_DEFAULTS, ...options };
  const db = database(env.TENANT_DB);
  const active = inArray(imports.status, OPEN_IMPORT_STATUSES);
  const handled = await sweepStale({
    now,
    staleAfterMs,
    batchSize,
    findStale: (staleBefore, limit) => {
      const rows = db.select({ id: imports.id, projectId: imports.projectId, chunkCount: imports.chunkCount }).from(imports);
      return oldestUntouched(rows.$dynamic(), imports.updatedAt, and(active, gt(imports.chunkCount, 0)), staleBefore, limit);
    },
    handle: async (row, staleBefore) => {
      const claimed = await db
        .update(imports)
        .set({ updatedAt: isoNow(now) })
        .where(and(eq(imports.id, row.id), active, lt(imports.updatedAt, staleBefore)))
        .returning({ id: imports.id });
      if (claimed.length === 0) return null;
      await enqueueChunks(env, row);
      return "resent";
    },
  });
  const resent = (handled.get("resent") ?? []).map((row) => row.id);
  if (resent.length > 0) logger.warn("stuck_imports_swept", { imports: resent.length });
  return { resent };
}
