import type { Bindings } from "../../env.ts";
import { logger } from "../../lib/logger.ts";
import { PLANS, PLAN_NAMES } from "../billing/plans.ts";
import { eraseImport } from "../imports/delete.ts";
import { OPEN_IMPORT_STATUSES } from "../imports/store.ts";
import { eraseRuns } from "../review-runs/delete.ts";
import { drainObjectDeletions } from "./object-deletions.ts";

/**
 * What one cron pass may erase. Each erased run costs an R2 list (and a share
 * of a delete call), so the prefixes bound the pass's subrequests; at one
 * pass every five minutes that is about 115,000 runs a day (docs/scale.md).
 */
export const RETENTION_DEFAULTS: { runsPerPass: number; importsPerPass: number; prefixesPerPass: number } = { runsPerPass: 400, importsPerPass: 20, prefixesPerPass: 400 };

/** An organization's retention in days: its override, else its plan's (the plan table, as SQL). */
const RETENTION_DAYS_SQL = `COALESCE(o.retention_days, CASE o.plan ${PLAN_NAMES.map((plan) => `WHEN '${plan}' THEN ${PLANS[plan].retentionDays}`).join(" ")} END)`;

/** ?1 is the pass's clock; timestamps are ISO strings, so they compare as text. */
const CUTOFF_SQL = `strftime('%Y-%m-%dT%H:%M:%fZ', ?1, '-' || ${RETENTION_DAYS_SQL} || ' days')`;

/**
 * Each project's runs older than its organization's retention, through the
 * (project_id, created_at) index: a seek per project, never a scan of runs.
 * CROSS JOIN fixes that loop order; SQLite would otherwise be free to walk
 * the runs and look up their organizations.
 */
export const EXPIRED_RUNS_SQL = `SELECT r.project_id, r.id FROM organizations o
  CROSS JOIN projects p ON p.organization_id = o.id
  CROSS JOIN review_runs r ON r.project_id = p.id AND r.created_at < ${CUTOFF_SQL}
  LIMIT ?2`;

const OPEN_IMPORTS_SQL = `(${OPEN_IMPORT_STATUSES.map((status) => `'${status}'`).join(", ")})`;

export const EXPIRED_IMPORTS_SQL = `SELECT i.project_id, i.id FROM organizations o
  CROSS JOIN projects p ON p.organization_id = o.id
  CROSS JOIN imports i ON i.project_id = p.id AND i.created_at < ${CUTOFF_SQL}
  WHERE i.status NOT IN ${OPEN_IMPORTS_SQL}
  LIMIT ?2`;

/**
 * The cron's retention pass: erases runs and imports past their
 * organization's retention period, in bounded batches, then drains the R2
 * prefixes waiting for deletion (these, and any a request left behind).
 * Usage counters and billing records are never touched.
 */
export async function enforceRetention(env: Pick<Bindings, "DB" | "SOURCES">, now: Date, options: Partial<typeof RETENTION_DEFAULTS> = {}) {
  const { runsPerPass, importsPerPass, prefixesPerPass } = { ...RETENTION_DEFAULTS, ...options };
  const clock = now.toISOString();
  const runs = (await env.DB.prepare(EXPIRED_RUNS_SQL).bind(clock, runsPerPass).all<{ project_id: string; id: string }>()).results;
  const byProject = new Map<string, string[]>();
  for (const run of runs) byProject.set(run.project_id, [...(byProject.get(run.project_id) ?? []), run.id]);
  for (const [projectId, runIds] of byProject) await eraseRuns(env, projectId, runIds);

  const expiredImports = (await env.DB.prepare(EXPIRED_IMPORTS_SQL).bind(clock, importsPerPass).all<{ project_id: string; id: string }>()).results;
  for (const expired of expiredImports) await eraseImport(env, expired.project_id, expired.id);

  const drained = await drainObjectDeletions(env, prefixesPerPass);
  if (runs.length > 0 || expiredImports.length > 0) {
    logger.info("retention_enforced", { review_runs: runs.length, imports: expiredImports.length, object_prefixes: drained });
  }
  return { runs: runs.length, imports: expiredImports.length, prefixes: drained };
}
