import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { type IdempotencyClaim, type StoredResponse, withIdempotency } from "../services/idempotency/keys.ts";
import { authOf, tenantOf } from "../middleware/auth.ts";

/**
 * The glue every create with `Idempotency-Key` shares: runs `create` at most
 * once per (project, operation, key) (services/idempotency/keys.ts), and answers a
 * replay as the first request was answered, its request ID included, marked
 * `Idempotent-Replayed: true`.
 */
export async function createOnce<Body extends { request_id: string }>(
  c: Context<AppEnv>,
  options: { operation: string; key: string | undefined; request: unknown },
  create: (claim: IdempotencyClaim) => Promise<StoredResponse & { body: Body }>,
): Promise<{ status: number; body: Body; replayed: boolean }> {
  const result = await withIdempotency(tenantOf(c), { projectId: authOf(c).projectId, ...options }, create);
  const body = result.body as Body;
  if (result.replayed) c.header("Idempotent-Replayed", "true");
  c.header("X-Request-Id", body.request_id);
  return { status: result.status, body, replayed: result.replayed };
}
