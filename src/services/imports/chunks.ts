import { and, count, eq, exists, inArray, sql } from "drizzle-orm";
import { type Database, database } from "../../db/client.ts";
import { imports, reviewRuns } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { isoNow } from "../../ids.ts";
import { logger } from "../../lib/logger.ts";
import { PermanentFailure } from "../../lib/permanent-failure.ts";
import type { ImportQueueMessage } from "../../schemas/queue-messages.ts";
import { type WriteCondition, resumeReviewRuns } from "../review-runs/create.ts";
import { announceCancelledRuns, announceImportFailed, announceImportIfReviewed } from "../webhooks/events.ts";
import { claimUncreatedRows, giveBackUncreatedRows } from "./allowance.ts";
import { type ImportRow, type StagedRow, OPEN_IMPORT_STATUSES, cancelQueuedRuns, importChunkKey, importChunkKeys, importStagingKeys } from "./store.ts";

export type ChunkOutcome = "created" | "skipped";

/**
 * Creates the runs of one staged chunk. Safe to repeat and to resume after a
 * crash at any point: run IDs are fixed per row and existing runs are kept
 * (see resumeReviewRuns). The last chunk to finish sees every accepted row
 * with a run and completes the import.
 */
export async function processImportChunk(env: TenantEnv, message: ImportQueueMessage): Promise<ChunkOutcome> {
  const db = database(env.TENANT_DB);
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.id, message.import_id), eq(imports.projectId, message.project_id)))
    .limit(1);
  // Cancelled, finished, or back to waiting for its mapping after a failed start: nothing to create.
  if (!row || !(OPEN_IMPORT_STATUSES as readonly string[]).includes(row.status)) return "skipped";
  if (row.status !== "processing") {
    await db
      .update(imports)
      .set({ status: "processing", updatedAt: isoNow() })
      .where(and(eq(imports.id, row.id), inArray(imports.status, ["uploaded", "queued"])));
  }

  const object = await env.SOURCES.get(importChunkKey(row.projectId, row.id, message.chunk));
  if (!object) {
    throw new PermanentFailure("chunk_unavailable", "Part of the import's staged rows is missing, so its runs cannot be created. Import the file again.");
  }
  const { rows } = (await object.json()) as { rows: StagedRow[] };
  const created = await resumeReviewRuns(
    env,
    { organizationId: row.organizationId, projectId: row.projectId },
    rows.map(({ input }) => input),
    rows.map(({ review_run_id }) => review_run_id),
    { captureMethod: "upload", importId: row.id, onlyWhile: importStillOpen(database(env.TENANT_DB), row) },
  );
  logger.info("import_chunk_processed", { import_id: row.id, chunk: message.chunk, rows: rows.length, created });
  // A cancel that landed while this chunk was creating runs must also stop the runs it just queued.
  if (await cancelledMeanwhile(env, row)) return "created";
  await completeIfDone(env, row);
  return "created";
}

/** A cancel or failure ends run creation at once: later writes of a chunk already under way write nothing. */
const importStillOpen = (db: Database, row: ImportRow): WriteCondition =>
  exists(
    db
      .select({ one: sql`1` })
      .from(imports)
      .where(and(eq(imports.id, row.id), eq(imports.projectId, row.projectId), inArray(imports.status, OPEN_IMPORT_STATUSES))),
  );

async function cancelledMeanwhile(env: TenantEnv, row: ImportRow): Promise<boolean> {
  const [now] = await database(env.TENANT_DB)
    .select({ status: imports.status })
    .from(imports)
    .where(and(eq(imports.id, row.id), eq(imports.projectId, row.projectId)))
    .limit(1);
  if (now?.status !== "cancelled") return false;
  await announceCancelledRuns(env, row.projectId, await cancelQueuedRuns(database(env.TENANT_DB), row));
  return true;
}

async function completeIfDone(env: TenantEnv, row: ImportRow): Promise<void> {
  const db = database(env.TENANT_DB);
  const [runs] = await db
    .select({ n: count() })
    .from(reviewRuns)
    .where(and(eq(reviewRuns.projectId, row.projectId), eq(reviewRuns.importId, row.id)));
  const now = isoNow();
  const active = inArray(imports.status, OPEN_IMPORT_STATUSES);
  if ((runs?.n ?? 0) < row.acceptedCount) {
    await db.update(imports).set({ updatedAt: now }).where(and(eq(imports.id, row.id), active));
    return;
  }
  const result = await db
    .update(imports)
    .set({ status: "completed", updatedAt: now, completedAt: now, allowancePeriodStart: null })
    .where(and(eq(imports.id, row.id), active))
    .returning({ id: imports.id });
  if (result.length > 0) {
    await dropStagedChunks(env, row, { externalIds: true });
    // Fast reviews may all have finished before the import itself completed.
    await announceImportIfReviewed(env, row.projectId, row.id);
  }
}

/**
 * The import fails closed: no further runs are created for it. Runs already
 * created stay (they are listed in `review_run_ids` and reviewed as usual);
 * the allowance reserved for the rows that got no run is given back.
 */
export async function failImport(env: TenantEnv, message: ImportQueueMessage, code: string, errorMessage: string): Promise<boolean> {
  const db = database(env.TENANT_DB);
  const now = isoNow();
  const [[row], owed, cleared] = await db.batch([
    db
      .update(imports)
      .set({ status: "failed", errorCode: code, errorMessage, updatedAt: now, completedAt: now })
      .where(
        and(eq(imports.id, message.import_id), eq(imports.projectId, message.project_id), inArray(imports.status, OPEN_IMPORT_STATUSES)),
      )
      .returning(),
    ...claimUncreatedRows(db, { id: message.import_id, projectId: message.project_id }),
  ]);
  await giveBackUncreatedRows(env, owed, cleared);
  if (row) {
    await dropStagedChunks(env, row);
    await announceImportFailed(env, row.projectId, row.id);
  }
  return row !== undefined;
}

/** Drops the staged rows; the external IDs too once every row has a run (see importExternalIdsKey). */
export async function dropStagedChunks(env: TenantEnv, row: ImportRow, options: { externalIds?: boolean } = {}): Promise<void> {
  try {
    if (row.chunkCount > 0) await env.SOURCES.delete(options.externalIds ? importStagingKeys(row, row.chunkCount) : importChunkKeys(row, row.chunkCount));
  } catch (error) {
    // Left-over staging only costs storage; the import's status is already final.
    logger.warn("import_staging_cleanup_failed", { import_id: row.id, error });
  }
}
