import type { ImportStatus } from "../../schemas/enums.ts";
import type { TenantEnv } from "../../env.ts";
import { type SQL, and, eq } from "drizzle-orm";
import type { D1Queryable, Database } from "../../db/client.ts";
import { imports, reviewRuns } from "../../db/schema.ts";
import type { ReviewRunInput } from "../../schemas/review-run-input.ts";
import type { ImportMediaType, RowError } from "./rows.ts";
import { type RetentionCutoff, parseJson } from "../review-runs/store.ts";
import { keysetPage, newestFirst, olderThan } from "../../db/keyset.ts";
import { findInProject } from "../../db/project-scoped.ts";
import { type ReviewProgress, emptyProgress, reviewProgress } from "./progress.ts";

export type ImportRow = typeof imports.$inferSelect;

export const TERMINAL_IMPORT_STATUSES: readonly string[] = ["completed", "failed", "cancelled"];
/** An import in one of these has staged chunks whose runs are still to be created. */
export const OPEN_IMPORT_STATUSES = ["uploaded", "queued", "processing"] as const satisfies readonly ImportStatus[];
/** Everything that can still create runs, including an import waiting for its field mapping. */
export const CANCELLABLE_IMPORT_STATUSES = [...OPEN_IMPORT_STATUSES, "mapping_required"] as const satisfies readonly ImportStatus[];

/**
 * Each listed project's imports older than its cutoff and no longer open.
 * Raw SQL for the reason expiredRuns gives (services/review-runs/store.ts):
 * one JSON list read with json_each, CROSS JOIN fixing the loop order.
 */
export async function expiredImports(d1: D1Queryable, cutoffs: readonly RetentionCutoff[], limit: number): Promise<{ project_id: string; id: string }[]> {
  const open = OPEN_IMPORT_STATUSES.map((status) => `'${status}'`).join(", ");
  const { results } = await d1
    .prepare(
      `SELECT i.project_id, i.id FROM json_each(?1)
       CROSS JOIN imports i ON i.project_id = json_each.value ->> 'project' AND i.created_at < json_each.value ->> 'cutoff'
       WHERE i.status NOT IN (${open})
       LIMIT ?2`,
    )
    .bind(JSON.stringify(cutoffs), limit)
    .all<{ project_id: string; id: string }>();
  return results;
}

/** Why a stored import is `mapping_required`: the columns it has and the fields nothing maps to. */
export interface ImportMapping {
  columns: string[];
  missing: { field: string; message: string }[];
}

/** R2 key of the rows of one chunk of an asynchronous import (README "Storage"). */
export const importChunkKey = (projectId: string, importId: string, chunk: number) =>
  `imports/${projectId}/${importId}/chunks/${chunk}.json`;

/** One accepted row as staged in R2 for its chunk. */
export interface StagedRow {
  row: number;
  review_run_id: string;
  input: ReviewRunInput;
}

/** R2 key of the request of an import waiting in `mapping_required`, replayed once a field mapping arrives. */
export const importRequestKey = (projectId: string, importId: string) => `imports/${projectId}/${importId}/request.json`;

export const importChunkKeys = (row: Pick<ImportRow, "id" | "projectId">, chunkCount: number) =>
  Array.from({ length: chunkCount }, (_, i) => importChunkKey(row.projectId, row.id, i + 1));

/**
 * R2 key of a queued import's `{"<row>": "<external_id>"}`, written with its
 * chunks: a row whose run was never created (the import failed or was
 * cancelled first) is still named in the results by its external_id. Deleted
 * when the import completes, since every row then has a run that carries it.
 */
export const importExternalIdsKey = (projectId: string, importId: string) => `imports/${projectId}/${importId}/external-ids.json`;

/** Everything staging wrote for a queued import: its chunks and its external IDs. */
export const importStagingKeys = (row: Pick<ImportRow, "id" | "projectId">, chunkCount: number) => [
  ...importChunkKeys(row, chunkCount),
  importExternalIdsKey(row.projectId, row.id),
];

/** Reads an import by ID *and* project: another project's import is indistinguishable from a missing one. */
export const findImport = (db: Database, projectId: string, importId: string): Promise<ImportRow> =>
  findInProject(db, imports, projectId, importId, "import");

/**
 * A run's ID is derived from its import and row: SHA-256 of both, shaped as
 * a UUID v4 (version and variant bits set), so a chunk that runs again finds
 * the runs it already made instead of making new ones.
 */
