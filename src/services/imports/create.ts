import { database } from "../../db/client.ts";
import { imports } from "../../db/schema.ts";
import type { Bindings } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow, newImportId } from "../../ids.ts";
import { sendInBatches, settleAll } from "../../lib/batches.ts";
import { logger } from "../../lib/logger.ts";
import type { ImportQueueMessage } from "../../schemas/queue-messages.ts";
import { reserveReviewRuns } from "../billing/allowance.ts";
import { type RunOwner, createReviewRuns } from "../review-runs/create.ts";
import { type AcceptedRow, type ImportRequest, validateImport } from "./rows.ts";
import { type ImportRow, type StagedRow, importChunkKey, importChunkKeys, importResponse, importRunId } from "./store.ts";

/**
 * One chunk is the work of one queue invocation. An import whose accepted
 * rows fit in one chunk is created within the request (a `completed`
 * 202); a larger one is staged in R2 and created chunk by chunk through the
 * import queue. The source bound keeps a chunk's R2 writes well under the
 * per-invocation subrequest limit, however many sources each row carries.
 */
export const CHUNK_MAX_ROWS = 100;
export const CHUNK_MAX_SOURCES = 400;

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
    // The cleanup below runs after the last write, failed or not.
    await settleAll(
      chunks.map((rows, i) =>
        env.SOURCES.put(importChunkKey(owner.projectId, importId, i + 1), JSON.stringify({ rows }), {
          httpMetadata: { contentType: "application/json" },
        }),
      ),
    );
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

export async function enqueueChunks(env: Bindings, row: Pick<ImportRow, "id" | "projectId" | "chunkCount">): Promise<void> {
  const messages = Array.from({ length: row.chunkCount }, (_, i) => ({
    body: { kind: "import_chunk", import_id: row.id, project_id: row.projectId, chunk: i + 1 } satisfies ImportQueueMessage,
    contentType: "json" as const,
  }));
  await sendInBatches(env.IMPORT_QUEUE, messages);
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
    if (stagedChunks > 0) await env.SOURCES.delete(importChunkKeys(row, stagedChunks));
  } catch (error) {
    logger.error("import_cleanup_failed", { import_id: row.id, error });
  }
}
