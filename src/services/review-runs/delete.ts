import { database } from "../../db/client.ts";
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
const RUN_CHILD_TABLES = [
  "review_artifacts",
  "report_links",
  "private_worker_events",
  "private_worker_credentials",
  "private_worker_runs",
] as const;

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
  const prefixes: string[] = [];
  for (let i = 0; i < runIds.length; i += RUNS_PER_BATCH) {
    const ids = JSON.stringify(runIds.slice(i, i + RUNS_PER_BATCH));
    const owned = "SELECT id FROM review_runs WHERE project_id = ?1 AND id IN (SELECT value FROM json_each(?2))";
    const { results } = await env.TENANT_DB.prepare(owned).bind(projectId, ids).all<{ id: string }>();
    if (results.length === 0) continue;
    const group = results.map((row) => runObjectPrefix(projectId, row.id));
    await env.TENANT_DB.batch([
      ...RUN_CHILD_TABLES.map((table) => env.TENANT_DB.prepare(`DELETE FROM ${table} WHERE review_run_id IN (${owned})`).bind(projectId, ids)),
      recordObjectDeletions(env.TENANT_DB, group),
      env.TENANT_DB.prepare("DELETE FROM review_runs WHERE project_id = ?1 AND id IN (SELECT value FROM json_each(?2))").bind(projectId, ids),
    ]);
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
