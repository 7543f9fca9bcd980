import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { type Database, database } from "../../db/client.ts";
import { imports, reviewRuns, usageCounters } from "../../db/schema.ts";
import type { Bindings } from "../../env.ts";

/**
 * An import staged for the queue reserves the allowance for all its accepted
 * rows up front, so the 402 comes before anything is created. What it keeps
 * is what it created: when it ends `failed` or `cancelled`, the rows that
 * never got a run are given back to the period they were reserved in.
 *
 * The import lives on its organization's shard, the allowance on the primary
 * database, so the give-back takes two steps. These statements belong in the
 * same shard batch as the import's move to that status, after it: they read
 * what is owed and clear `allowance_period_start`, so however many callers
 * race to end the import, one of them is told to give the rows back
 * (giveBackUncreatedRows). Runs of an import are created only while it is
 * open (resumeReviewRuns), so the count read here is final.
 */
export function claimUncreatedRows(db: Database, row: { id: string; projectId: string }) {
  const owed = and(
    eq(imports.id, row.id),
    eq(imports.projectId, row.projectId),
    inArray(imports.status, ["failed", "cancelled"]),
    isNotNull(imports.allowancePeriodStart),
  );
  const created = db
    .select({ n: sql<number>`count(*)` })
    .from(reviewRuns)
    .where(and(eq(reviewRuns.projectId, row.projectId), eq(reviewRuns.importId, row.id)));
  return [
    db
      .select({ organizationId: imports.organizationId, periodStart: imports.allowancePeriodStart, uncreated: sql<number>`${imports.acceptedCount} - (${created})` })
      .from(imports)
      .where(owed),
    db.update(imports).set({ allowancePeriodStart: null }).where(owed).returning({ id: imports.id }),
  ] as const;
}

type Owed = { organizationId: string; periodStart: string | null; uncreated: number };

/** The second step: what claimUncreatedRows found owed goes back to the usage counter on the primary. */
export async function giveBackUncreatedRows(env: Bindings, owed: ReadonlyArray<Owed>, cleared: ReadonlyArray<{ id: string }>): Promise<void> {
  const [debt] = owed;
  if (!debt || cleared.length === 0 || debt.periodStart === null || debt.uncreated <= 0) return;
  await database(env.DB)
    .update(usageCounters)
    .set({ used: sql`max(${usageCounters.used} - ${debt.uncreated}, 0)` })
    .where(and(eq(usageCounters.organizationId, debt.organizationId), eq(usageCounters.periodStart, debt.periodStart)));
}
