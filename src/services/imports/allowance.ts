import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { imports, reviewRuns, usageCounters } from "../../db/schema.ts";

/**
 * An import staged for the queue reserves the allowance for all its accepted
 * rows up front, so the 402 comes before anything is created. What it keeps
 * is what it created: when it ends `failed` or `cancelled`, the rows that
 * never got a run are given back to the period they were reserved in.
 *
 * The statements belong in the same D1 batch as the import's move to that
 * status, after it. Runs of an import are created only while it is open
 * (resumeReviewRuns), so the count read here is final; clearing
 * `allowance_period_start` in the same transaction gives the rows back once,
 * however many callers race to end the import.
 */
export function giveBackUncreatedRows(db: Database, row: { id: string; projectId: string }) {
  const ended = and(eq(imports.id, row.id), eq(imports.projectId, row.projectId), inArray(imports.status, ["failed", "cancelled"]));
  const created = db
    .select({ n: sql<number>`count(*)` })
    .from(reviewRuns)
    .where(and(eq(reviewRuns.projectId, row.projectId), eq(reviewRuns.importId, row.id)));
  const uncreated = db
    .select({ n: sql<number>`${imports.acceptedCount} - (${created})` })
    .from(imports)
    .where(and(eq(imports.id, row.id), eq(imports.projectId, row.projectId)));
  const reservedIn = db.select({ start: imports.allowancePeriodStart }).from(imports).where(ended);
  const owner = db.select({ id: imports.organizationId }).from(imports).where(ended);
  return [
    db
      .update(usageCounters)
      .set({ used: sql`max(${usageCounters.used} - (${uncreated}), 0)` })
      .where(and(eq(usageCounters.organizationId, sql`(${owner})`), eq(usageCounters.periodStart, sql`(${reservedIn})`))),
    db.update(imports).set({ allowancePeriodStart: null }).where(ended),
  ] as const;
}
