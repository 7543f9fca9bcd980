import { ApiError } from "../errors.ts";
import { isoNow } from "../ids.ts";
import { sha256Hex } from "./crypto.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** Key order and whitespace do not make two bodies different. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Runs `create` at most once per (project, operation, key). The key is claimed
 * with an insert before the work starts, so concurrent retries cannot both
 * create; a failed attempt frees the key so the client can retry with it.
 */
export async function withIdempotency(
  db: D1Database,
  options: { projectId: string; operation: string; key: string | undefined; request: unknown },
  create: () => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  if (!options.key) return { ...(await create()), replayed: false };
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

  let response: StoredResponse;
  try {
    response = await create();
  } catch (error) {
    await db
      .prepare("DELETE FROM idempotency_keys WHERE project_id = ? AND operation = ? AND key = ?")
      .bind(projectId, operation, key)
      .run();
    throw error;
  }
  await db
    .prepare("UPDATE idempotency_keys SET response_status = ?, response_body = ? WHERE project_id = ? AND operation = ? AND key = ?")
    .bind(response.status, JSON.stringify(response.body), projectId, operation, key)
    .run();
  return { ...response, replayed: false };
}
