import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { imports, reviewRuns } from "../../db/schema.ts";
import { ApiError } from "../../errors.ts";
import type { ReviewRunInput } from "../../schemas/review-run-input.ts";
import type { ImportMediaType, RowError } from "./rows.ts";
import { parseJson } from "../review-runs/store.ts";

export type ImportRow = typeof imports.$inferSelect;

/** `uploaded` and `mapping_required` are in the contract but never stored: a request that cannot be mapped creates nothing. */
export const IMPORT_STATUSES = ["uploaded", "mapping_required", "queued", "processing", "completed", "failed", "cancelled"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const TERMINAL_IMPORT_STATUSES: readonly string[] = ["completed", "failed", "cancelled"];
/** An import in one of these still has runs to create. */
export const OPEN_IMPORT_STATUSES = ["queued", "processing"] as const satisfies readonly ImportStatus[];

/** R2 key of the rows of one chunk of an asynchronous import (README "Storage"). */
export const importChunkKey = (projectId: string, importId: string, chunk: number) =>
  `imports/${projectId}/${importId}/chunks/${chunk}.json`;

/** One accepted row as staged in R2 for its chunk. */
export interface StagedRow {
  row: number;
  review_run_id: string;
  input: ReviewRunInput;
}

export const importChunkKeys = (row: Pick<ImportRow, "id" | "projectId">, chunkCount: number) =>
  Array.from({ length: chunkCount }, (_, i) => importChunkKey(row.projectId, row.id, i + 1));

/** Reads an import by ID *and* project: another project's import is indistinguishable from a missing one. */
export async function findImport(db: Database, projectId: string, importId: string): Promise<ImportRow> {
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.id, importId), eq(imports.projectId, projectId)))
    .limit(1);
  if (!row) throw new ApiError("not_found", { message: "No import with this ID exists in this project." });
  return row;
}

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

/** The import object of the API, field order as in IMPORT_EXAMPLE (routes/imports/examples.ts). */
export function importResponse(row: ImportRow, reviewRunIds: string[], requestId: string) {
  return {
    id: row.id,
    project_id: row.projectId,
    status: row.status as ImportStatus,
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
    review_run_ids: reviewRunIds,
    request_id: requestId,
  };
}
