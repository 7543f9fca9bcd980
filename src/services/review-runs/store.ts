import { type SQL, and, eq, gt, lt, ne, sql } from "drizzle-orm";
import type { D1Queryable, Database } from "../../db/client.ts";
import { reviewRuns } from "../../db/schema.ts";
import { sourceIdFor } from "../../ids.ts";
import { ApiError } from "../../errors.ts";
import type { ListReviewRunsQuery, ReviewRunSummary } from "../../schemas/review-run.ts";
import { unpackGateVerdict } from "./verdict-codec.ts";
import { OPEN_RUN_STATUSES } from "../../schemas/enums.ts";
import { keysetPage, newestFirst, olderThan } from "../../db/keyset.ts";
import { findInProject } from "../../db/project-scoped.ts";

export type ReviewRunRow = typeof reviewRuns.$inferSelect;

/** OPEN_RUN_STATUSES as an SQL list of literals. */
const OPEN_RUN_STATUS_SQL = `(${OPEN_RUN_STATUSES.map((status) => `'${status}'`).join(", ")})`;

/**
 * The run is still queued or processing. Spelled with literals, as the partial
 * index review_runs_status_updated_idx is: SQLite cannot match a list of bound
 * parameters to it, so `inArray` would make the sweeper scan.
 */
export const runIsOpen: SQL = sql`${reviewRuns.status} in ${sql.raw(OPEN_RUN_STATUS_SQL)}`;

/** Runs Kivo reviews itself, not the Enterprise Worker's. */
export const runIsHosted: SQL = ne(reviewRuns.captureMethod, "private_worker");

/** A project and the time before which its runs and imports have expired (services/retention/sweep.ts). */
export interface RetentionCutoff {
  project: string;
  cutoff: string;
}

/**
 * Each listed project's runs older than its cutoff, through the
 * (project_id, created_at) index: a seek per project, never a scan of runs.
 * Raw SQL: the list is one JSON parameter read with json_each (up to 500
 * projects, past D1's 100 bound parameters), and CROSS JOIN fixes that loop
 * order; drizzle has no table-valued functions.
 */
export async function expiredRuns(d1: D1Queryable, cutoffs: readonly RetentionCutoff[], limit: number): Promise<{ project_id: string; id: string }[]> {
  const { results } = await d1
    .prepare(
      `SELECT r.project_id, r.id FROM json_each(?1)
       CROSS JOIN review_runs r ON r.project_id = json_each.value ->> 'project' AND r.created_at < json_each.value ->> 'cutoff'
       LIMIT ?2`,
    )
    .bind(JSON.stringify(cutoffs), limit)
    .all<{ project_id: string; id: string }>();
  return results;
}

export function parseJson<T>(raw: string | null): T | null {
  return raw === null ? null : (JSON.parse(raw) as T);
}

/** Field order follows the documented examples (routes/review-runs/examples.ts). */
export function toSummary(row: ReviewRunRow): ReviewRunSummary {
  return {
    id: row.id,
    project_id: row.projectId,
    status: row.status as ReviewRunSummary["status"],
    intended_use: row.intendedUse as ReviewRunSummary["intended_use"],
    strictness: row.strictness as ReviewRunSummary["strictness"],
    source_count: row.sourceCount,
    claim_count: row.claimCount,
    unsupported_claim_count: row.unsupportedClaimCount,
    safe_use_status: row.safeUseStatus as ReviewRunSummary["safe_use_status"],
    gate_verdict: unpackGateVerdict(row.gateVerdict, row),
    created_at: row.createdAt,
    completed_at: row.completedAt,
    capture_method: row.captureMethod as ReviewRunSummary["capture_method"],
    question: row.question,
    metadata: parseJson<Record<string, unknown>>(row.metadata),
    external_id: row.externalId,
    import_id: row.importId,
    error_code: row.errorCode,
    error_message: row.errorMessage,
  };
}

/** The cursor is bound to the project and the filters, so it cannot be replayed elsewhere. */
function cursorScope(projectId: string, query: ListReviewRunsQuery): string {
  const { limit: _limit, cursor: _cursor, ...filters } = query;
  const sorted = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([projectId, sorted]);
}

/**
 * Newest first, keyset-paginated on (created_at, id): runs created while a
 * client pages are newer than its cursor, so nothing is skipped or repeated.
 */
