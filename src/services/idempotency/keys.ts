import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { asStatement, database } from "../../db/client.ts";
import { idempotencyKeys } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow } from "../../ids.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { canonicalJson } from "../../lib/canonical-json.ts";
import { logger } from "../../lib/logger.ts";
import type { Database } from "../../db/client.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Handed to `create`: the statement that records `answer` as the key's first
 * response, for `create` to run in the same D1 batch that commits what it
 * creates. Then no crash or failed write can leave a created resource behind a
 * key that answers "still being processed": the resource and the answer to
 * replay exist together or not at all. Null without an Idempotency-Key.
 */
export interface IdempotencyClaim {
  storeAnswer(answer: StoredResponse): D1PreparedStatement | null;
}

/**
 * Runs `create` at most once per (project, operation, key). The key is claimed
 * with an insert before the work starts, so concurrent retries cannot both
 * create; a failed attempt frees the key so the client can retry with it.
 * The final answer is stored after `create`; if that write fails but `create`
 * already stored an answer with what it created, the request still succeeds
 * and a retry replays that stored answer.
 */
export async function withIdempotency(
  env: Pick<TenantEnv, "TENANT_DB">,
  options: { projectId: string; operation: string; key: string | undefined; request: unknown },
  create: (claim: IdempotencyClaim) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (!options.key) return { ...(await create({ storeAnswer: () => null })), replayed: false };
  const { projectId, operation, key } = options;
  const requestHash = await sha256Hex(canonicalJson(options.request));
  const now = new Date();
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();

  const db = database(env.TENANT_DB);
  const thisKey = and(eq(idempotencyKeys.projectId, projectId), eq(idempotencyKeys.operation, operation), eq(idempotencyKeys.key, key));

  await db.delete(idempotencyKeys).where(and(thisKey, lt(idempotencyKeys.createdAt, expiredBefore)));
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ projectId, operation, key, requestHash, createdAt: isoNow(now) })
    .onConflictDoNothing()
    .run();

  if ((claimed.meta.changes ?? 0) === 0) {
    const [existing] = await db
      .select({ requestHash: idempotencyKeys.requestHash, responseStatus: idempotencyKeys.responseStatus, responseBody: idempotencyKeys.responseBody })
      .from(idempotencyKeys)
      .where(thisKey)
      .limit(1);
    if (!existing || existing.requestHash !== requestHash) {
      throw new ApiError("idempotency_key_reused", {
        message: "This Idempotency-Key was already used with a different request body.",
      });
    }
    if (existing.responseStatus === null || existing.responseBody === null) {
      throw new ApiError("idempotency_key_reused", {
        message: "A request with this Idempotency-Key is still being processed. Retry in a moment.",
      });
    }
    return { status: existing.responseStatus, body: JSON.parse(existing.responseBody), replayed: true };
  }

  // A plain D1 statement: `create` commits it in its own batch with what it creates.
  const store = (answer: StoredResponse) =>
    asStatement(env.TENANT_DB, db.update(idempotencyKeys).set({ responseStatus: answer.status, responseBody: JSON.stringify(answer.body) }).where(thisKey));
  let storedWithCreate = false;
  let response: StoredResponse;
  try {
    response = await create({
      storeAnswer: (answer) => {
        storedWithCreate = true;
        return store(answer);
      },
    });
  } catch (error) {
    await db.delete(idempotencyKeys).where(thisKey);
    throw error;
  }
  try {
    await store(response).run();
  } catch (error) {
    if (!storedWithCreate) throw error;
    logger.warn("idempotent_answer_not_updated", { operation, error });
  }
  return { ...response, replayed: false };
}

/**
 * Deletes keys past their 24 hours, oldest first, at most `limit` per call:
 * the cron runs it every few minutes, so each pass stays a short write even
 * after a burst of keyed creates.
 */
export async function purgeExpiredIdempotencyKeys(db: Database, now: Date, limit = 1000): Promise<number> {
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
  const rowid = sql`rowid`;
  const oldest = db.select({ rowid }).from(idempotencyKeys).where(lt(idempotencyKeys.createdAt, expiredBefore)).orderBy(idempotencyKeys.createdAt).limit(limit);
  const result = await db.delete(idempotencyKeys).where(inArray(rowid, oldest)).run();
  return result.meta.changes ?? 0;
}
