import { type SQL, sql } from "drizzle-orm";

/**
 * A list bound as one JSON parameter, as a subquery for `inArray` or
 * `insert().select()`: D1 binds at most 100 parameters per statement, and
 * json_each reads a list of any length from one.
 */
export const jsonValues = (values: readonly string[]): SQL => sql`(select value from json_each(${JSON.stringify(values)}))`;
