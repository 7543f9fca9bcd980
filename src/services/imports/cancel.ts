import { and, eq, inArray } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { imports } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow } from "../../ids.ts";
import { logger } from "../../lib/logger.ts";
import { claimUncreatedRows, giveBackUncreatedRows } from "./allowance.ts";
import { dropStagedChunks } from "./chunks.ts";
import { announceCancelledRuns } from "../webhooks/events.ts";
import { CANCELLABLE_IMPORT_STATUSES, type ImportRow, cancelQueuedRuns, findImport, importRequestKey } from "./store.ts";

/**
 * `POST /v1/imports/{importId}/cancel`: no further runs are created for the
 * import, and its runs still queued are cancelled. Runs already reviewed or
 * under review keep their result. The allowance follows what was created:
 * runs that exist keep counting (cancelled ones too, as for a cancelled run),
 * and rows that never got a run are given back.
 */
export async function cancelImport(env: TenantEnv, projectId: string, importId: string): Promise<ImportRow> {
  const db = database(env.TENANT_DB);
  const now = isoNow();
  // The status condition makes the cancel atomic against a chunk completing the import.
  const [[cancelled], owed, cleared] = await db.batch([
    db
      .update(imports)
      .set({ status: "cancelled", updatedAt: now, completedAt: now })
      .where(and(eq(imports.id, importId), eq(imports.projectId, projectId), inArray(imports.status, CANCELLABLE_IMPORT_STATUSES)))
      .returning(),
    ...claimUncreatedRows(db, { id: importId, projectId }),
  ]);
  await giveBackUncreatedRows(env, owed, cleared);
  if (!cancelled) {
    const existing = await findImport(db, projectId, importId);
    throw new ApiError("import_not_cancellable", {
      message: `Only an import that is still creating runs (${CANCELLABLE_IMPORT_STATUSES.join(", ")}) can be cancelled; ${existing.id} is ${existing.status}.`,
    });
  }
  const runs = await cancelQueuedRuns(database(env.TENANT_DB), cancelled);
  await announceCancelledRuns(env, projectId, runs);
  await dropStagedChunks(env, cancelled);
  await env.SOURCES.delete(importRequestKey(projectId, importId)).catch((error: unknown) => {
    logger.warn("import_staging_cleanup_failed", { import_id: importId, error });
  });
  logger.info("import_cancelled", { import_id: importId, cancelled_runs: runs.length });
  return cancelled;
}
