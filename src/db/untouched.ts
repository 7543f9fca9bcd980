import { type SQL, and, asc, lt } from "drizzle-orm";
import type { AnySQLiteColumn, SQLiteSelect } from "drizzle-orm/sqlite-core";

/**
 * What a stale-work sweep (lib/stale-sweep.ts) reads, on a dynamic select of
 * the work's table: at most `limit` rows still `open` and not updated since
 * `staleBefore`, oldest first.
 */
export function oldestUntouched<Query extends SQLiteSelect>(
  query: Query,
  updatedAt: AnySQLiteColumn,
  open: SQL | undefined,
  staleBefore: string,
  limit: number,
) {
  return query.where(and(open, lt(updatedAt, staleBefore))).orderBy(asc(updatedAt)).limit(limit);
}
