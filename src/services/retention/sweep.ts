import { PRIMARY_SHARD } from "../../db/shards.ts";
import type { TenantEnv } from "../../env.ts";
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

/**
 * Each project of the organizations placed on shard ?2, with the time before
 * which its runs and imports have expired (?1 is the pass's clock; timestamps
 * are ISO strings, so they compare as text). Read on the primary, which alone
 * holds the organizations' settings.
 */
export const RETENTION_CUTOFFS_SQL = `SELECT p.id AS project, strftime('%Y-%m-%dT%H:%M:%fZ', ?1, '-' || ${RETENTION_DAYS_SQL} || ' days') AS cutoff
  FROM organizations o
  LEFT JOIN organization_placements pl ON pl.organization_id = o.id
  CROSS JOIN projects p ON p.organization_id = o.id
  WHERE COALESCE(pl.shard, '${PRIMARY_SHARD}') = ?2 AND p.id > ?3
  ORDER BY p.id LIMIT ?4`;

/**
 * Each listed project's runs older than its cutoff (?1: a JSON array of
 * {project, cutoff}), on the shard, through the (project_id, created_at)
 * index: a seek per project, never a scan of runs. CROSS JOIN fixes that loop order.
 */
export const EXPIRED_RUNS_SQL = `SELECT r.project_id, r.id FROM json_each(?1)
  CROSS JOIN review_runs r ON r.project_id = json_each.value ->> 'project' AND r.created_at < json_each.value ->> 'cutoff'
  LIMIT ?2`;

const OPEN_IMPORTS_SQL = `(${OPEN_IMPORT_STATUSES.map((status) => `'${status}'`).join(", ")})`;

export const EXPIRED_IMPORTS_SQL = `SELECT i.project_id, i.id FROM json_each(?1)
  CROSS JOIN imports i ON i.project_id = json_each.value ->> 'project' AND i.created_at < json_each.value ->> 'cutoff'
  WHERE i.status NOT IN ${OPEN_IMPORTS_SQL}
  LIMIT ?2`;

/** Projects per statement: the list is one bound JSON parameter, well inside D1's size limits. */
const PROJECTS_PER_QUERY = 500;

/**
 * The cron's retention pass: erases runs and imports past their
 * organization's retention period, in bounded batches, then drains the R2
 * prefixes waiting for deletion (these, and any a request left behind).
 * Usage counters and billing records are never touched.
 */
export async function enforceRetention(env: TenantEnv, shard: string, now: Date, options: Partial<typeof RETENTION_DEFAULTS> = {}) {
  const { runsPerPass, importsPerPass, prefixesPerPass } = { ...RETENTION_DEFAULTS, ...options };
  const clock = now.toISOString();
  const runs: { project_id: string; id: string }[] = [];
  const expiredImports: { project_id: string; id: string }[] = [];
  // The projects of this shard's organizations, a slice at a time, until the pass's budget is spent.
  for (let after = ""; runs.length < runsPerPass || expiredImports.length < importsPerPass; ) {
    const cutoffs = (
      await env.DB.prepare(RETENTION_CUTOFFS_SQL).bind(clock, shard, after, PROJECTS_PER_QUERY).all<{ project: string; cutoff: string }>()
    ).results;
    if (cutoffs.length === 0) break;
    after = cutoffs.at(-1)!.project;
    const list = JSON.stringify(cutoffs);
    if (runs.length < runsPerPass) {
      runs.push(...(await env.TENANT_DB.prepare(EXPIRED_RUNS_SQL).bind(list, runsPerPass - runs.length).all<{ project_id: string; id: string }>()).results);
    }
    if (expiredImports.length < importsPerPass) {
      expiredImports.push(
        ...(await env.TENANT_DB.prepare(EXPIRED_IMPORTS_SQL).bind(list, importsPerPass - expiredImports.length).all<{ project_id: string; id: string }>()).results,
      );
    }
    if (cutoffs.length < PROJECTS_PER_QUERY) break;
  }
  const byProject = new Map<string, string[]>();
  for (const run of runs) byProject.set(run.project_id, [...(byProject.get(run.project_id) ?? []), run.id]);
  for (const [projectId, runIds] of byProject) await eraseRuns(env, projectId, runIds);

  for (const expired of expiredImports) await eraseImport(env, expired.project_id, expired.id);

  const drained = await drainObjectDeletions(env, prefixesPerPass);
  if (runs.length > 0 || expiredImports.length > 0) {
    logger.info("retention_enforced", { shard, review_runs: runs.length, imports: expiredImports.length, object_prefixes: drained });
  }
  return { runs: runs.length, imports: expiredImports.length, prefixes: drained };
}
