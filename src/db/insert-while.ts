import { type SQL, getTableColumns, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client.ts";

/**
 * `INSERT … SELECT <row> WHERE <condition> ON CONFLICT DO NOTHING`: the row is
 * written only while `condition` holds, checked in the same statement, so no
 * write that raced ahead of it (a cancel, a terminal event) can be undone.
 * Every column is given, in the table's order, as drizzle's insert-select asks.
 */
export function insertRowWhile<T extends SQLiteTable>(db: Database, table: T, row: { [K in keyof T["$inferSelect"]]: unknown }, condition: SQL) {
  const values = Object.fromEntries(
    Object.keys(getTableColumns(table)).map((column) => [column, sql`${(row as Record<string, unknown>)[column] ?? null}`.as(column)]),
  );
  // `(select 1)` gives the SELECT a FROM, so drizzle can attach the WHERE; it is one row, so the insert is one row or none.
  return db.insert(table).select(db.select(values).from(sql`(select 1)`).where(condition) as never).onConflictDoNothing();
}
