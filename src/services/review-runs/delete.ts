import { and, eq, inArray } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { jsonValues } from "../../db/json-values.ts";
import { enterpriseWorkerCredentials, enterpriseWorkerEvents, enterpriseWorkerRuns, reportLinks, reviewArtifacts, reviewRuns } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { logger } from "../../lib/logger.ts";
import type { CaptureMethod } from "../../schemas/enums.ts";
import { drainObjectDeletions, recordObjectDeletions } from "../retention/object-deletions.ts";
import { type AuthContext, requireScope } from "../tenancy/auth.ts";
import { CANCEL_SCOPE } from "./cancel.ts";
import { findRun } from "./store.ts";

/** Every R2 object of a run (its sources, its artifacts) lives under this prefix. */
export const runObjectPrefix = (projectId: string, runId: string) => `runs/${projectId}/${runId}/`;

/**
 * The tables holding a run's rows besides `review_runs` itself, children
 * first (foreign keys). Usage counters, billing records and the semantic
 * judge's call records are not here: they are kept for billing history.
 */
const RUN_CHILD_TABLES = [reviewArtifacts, reportLinks, enterpriseWorkerEvents, enterpriseWorkerCredentials, enterpriseWorkerRuns] as const;

/** Runs erased per D1 batch: one batch is one transaction, kept short. */
const RUNS_PER_BATCH = 200;

/**
 * Prefixes an erase drains within the request that made it; the cron
 * (services/retention/sweep.ts) drains the rest in bounded passes.
 */
export const INLINE_OBJECT_PREFIXES = 20;

/**
 * Removes runs of one project from D1 (the run, legacy artifact
 * rows, report links, Enterprise Worker records) and records their R2
 * prefixes for deletion, in one batch per group: a run is either still whole
 * or gone with its objects on record. Answers the prefixes recorded.
 */
export async function eraseRuns(env: Pick<TenantEnv, "TENANT_DB">, projectId: string, runIds: readonly string[]): Promise<string[]> {
  const db = database(env.TENANT_DB);
  const prefixes: string[] = [];
  for (let i = 0; i < runIds.length; i += RUNS_PER_BATCH) {
    const ofProject = and(eq(reviewRuns.projectId, projectId), inArray(reviewRuns.id, jsonValues(runIds.slice(i, i + RUNS_PER_BATCH))));
    const owned = db.select({ id: reviewRuns.id }).from(reviewRuns).where(ofProject);
    const found = await owned;
    if (found.length === 0) continue;
    const group = found.map((row) => runObjectPrefix(projectId, row.id));
    const children = RUN_CHILD_TABLES.map((table) => db.delete(table).where(inArray(table.reviewRunId, owned)));
    await db.batch([recordObjectDeletions(db, group), ...children, db.delete(reviewRuns).where(ofProject)]);
    prefixes.push(...group);
  }
  return prefixes;
}

/**
 * `DELETE /v1/review-runs/{id}`. Like cancelling, it takes the scope that
 * could have created the run. The usage the run counted stays counted.
 */
export async function deleteReviewRun(env: TenantEnv, auth: AuthContext, runId: string): Promise<void> {
  const run = await findRun(database(env.TENANT_DB), auth.projectId, runId);
  requireScope(auth, CANCEL_SCOPE[run.captureMethod as CaptureMethod] ?? "review_runs:create");
  const prefixes = await eraseRuns(env, auth.projectId, [run.id]);
  await drainObjectDeletions(env, INLINE_OBJECT_PREFIXES, prefixes);
  logger.info("review_run_deleted", { review_run_id: run.id });
}
