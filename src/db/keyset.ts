import { type SQL, and, desc, eq, lt, or } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { decodeCursor, encodeCursor } from "../lib/cursor.ts";

// Keyset pagination, newest first, on (created_at, id): every list of the API
// and the admin API. A page costs the same however deep it is, since the
// cursor seeks the index instead of counting rows to skip, and the cursor is
// signed and bound to its list (`scope`), so it cannot be replayed elsewhere.

interface KeysetTable {
  createdAt: AnySQLiteColumn;
  id: AnySQLiteColumn;
}

export type Position = { createdAt: string; id: string };

/** The rows after `after` in list order (none given: from the start). */
export function olderThan(table: KeysetTable, after: Position | null): SQL | undefined {
  if (!after) return undefined;
  return or(lt(table.createdAt, after.createdAt), and(eq(table.createdAt, after.createdAt), lt(table.id, after.id)));
}

export const newestFirst = (table: KeysetTable) => [desc(table.createdAt), desc(table.id)];

/**
 * One page: `fetchRows` reads up to `limit` rows after the cursor's position
 * (it is asked for one more, which tells whether another page follows).
 */
export async function keysetPage<T extends Position>(
  fetchRows: (after: Position | null, limit: number) => Promise<T[]>,
  options: { limit: number; cursor: string | undefined; secret: string | undefined; scope: string },
): Promise<{ page: T[]; hasMore: boolean; nextCursor: string | null }> {
  const after = options.cursor ? await decodeCursor(options.secret, options.scope, options.cursor) : null;
  const rows = await fetchRows(after, options.limit + 1);
  const page = rows.slice(0, options.limit);
  const hasMore = rows.length > options.limit;
  const last = page.at(-1);
  const nextCursor = hasMore && last ? await encodeCursor(options.secret, options.scope, { createdAt: last.createdAt, id: last.id }) : null;
  return { page, hasMore, nextCursor };
}
