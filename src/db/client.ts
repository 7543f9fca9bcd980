import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

export const database = (d1: D1Database) => drizzle(d1, { schema });
export type Database = ReturnType<typeof database>;

/**
 * A Drizzle query as a plain D1 statement, for a D1 batch that also carries
 * statements Drizzle did not build (Drizzle batches only its own queries).
 */
export const asStatement = (d1: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement => {
  const { sql, params } = query.toSQL();
  return d1.prepare(sql).bind(...params);
};
