import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

/** What Kivo asks of a D1 database: a binding and a read-replica session (`withSession`) both have it. */
export type D1Queryable = Pick<D1Database, "prepare" | "batch">;

// Drizzle types its client as a whole D1Database but calls only prepare and
// batch on it, which is all a session has.
export const database = (d1: D1Queryable) => drizzle(d1 as D1Database, { schema });
export type Database = ReturnType<typeof database>;

/**
 * A Drizzle query as a plain D1 statement, for a D1 batch that also carries
 * statements Drizzle did not build (Drizzle batches only its own queries).
 */
export const asStatement = (d1: D1Queryable, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement => {
  const { sql, params } = query.toSQL();
  return d1.prepare(sql).bind(...params);
};