export async function importRunId(importId: string, row: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${importId}:${row}`)));
  const bytes = digest.slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `run_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Rows 1..row_count that have no validation error, in order. */
export function acceptedRowsOf(row: ImportRow): number[] {
  const rejected = new Set((parseJson<RowError[]>(row.validationErrors) ?? []).map((error) => error.row));
  return Array.from({ length: row.rowCount }, (_, i) => i + 1).filter((n) => !rejected.has(n));
}

/**
 * The run IDs of the accepted rows that have a run, in row order. A completed
 * import has one for every accepted row; while it is processing (or after it
 * failed part-way) only the runs that exist are listed.
 */
export async function importRunIds(db: Database, row: ImportRow): Promise<string[]> {
  const ids = await Promise.all(acceptedRowsOf(row).map((n) => importRunId(row.id, n)));
  if (row.status === "completed") return ids;
  const existing = await db
    .select({ id: reviewRuns.id })
    .from(reviewRuns)
    .where(and(eq(reviewRuns.projectId, row.projectId), eq(reviewRuns.importId, row.id)));
  const found = new Set(existing.map((run) => run.id));
  return ids.filter((id) => found.has(id));
}

/** The import as the API answers it, with its runs and review progress read now. */
export async function importView(db: Database, row: ImportRow, requestId: string) {
  const [runIds, progress] = await Promise.all([
    importRunIds(db, row),
    reviewProgress(db, row, TERMINAL_IMPORT_STATUSES.includes(row.status)),
  ]);
  return importResponse(row, runIds, progress, requestId);
}

/** The import object of the API, field order as in IMPORT_EXAMPLE (routes/imports/examples.ts). */
export function importResponse(row: ImportRow, reviewRunIds: string[], progress: ReviewProgress, requestId: string) {
  return {
    id: row.id,
    project_id: row.projectId,
    status: row.status,
    capture_method: "upload" as const,
    media_type: row.mediaType as ImportMediaType,
    row_count: row.rowCount,
    accepted_count: row.acceptedCount,
    rejected_count: row.rejectedCount,
    validation_errors: parseJson<RowError[]>(row.validationErrors) ?? [],
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    completed_at: row.completedAt,
    error_code: row.errorCode,
    error_message: row.errorMessage,
    mapping: parseJson<ImportMapping>(row.mapping),
    review_run_ids: reviewRunIds,
    review_progress: progress,
    request_id: requestId,
  };
}

/**
 * The import's runs that no consumer has picked up yet end `cancelled`; runs
 * already under review finish. Returns the IDs of the runs it cancelled.
 */
export async function cancelQueuedRuns(db: Database, row: Pick<ImportRow, "id" | "projectId">): Promise<string[]> {
  const now = new Date().toISOString();
  const cancelled = await db
    .update(reviewRuns)
    .set({ status: "cancelled", updatedAt: now, completedAt: now })
    .where(and(eq(reviewRuns.projectId, row.projectId), eq(reviewRuns.importId, row.id), eq(reviewRuns.status, "queued")))
    .returning({ id: reviewRuns.id });
  return cancelled.map(({ id }) => id);
}

/** A list item: the import without its per-row detail (validation errors, run IDs). */
export function importSummary(row: ImportRow) {
  const { validation_errors: _errors, review_run_ids: _ids, review_progress: _progress, request_id: _request, ...summary } = importResponse(
    row,
    [],
    emptyProgress(),
    "",
  );
  return summary;
}

export interface ListImportsQuery {
  limit: number;
  cursor?: string | undefined;
  status?: ImportStatus | undefined;
}

/** Newest first, keyset-paginated on (created_at, id) like the review-run list; the cursor is bound to the project and filter. */
export async function listImports(db: Database, projectId: string, query: ListImportsQuery, signingSecret: string | undefined) {
  const scope = JSON.stringify([projectId, "imports", query.status ?? null]);
  const conditions: SQL[] = [eq(imports.projectId, projectId)];
  if (query.status) conditions.push(eq(imports.status, query.status));
  const { page, hasMore, nextCursor } = await keysetPage(
    (after, limit) =>
      db
        .select()
        .from(imports)
        .where(and(...conditions, olderThan(imports, after)))
        .orderBy(...newestFirst(imports))
        .limit(limit),
    { limit: query.limit, cursor: query.cursor, secret: signingSecret, scope },
  );
  return { items: page.map(importSummary), next_cursor: nextCursor, has_more: hasMore };
}
