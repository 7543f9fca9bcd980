import { ApiError } from "../errors.ts";
import { isoNow } from "../ids.ts";
import { sha256Hex } from "./crypto.ts";
import { logger } from "./logger.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Key order and whitespace do not make two bodies different. Built with an
 * explicit stack, not recursion: a request body can nest thousands of levels
 * before any schema has looked at it.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Each pending item is text to write or a value to expand, last to be done first.
  const pending: ({ text: string } | { value: unknown })[] = [{ value }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if ("text" in item) {
      out.push(item.text);
      continue;
    }
    const current = item.value;
    if (current === null || typeof current !== "object") {
      out.push(JSON.stringify(current) ?? "null");
      continue;
    }
    const parts: ({ text: string } | { value: unknown })[] = [];
    if (Array.isArray(current)) {
      parts.push({ text: "[" });
      current.forEach((child, i) => parts.push(...(i > 0 ? [{ text: "," }] : []), { value: child }));
      parts.push({ text: "]" });
    } else {
      const entries = Object.entries(current as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      parts.push({ text: "{" });
      entries.forEach(([key, child], i) => parts.push({ text: `${i > 0 ? "," : ""}${JSON.stringify(key)}:` }, { value: child }));
      parts.push({ text: "}" });
    }
    for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]!);
  }
  return out.join("");
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
  db: Pick<D1Database, "prepare" | "batch">,
  options: { projectId: string; operation: string; key: string | undefined; request: unknown },
  create: (claim: IdempotencyClaim) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (!options.key) return { ...(await create({ storeAnswer: () => null })), replayed: false };
  const { projectId, operation, key } = options;
  const requestHash = await sha256Hex(canonicalJson(options.request));
  const now = new Date();
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();

  await db
    .prepare("DELETE FROM idempotency_keys WHERE project_id = ? AND operation = ? AND key = ? AND created_at < ?")
    .bind(projectId, operation, key, expiredBefore)
    .run();
  const claimed = await db
    .prepare(
      "INSERT INTO idempotency_keys (project_id, operation, key, request_hash, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(projectId, operation, key, requestHash, isoNow(now))
    .run();

  if ((claimed.meta.changes ?? 0) === 0) {
    const existing = await db
      .prepare("SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE project_id = ? AND operation = ? AND key = ?")
      .bind(projectId, operation, key)
      .first<{ request_hash: string; response_status: number | null; response_body: string | null }>();
    if (!existing || existing.request_hash !== requestHash) {
      throw new ApiError("idempotency_key_reused", {
        message: "This Idempotency-Key was already used with a different request body.",
      });
    }
    if (existing.response_status === null || existing.response_body === null) {
      throw new ApiError("idempotency_key_reused", {
        message: "A request with this Idempotency-Key is still being processed. Retry in a moment.",
      });
    }
    return { status: existing.response_status, body: JSON.parse(existing.response_body), replayed: true };
  }

  const store = (answer: StoredResponse) =>
    db
      .prepare("UPDATE idempotency_keys SET response_status = ?, response_body = ? WHERE project_id = ? AND operation = ? AND key = ?")
      .bind(answer.status, JSON.stringify(answer.body), projectId, operation, key);
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
    await db
      .prepare("DELETE FROM idempotency_keys WHERE project_id = ? AND operation = ? AND key = ?")
      .bind(projectId, operation, key)
      .run();
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
export async function purgeExpiredIdempotencyKeys(db: Pick<D1Database, "prepare" | "batch">, now: Date, limit = 1000): Promise<number> {
  const expiredBefore = new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();
  const result = await db
    .prepare("DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)")
    .bind(expiredBefore, limit)
    .run();
  return result.meta.changes ?? 0;
}
