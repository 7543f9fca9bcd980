import { and, asc, count, eq, gt, inArray, lt } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { imports, reviewRuns } from "../../db/schema.ts";
import type { Bindings } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow, newImportId } from "../../ids.ts";
import type { ImportQueueMessage } from "../../schemas/queue-messages.ts";
import type { ReviewRunInput } from "../../schemas/review-run-input.ts";
import { reserveReviewRuns } from "../billing/allowance.ts";
import { type AcceptedRow, type ImportRequest, validateImport } from "./rows.ts";
import { type ImportRow, OPEN_IMPORT_STATUSES, TERMINAL_IMPORT_STATUSES, importChunkKey, importResponse, importRunId } from "./store.ts";
import { logger } from "../../lib/logger.ts";
import { type RunOwner, createReviewRuns, resumeReviewRuns } from "../review-runs/create.ts";

/**
 * One chunk is the work of one queue invocation. An import whose accepted
 * rows fit in one chunk is created within the request (the seed's `completed`
 * 202); a larger one is staged in R2 and created chunk by chunk through the
 * import queue. The source bound keeps a chunk's R2 writes well under the
 * per-invocation subrequest limit, however many sources each row carries.
 */
export const CHUNK_MAX_ROWS = 100;
export const CHUNK_MAX_SOURCES = 400;

interface StagedRow {
  row: number;
  review_run_id: string;
  input: ReviewRunInput;
}

/** Accepted rows in consecutive groups, each within both chunk bounds. */
export function planChunks<T extends { input: { sources: unknown[] } }>(rows: T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let sources = 0;
  for (const row of rows) {
    const size = row.input.sources.length;
    if (current.length > 0 && (current.length >= CHUNK_MAX_ROWS || sources + size > CHUNK_MAX_SOURCES)) {
      chunks.push(current);
      current = [];
      sources = 0;
    }
    current.push(row);
    sources += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * `POST /v1/imports`: validates every row, then either creates the runs at
 * once or reserves the allowance for all accepted rows, stages them and
 * queues their chunks. A request-level failure at any step (bad request,
 * 402, storage) leaves no import, run, R2 object or queue message behind.
 */
export async function createImport(env: Bindings, owner: RunOwner, request: ImportRequest, requestId: string) {
  const validated = validateImport(request);
  const importId = newImportId();
  const now = isoNow();
  const staged: StagedRow[] = await Promise.all(
    validated.accepted.map(async ({ row, input }: AcceptedRow) => ({ row, input, review_run_id: await importRunId(importId, row) })),
  );
  const record: ImportRow = {
    id: importId,
    organizationId: owner.organizationId,
    projectId: owner.projectId,
    status: "queued",
    mediaType: request.media_type,
    rowCount: validated.rowCount,
    acceptedCount: staged.length,
    rejectedCount: validated.rowCount - staged.length,
    validationErrors: JSON.stringify(validated.errors),
    chunkCount: 0,
    errorCode: null,
    errorMessage: null,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
  const db = database(env.DB);

  if (staged.length === 0) {
    const failed = {
      ...record,
      status: "failed",
      errorCode: "no_rows_accepted",
      errorMessage: "No row passed validation; see validation_errors. Nothing was created.",
      completedAt: now,
    };
    await db.insert(imports).values(failed);
    return importResponse(failed, [], requestId);
  }

  const chunks = planChunks(staged);
  if (chunks.length === 1) {
    // Written as completed before the runs: nobody knows the import ID until
    // this answer, and if creating the runs fails the row is removed again.
    const completed = { ...record, status: "completed", completedAt: now };
    try {
      await db.insert(imports).values(completed);
      await createReviewRuns(
        env,
        owner,
        staged.map(({ input }) => input),
        { captureMethod: "upload", importId, runIds: staged.map(({ review_run_id }) => review_run_id) },
      );
    } catch (error) {
      await deleteImport(env, completed, 0);
      throw storageFailure(error, completed);
    }
    return importResponse(completed, staged.map(({ review_run_id }) => review_run_id), requestId);
  }

  const queued = { ...record, chunkCount: chunks.length };
  const reservation = await reserveReviewRuns(env, owner.organizationId, staged.length);
  try {
    // All puts settle before a failure is thrown, so the cleanup runs after the last write.
    const puts = await Promise.allSettled(
      chunks.map((rows, i) =>
        env.SOURCES.put(importChunkKey(owner.projectId, importId, i + 1), JSON.stringify({ rows }), {
          httpMetadata: { contentType: "application/json" },
        }),
      ),
    );
    const failedPut = puts.find((put) => put.status === "rejected");
    if (failedPut) throw failedPut.reason;
    await db.insert(imports).values(queued);
    await enqueueChunks(env, queued);
  } catch (error) {
    // Chunk messages already sent find no import and are dropped by the consumer.
    await deleteImport(env, queued, chunks.length);
    await reservation.release();
    throw storageFailure(error, queued);
  }
  return importResponse(queued, [], requestId);
}

async function enqueueChunks(env: Bindings, row: Pick<ImportRow, "id" | "projectId" | "chunkCount">): Promise<void> {
  const messages = Array.from({ length: row.chunkCount }, (_, i) => ({
    body: { kind: "import_chunk", import_id: row.id, project_id: row.projectId, chunk: i + 1 } satisfies ImportQueueMessage,
    contentType: "json" as const,
  }));
  // A queue batch holds at most 100 messages.
  for (let i = 0; i < messages.length; i += 100) await env.IMPORT_QUEUE.sendBatch(messages.slice(i, i + 100));
}

/** An API error (402 and the like) passes through; anything else is a storage failure the caller may retry. */
function storageFailure(error: unknown, row: ImportRow): ApiError {
  if (error instanceof ApiError) return error;
  logger.error("import_storage_failed", { project_id: row.projectId, import_id: row.id, rows: row.acceptedCount, error });
  return new ApiError("service_unavailable", { message: "The import could not be stored. Nothing was created; retry the request." });
}

/** Undoes a create that failed: the import row and any staged chunks (deleting what was never written is harmless). */
async function deleteImport(env: Bindings, row: ImportRow, stagedChunks: number): Promise<void> {
  try {
    await env.DB.prepare("DELETE FROM imports WHERE id = ? AND project_id = ?").bind(row.id, row.projectId).run();
    if (stagedChunks > 0) await env.SOURCES.delete(chunkKeys(row, stagedChunks));
  } catch (error) {
    logger.error("import_cleanup_failed", { import_id: row.id, error });
  }
}

const chunkKeys = (row: Pick<ImportRow, "id" | "projectId">, chunkCount: number) =>
  Array.from({ length: chunkCount }, (_, i) => importChunkKey(row.projectId, row.id, i + 1));

/** A chunk that can never succeed (its staged rows are gone): the import fails closed. */
export class PermanentImportError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export type ChunkOutcome = "created" | "skipped";

/**
 * Creates the runs of one staged chunk. Safe to repeat and to resume after a
 * crash at any point: run IDs are fixed per row and existing runs are kept
 * (see resumeReviewRuns). The last chunk to finish sees every accepted row
 * with a run and completes the import.
 */
export async function processImportChunk(env: Bindings, message: ImportQueueMessage): Promise<ChunkOutcome> {
  const db = database(env.DB);
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.id, message.import_id), eq(imports.projectId, message.project_id)))
    .limit(1);
  if (!row || TERMINAL_IMPORT_STATUSES.includes(row.status)) return "skipped";
  if (row.status === "queued") {
    await db
      .update(imports)
      .set({ status: "processing", updatedAt: isoNow() })
      .where(and(eq(imports.id, row.id), eq(imports.status, "queued")));
  }

  const object = await env.SOURCES.get(importChunkKey(row.projectId, row.id, message.chunk));
  if (!object) {
    throw new PermanentImportError("chunk_unavailable", "Part of the import's staged rows is missing, so its runs cannot be created. Import the file again.");
  }
  const { rows } = (await object.json()) as { rows: StagedRow[] };
  const created = await resumeReviewRuns(
    env,
    { organizationId: row.organizationId, projectId: row.projectId },
    rows.map(({ input }) => input),
    rows.map(({ review_run_id }) => review_run_id),
    { captureMethod: "upload", importId: row.id },
  );
  logger.info("import_chunk_processed", { import_id: row.id, chunk: message.chunk, rows: rows.length, created });
  await completeIfDone(env, row);
  return "created";
}

