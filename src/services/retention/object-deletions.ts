import type { TenantEnv } from "../../env.ts";
import { isoNow } from "../../ids.ts";
import { logger } from "../../lib/logger.ts";

/** R2 deletes at most 1,000 keys per call, and lists at most 1,000 per page. */
const KEYS_PER_CALL = 1000;

/**
 * The statement that records `prefixes` for deletion, to be committed in the
 * same D1 batch that deletes the rows pointing into them.
 */
export function recordObjectDeletions(db: Pick<D1Database, "prepare" | "batch">, prefixes: readonly string[], now = isoNow()): D1PreparedStatement {
  const bad = prefixes.find((prefix) => !prefix.endsWith("/"));
  if (bad !== undefined) throw new Error(`an object prefix ends with "/": ${bad}`);
  // `WHERE true` lets SQLite read the upsert clause as one, after a SELECT.
  return db
    .prepare("INSERT INTO object_deletions (prefix, created_at) SELECT value, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING")
    .bind(now, JSON.stringify(prefixes));
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
  const pending = (
    prefixes ??
    (await env.TENANT_DB.prepare("SELECT prefix FROM object_deletions LIMIT ?").bind(limit).all<{ prefix: string }>()).results.map(
      (row) => row.prefix,
    )
  ).slice(0, limit);
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
    await env.TENANT_DB.prepare("DELETE FROM object_deletions WHERE prefix IN (SELECT value FROM json_each(?))").bind(JSON.stringify(emptied)).run();
    return emptied.length;
  } catch (error) {
    logger.warn("object_deletion_deferred", { prefixes: pending.length, error });
    return 0;
  }
}
