import { and, eq } from "drizzle-orm";
import { asStatement, database } from "../../db/client.ts";
import { imports } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow, newImportId } from "../../ids.ts";
import { putAll, sendInBatches } from "../../lib/batches.ts";
import { currentRequestId, logger } from "../../lib/logger.ts";
import type { ImportQueueMessage } from "../../schemas/queue-messages.ts";
import { reserveReviewRuns } from "../billing/allowance.ts";
import { announceImportFailed } from "../webhooks/events.ts";
import { type RunOwner, createReviewRuns } from "../review-runs/create.ts";
import { newRunsProgress } from "./progress.ts";
import { type AcceptedRow, type ImportRequest, type ValidatedImport, validateImport } from "./rows.ts";
import {
  type ImportMapping,
  type ImportRow,
  type StagedRow,
  findImport,
  importChunkKey,
  importExternalIdsKey,
  importStagingKeys,
  importRequestKey,
  importRunId,
  importResponse,
} from "./store.ts";

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
 * queues their chunks. A request whose columns cannot be mapped is kept as a
 * `mapping_required` import until `applyFieldMapping` supplies the mapping.
 * A request-level failure at any step (bad request, 402, storage) leaves no
 * import, run, R2 object or queue message behind.
 */
export async function createImport(env: TenantEnv, owner: RunOwner, request: ImportRequest, requestId: string, commitWith: AnswerStatement = () => null) {
  const now = isoNow();
  const base: ImportRow = {
    id: newImportId(),
    organizationId: owner.organizationId,
    projectId: owner.projectId,
    status: "uploaded",
    mediaType: request.media_type,
    rowCount: 0,
    acceptedCount: 0,
    rejectedCount: 0,
    validationErrors: "[]",
    chunkCount: 0,
    mapping: null,
    reviewedAnnouncedAt: null,
    allowancePeriodStart: null,
    errorCode: null,
    errorMessage: null,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
  let validated: ValidatedImport;
  try {
    validated = validateImport(request);
  } catch (error) {
    const mapping = mappingOf(error);
    if (!mapping) throw error;
    return holdForMapping(env, base, request, mapping, requestId, commitWith);
  }
  const db = database(env.TENANT_DB);
  return startImport(env, owner, base, validated, requestId, {
    persist: async (row, answer) => {
      const extra = answer ? commitWith(answer) : null;
      await env.TENANT_DB.batch([asStatement(env.TENANT_DB, db.insert(imports).values(row)), ...(extra ? [extra] : [])]);
    },
    commitWith,
    undo: (row, stagedChunks) => deleteImport(env, row, stagedChunks),
  });
}

/**
 * Supplies the field mapping a `mapping_required` import waits for: the
 * stored request is validated again with it and, if every field now maps,
 * the import proceeds exactly as a new one would. Otherwise it stays
 * `mapping_required` (with what is still missing) and the answer is 422.
 */
export async function applyFieldMapping(
  env: TenantEnv,
  owner: RunOwner,
  importId: string,
  change: Pick<ImportRequest, "intended_use" | "strictness"> & { field_mapping: Record<string, string> },
  requestId: string,
) {
  const db = database(env.TENANT_DB);
  const waiting = await findImport(db, owner.projectId, importId);
  if (waiting.status !== "mapping_required") {
    throw new ApiError("mapping_not_required", { message: `Only a mapping_required import takes a field mapping; ${waiting.id} is ${waiting.status}.` });
  }
  const object = await env.SOURCES.get(importRequestKey(waiting.projectId, waiting.id));
  if (!object) throw new ApiError("service_unavailable", { message: "The import's stored request could not be read. Retry, or import the file again." });
  const stored = (await object.json()) as ImportRequest;
  const request: ImportRequest = {
    ...stored,
    field_mapping: change.field_mapping,
    ...(change.intended_use ? { intended_use: change.intended_use } : {}),
    ...(change.strictness ? { strictness: change.strictness } : {}),
  };

  let validated: ValidatedImport;
  try {
    validated = validateImport(request);
  } catch (error) {
    const mapping = mappingOf(error);
    if (mapping) {
      await db
        .update(imports)
        .set({ mapping: JSON.stringify(mapping), updatedAt: isoNow() })
        .where(and(eq(imports.id, waiting.id), eq(imports.projectId, waiting.projectId), eq(imports.status, "mapping_required")));
    }
    throw error;
  }

  const answer = await startImport(env, owner, { ...waiting, mediaType: request.media_type, mapping: null }, validated, requestId, {
    persist: async (row) => {
      // The status condition makes a concurrent cancel or second mapping lose cleanly.
      const claimed = await db
        .update(imports)
        .set(row)
        .where(and(eq(imports.id, row.id), eq(imports.projectId, row.projectId), eq(imports.status, "mapping_required")))
        .returning({ id: imports.id });
      if (claimed.length === 0) throw new ApiError("mapping_not_required", { message: `${row.id} is no longer waiting for a field mapping.` });
    },
    commitWith: () => null,
    undo: async (row, stagedChunks) => {
      try {
        await db.update(imports).set(waiting).where(and(eq(imports.id, row.id), eq(imports.projectId, row.projectId)));
        if (stagedChunks > 0) await env.SOURCES.delete(importStagingKeys(row, stagedChunks));
      } catch (error) {
        logger.error("import_cleanup_failed", { import_id: row.id, error });
      }
    },
  });
  await env.SOURCES.delete(importRequestKey(waiting.projectId, waiting.id)).catch((error: unknown) => {
    logger.warn("import_staging_cleanup_failed", { import_id: waiting.id, error });
  });
  return answer;
}

/**
 * A statement recording `answer` as the request's response (the
 * Idempotency-Key's stored answer), committed in the same D1 batch as what
 * the request creates, so neither exists without the other.
 */
export type AnswerStatement = (answer: ImportView) => D1PreparedStatement | null;
type ImportView = ReturnType<typeof importResponse>;

interface Persistence {
  /** Writes the import in its first status past validation, with `answer` when the request ends there; throws to abort. */
  persist: (row: ImportRow, answer?: ImportView) => Promise<void>;
  /** Records the request's answer with the runs it creates. */
  commitWith: AnswerStatement;
  /** Takes back what `persist` and any staging wrote, after a failure. */
  undo: (row: ImportRow, stagedChunks: number) => Promise<void>;
}

async function startImport(env: TenantEnv, owner: RunOwner, base: ImportRow, validated: ValidatedImport, requestId: string, store: Persistence) {
  const importId = base.id;
  const now = isoNow();
  const staged: StagedRow[] = await Promise.all(
    validated.accepted.map(async ({ row, input }: AcceptedRow) => ({ row, input, review_run_id: await importRunId(importId, row) })),
  );
  const record: ImportRow = {
    ...base,
    rowCount: validated.rowCount,
    acceptedCount: staged.length,
    rejectedCount: validated.rowCount - staged.length,
    validationErrors: JSON.stringify(validated.errors),
    updatedAt: now,
  };
  const db = database(env.TENANT_DB);

  if (staged.length === 0) {
    const failed = {
      ...record,
      status: "failed" as const,
      errorCode: "no_rows_accepted",
      errorMessage: "No row passed validation; see validation_errors. Nothing was created.",
      completedAt: now,
    };
    const answer = importResponse(failed, [], newRunsProgress(0, true), requestId);
    await store.persist(failed, answer).catch((error: unknown) => {
      throw storageFailure(error, failed);
    });
    await announceImportFailed(env, owner.projectId, importId);
    return answer;
  }

  const chunks = planChunks(staged);
  if (chunks.length === 1) {
    // Written as completed before the runs: nobody can see the import's runs
    // before this answer, and if creating them fails the write is undone.
    const completed = { ...record, status: "completed" as const, completedAt: now };
    const runIds = staged.map(({ review_run_id }) => review_run_id);
    const answer = importResponse(completed, runIds, newRunsProgress(runIds.length, true), requestId);
    await store.persist(completed).catch((error: unknown) => {
      throw storageFailure(error, completed);
    });
    try {
      await createReviewRuns(
        env,
        owner,
        staged.map(({ input }) => input),
        { captureMethod: "upload", importId, runIds, commitWith: () => [store.commitWith(answer)].filter((s) => s !== null) },
      );
    } catch (error) {
      await store.undo(completed, 0);
      throw storageFailure(error, completed);
    }
    return answer;
  }

  // `uploaded` until the chunk messages are sent: if the request dies in between, the sweep sends them.
  const reservation = await reserveReviewRuns(env, owner.organizationId, staged.length);
  const uploaded = { ...record, status: "uploaded" as const, chunkCount: chunks.length, allowancePeriodStart: reservation.periodStart };
  // Once its row is written the import proceeds (the sweep sends lost chunk messages), so that is when it is answered.
  const answer = importResponse({ ...uploaded, status: "queued" }, [], newRunsProgress(0, false), requestId);
  let persisted = false;
  try {
    // The cleanup below runs after the last write, failed or not.
    const externalIds = Object.fromEntries(staged.flatMap(({ row, input }) => (input.external_id ? [[String(row), input.external_id]] : [])));
    await putAll(env.SOURCES, [
      ...chunks.map((rows, i) => ({ key: importChunkKey(owner.projectId, importId, i + 1), body: JSON.stringify({ rows }), contentType: "application/json" })),
      { key: importExternalIdsKey(owner.projectId, importId), body: JSON.stringify(externalIds), contentType: "application/json" },
    ]);
    await store.persist(uploaded, answer);
    persisted = true;
    await enqueueChunks(env, uploaded);
  } catch (error) {
    // Chunk messages already sent find no import (or one waiting for its mapping) and create nothing.
    if (persisted) await store.undo(uploaded, chunks.length);
    else await dropChunks(env, uploaded, chunks.length);
    await reservation.release();
    throw storageFailure(error, uploaded);
  }
  // A chunk may already have moved the import on to processing; only `uploaded` becomes `queued`.
  await db
    .update(imports)
    .set({ status: "queued", updatedAt: isoNow() })
    .where(and(eq(imports.id, importId), eq(imports.status, "uploaded")));
  return answer;
}

/** Stores a request whose columns map to nothing, to be replayed by applyFieldMapping. Creates no run. */
async function holdForMapping(
  env: TenantEnv,
  base: ImportRow,
  request: ImportRequest,
  mapping: ImportMapping,
  requestId: string,
  commitWith: AnswerStatement,
) {
  const waiting: ImportRow = { ...base, status: "mapping_required", mapping: JSON.stringify(mapping) };
  const answer = importResponse(waiting, [], newRunsProgress(0, false), requestId);
  const key = importRequestKey(base.projectId, base.id);
  try {
    await env.SOURCES.put(key, JSON.stringify(request), { httpMetadata: { contentType: "application/json" } });
    const stored = commitWith(answer);
    await env.TENANT_DB.batch([asStatement(env.TENANT_DB, database(env.TENANT_DB).insert(imports).values(waiting)), ...(stored ? [stored] : [])]);
  } catch (error) {
    await env.SOURCES.delete(key).catch(() => undefined);
    throw storageFailure(error, waiting);
  }
  return answer;
}

/** The columns found and the fields missing, from validateImport's `mapping_required` error. */
function mappingOf(error: unknown): ImportMapping | null {
  if (!(error instanceof ApiError) || error.code !== "mapping_required") return null;
  const [columns, ...missing] = error.details ?? [];
  return {
    columns: Array.isArray(columns?.columns) ? (columns.columns as string[]) : [],
    missing: missing.map((detail) => ({ field: String(detail.field ?? detail.path), message: detail.message })),
  };
}

export async function enqueueChunks(env: TenantEnv, row: Pick<ImportRow, "id" | "projectId" | "chunkCount">): Promise<void> {
  const messages = Array.from({ length: row.chunkCount }, (_, i) => ({
    body: { kind: "import_chunk", import_id: row.id, project_id: row.projectId, chunk: i + 1, request_id: currentRequestId() } satisfies ImportQueueMessage,
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
async function deleteImport(env: TenantEnv, row: ImportRow, stagedChunks: number): Promise<void> {
  try {
    await database(env.TENANT_DB).delete(imports).where(and(eq(imports.id, row.id), eq(imports.projectId, row.projectId)));
  } catch (error) {
    logger.error("import_cleanup_failed", { import_id: row.id, error });
  }
  await dropChunks(env, row, stagedChunks);
}

async function dropChunks(env: TenantEnv, row: ImportRow, stagedChunks: number): Promise<void> {
  try {
    if (stagedChunks > 0) await env.SOURCES.delete(importStagingKeys(row, stagedChunks));
  } catch (error) {
    logger.error("import_cleanup_failed", { import_id: row.id, error });
  }
}