async function completeIfDone(env: Bindings, row: ImportRow): Promise<void> {
  const db = database(env.DB);
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
    .set({ status: "completed", updatedAt: now, completedAt: now })
    .where(and(eq(imports.id, row.id), active))
    .returning({ id: imports.id });
  if (result.length > 0) await dropStagedChunks(env, row);
}

/**
 * The import fails closed: no further runs are created for it. Runs already
 * created stay (they are listed in `review_run_ids` and reviewed as usual).
 */
export async function failImport(env: Bindings, message: ImportQueueMessage, code: string, errorMessage: string): Promise<boolean> {
  const db = database(env.DB);
  const now = isoNow();
  const result = await db
    .update(imports)
    .set({ status: "failed", errorCode: code, errorMessage, updatedAt: now, completedAt: now })
    .where(
      and(eq(imports.id, message.import_id), eq(imports.projectId, message.project_id), inArray(imports.status, OPEN_IMPORT_STATUSES)),
    )
    .returning();
  const row = result[0];
  if (row) await dropStagedChunks(env, row);
  return row !== undefined;
}

async function dropStagedChunks(env: Bindings, row: ImportRow): Promise<void> {
  try {
    if (row.chunkCount > 0) await env.SOURCES.delete(chunkKeys(row, row.chunkCount));
  } catch (error) {
    // Left-over staging only costs storage; the import's status is already final.
    logger.warn("import_staging_cleanup_failed", { import_id: row.id, error });
  }
}

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
export async function sweepStuckImports(env: Bindings, now: Date, options: Partial<typeof IMPORT_SWEEP_DEFAULTS> = {}) {
  const { staleAfterMs, batchSize } = { ...IMPORT_SWEEP_DEFAULTS, ...options };
  const db = database(env.DB);
  const staleBefore = isoNow(new Date(now.getTime() - staleAfterMs));
  const active = inArray(imports.status, OPEN_IMPORT_STATUSES);
  const stuck = await db
    .select({ id: imports.id, projectId: imports.projectId, chunkCount: imports.chunkCount })
    .from(imports)
    .where(and(active, gt(imports.chunkCount, 0), lt(imports.updatedAt, staleBefore)))
    .orderBy(asc(imports.updatedAt))
    .limit(batchSize);
  const resent: string[] = [];
  for (const row of stuck) {
    // The staleness condition makes two overlapping sweeps claim an import once.
    const claimed = await db
      .update(imports)
      .set({ updatedAt: isoNow(now) })
      .where(and(eq(imports.id, row.id), active, lt(imports.updatedAt, staleBefore)))
      .returning({ id: imports.id });
    if (claimed.length === 0) continue;
    await enqueueChunks(env, row);
    resent.push(row.id);
  }
  if (resent.length > 0) logger.warn("stuck_imports_swept", { imports: resent.length });
  return { resent };
}