export async function listReviewRuns(
  db: Database,
  projectId: string,
  query: ListReviewRunsQuery,
  signingSecret: string | undefined,
) {
  const scope = cursorScope(projectId, query);
  const conditions: SQL[] = [eq(reviewRuns.projectId, projectId)];
  if (query.status) conditions.push(eq(reviewRuns.status, query.status));
  if (query.intended_use) conditions.push(eq(reviewRuns.intendedUse, query.intended_use));
  if (query.safe_use_status) conditions.push(eq(reviewRuns.safeUseStatus, query.safe_use_status));
  if (query.external_id) conditions.push(eq(reviewRuns.externalId, query.external_id));
  if (query.import_id) conditions.push(eq(reviewRuns.importId, query.import_id));
  if (query.created_after) conditions.push(gt(reviewRuns.createdAt, new Date(query.created_after).toISOString()));
  if (query.created_before) conditions.push(lt(reviewRuns.createdAt, new Date(query.created_before).toISOString()));
  const { page, hasMore, nextCursor } = await keysetPage(
    (after, limit) =>
      db
        .select()
        .from(reviewRuns)
        .where(and(...conditions, olderThan(reviewRuns, after)))
        .orderBy(...newestFirst(reviewRuns))
        .limit(limit),
    { limit: query.limit, cursor: query.cursor, secret: signingSecret, scope },
  );
  return { items: page.map(toSummary), next_cursor: nextCursor, has_more: hasMore };
}

/** What a create decides about a new run; every other column starts where every run starts. */
export type NewRun = Pick<
  ReviewRunRow,
  | "id" | "organizationId" | "projectId" | "intendedUse" | "strictness" | "semanticJudge" | "captureMethod" | "title" | "question"
  | "aiOutput" | "metadata" | "externalId" | "importId" | "sourceCount" | "sources" | "enqueueCount" | "createdAt"
>;

/**
 * A new run's row, every column spelled out, so that the answer to a create is
 * built from what is written rather than read back. Hosted, imported and
 * enterprise-worker runs all start here: queued, nothing reviewed.
 */
export function newRunRow(run: NewRun): ReviewRunRow {
  return {
    ...run,
    status: "queued",
    claimCount: 0,
    unsupportedClaimCount: 0,
    safeUseStatus: null,
    gateVerdict: null,
    artifactVersion: null,
    errorCode: null,
    errorMessage: null,
    updatedAt: run.createdAt,
    startedAt: null,
    completedAt: null,
  };
}

/** A run by ID in the caller's project, or 404 (db/project-scoped.ts). */
export const findRun = (db: Database, projectId: string, runId: string): Promise<ReviewRunRow> =>
  findInProject(db, reviewRuns, projectId, runId, "review run");

/** One element of `review_runs.sources`, in the API's field names. */
export interface StoredSource {
  title: string;
  uri: string | null;
  citation_label: string | null;
  media_type: string;
  content_sha256: string;
  /** In UTF-16 code units, as the input limits count them. */
  content_length: number;
}

/** A source with what derives from its run and position: its ID and the R2 key of its content. */
export interface SourceRecord extends StoredSource {
  id: string;
  position: number;
  r2_key: string;
}

export const sourceObjectKey = (projectId: string, runId: string, position: number) =>
  `runs/${projectId}/${runId}/sources/${position}`;

export function sourcesOf(run: { id: string; projectId: string; sources: string | null }): SourceRecord[] {
  return (parseJson<StoredSource[]>(run.sources) ?? []).map((source, i) => ({
    ...source,
    id: sourceIdFor(run.id, i + 1),
    position: i + 1,
    r2_key: sourceObjectKey(run.projectId, run.id, i + 1),
  }));
}

/** The run's sources as the API shows them: never the content, only its hash. */
export function sourceViews(sources: readonly SourceRecord[]) {
  return sources.map(({ id, title, uri, citation_label, media_type, content_sha256 }) => ({ id, title, uri, citation_label, media_type, content_sha256 }));
}

/** Private-worker runs keep their artifacts in the customer's environment. */
export function assertHosted(row: ReviewRunRow): void {
  if (row.captureMethod === "private_worker") {
    throw new ApiError("artifact_not_hosted", {
      message: "This run was reviewed by an Enterprise Worker; its claims and report stay in the customer's environment.",
    });
  }
}
