import { inArray, sql } from "drizzle-orm";
import { type Database, database } from "../../db/client.ts";
import { jsonValues } from "../../db/json-values.ts";
import { objectDeletions } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { isoNow } from "../../ids.ts";
import { logger } from "../../lib/logger.ts";

/** R2 deletes at most 1,000 keys per call, and lists at most 1,000 per page. */
const KEYS_PER_CALL = 1000;

/**
 * The statement that records `prefixes` for deletion, to be committed in the
 * same D1 batch that deletes the rows pointing into them.
 */
export function recordObjectDeletions(db: Database, prefixes: readonly string[], now = isoNow()) {
  const bad = prefixes.find((prefix) => !prefix.endsWith("/"));
  if (bad !== undefined) throw new Error(`an object prefix ends with "/": ${bad}`);
  // A run group records up to 200 prefixes: one JSON parameter, not two per row. `WHERE true`
  // lets SQLite read the upsert clause as one, after a SELECT.
  return db
    .insert(objectDeletions)
    .select(sql`select value, ${now} from json_each(${JSON.stringify(prefixes)}) where true`)
    .onConflictDoNothing();
}

/**
 * Deletes the objects of up to `limit` recorded prefixes (any, or the ones
 * given), and forgets each prefix once nothing is left under it. A prefix
 * costs one list per 1,000 objects, and the keys of all of them go in as few
 * delete calls as possible, so `limit` bounds the subrequests of a request or
 * a cron pass. A failure leaves the prefixes for the next pass. Answers how
 * many prefixes were emptied.
 */
export async function drainObjectDeletions(env: Pick<TenantEnv, "TENANT_DB" | "SOURCES">, limit: number, prefixes?: readonly string[]): Promise<number> {
  const db = database(env.TENANT_DB);
  const pending = (prefixes ?? (await db.select({ prefix: objectDeletions.prefix }).from(objectDeletions).limit(limit)).map((row) => row.prefix)).slice(
    0,
    limit,
  );
  if (pending.length === 0) return 0;
  try {
    const keys: string[] = [];
    const emptied: string[] = [];
    for (const prefix of pending) {
      const page = await env.SOURCES.list({ prefix, limit: KEYS_PER_CALL });
      keys.push(...page.objects.map((object) => object.key));
      if (!page.truncated) emptied.push(prefix);
    }
    for (let i = 0; i < keys.length; i += KEYS_PER_CALL) await env.SOURCES.delete(keys.slice(i, i + KEYS_PER_CALL));
    await db.delete(objectDeletions).where(inArray(objectDeletions.prefix, jsonValues(emptied)));
    return emptied.length;
  } catch (error) {
    logger.warn("object_deletion_deferred", { prefixes: pending.length, error });
    return 0;
  }
}
