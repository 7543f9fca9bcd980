import { and, eq, gt, sql } from "drizzle-orm";
import { type Database, database } from "../../db/client.ts";
import { organizationPlacements, organizations, projects } from "../../db/schema.ts";
import { PRIMARY_SHARD } from "../../db/shards.ts";
import type { TenantEnv } from "../../env.ts";
import { logger } from "../../lib/logger.ts";
import { PLANS, PLAN_NAMES } from "../billing/plans.ts";
import { eraseImport } from "../imports/delete.ts";
import { expiredImports as expiredImportsOf } from "../imports/store.ts";
import { eraseRuns } from "../review-runs/delete.ts";
import { expiredRuns } from "../review-runs/store.ts";
import { drainObjectDeletions } from "./object-deletions.ts";

/**
 * What one cron pass may erase. Each erased run costs an R2 list (and a share
 * of a delete call), so the prefixes bound the pass's subrequests; at one
 * pass every five minutes that is about 115,000 runs a day (docs/scale.md).
 */
export const RETENTION_DEFAULTS: { runsPerPass: number; importsPerPass: number; prefixesPerPass: number } = { runsPerPass: 400, importsPerPass: 20, prefixesPerPass: 400 };

/** An organization's retention in days: its override, else its plan's (the plan table, as SQL). */
const retentionDays = sql`coalesce(${organizations.retentionDays}, case ${organizations.plan} ${sql.raw(
  PLAN_NAMES.map((plan) => `when '${plan}' then ${PLANS[plan].retentionDays}`).join(" "),
)} end)`;

/**
 * Each project of the organizations placed on `shard` after `after`, with the
 * time before which its runs and imports have expired (timestamps are ISO
 * strings, so they compare as text). Read on the primary, which alone holds
 * the organizations' settings; the cross join walks organizations, then their projects.
 */
function retentionCutoffs(db: Database, clock: string, shard: string, after: string, limit: number) {
  return db
    .select({ project: projects.id, cutoff: sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', ${clock}, '-' || ${retentionDays} || ' days')` })
    .from(organizations)
    .leftJoin(organizationPlacements, eq(organizationPlacements.organizationId, organizations.id))
    .crossJoin(projects)
    .where(and(eq(projects.organizationId, organizations.id), eq(sql`coalesce(${organizationPlacements.shard}, ${PRIMARY_SHARD})`, shard), gt(projects.id, after)))
    .orderBy(projects.id)
    .limit(limit);
}

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
    const cutoffs = await retentionCutoffs(database(env.DB), clock, shard, after, PROJECTS_PER_QUERY);
    if (cutoffs.length === 0) break;
    after = cutoffs.at(-1)!.project;
    if (runs.length < runsPerPass) runs.push(...(await expiredRuns(env.TENANT_DB, cutoffs, runsPerPass - runs.length)));
    if (expiredImports.length < importsPerPass) {
      expiredImports.push(...(await expiredImportsOf(env.TENANT_DB, cutoffs, importsPerPass - expiredImports.length)));
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
