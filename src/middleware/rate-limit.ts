import type { Context } from "hono";
import type { RateLimitDecision } from "../durable-objects/rate-limiter.ts";
import type { AppEnv, Bindings } from "../env.ts";
import { ApiError } from "../errors.ts";
import type { AuthContext } from "../services/tenancy/auth.ts";
import { logger } from "../lib/logger.ts";
import { AUTH_FAILURE_LIMIT, RATE_LIMIT_WINDOW_MS, rateLimitPerMinute } from "../services/billing/plans.ts";

/**
 * Counts the request against its key's window (README, "Limits and billing"). The RateLimit-*
 * headers are set on the context, so every later response of this request
 * carries them, errors included; over the limit it answers 429 with
 * Retry-After. If the limiter cannot be reached the request proceeds without
 * the headers: rate limiting fails open, authentication and quotas never do.
 */
export async function enforceKeyRateLimit(c: Context<AppEnv>, auth: AuthContext): Promise<void> {
  const now = Date.now();
  const limit = rateLimitPerMinute(auth.plan, auth.rateLimitPerMinute);
  const decision = await hitOrFailOpen(c, "api_key", auth.keyId, limit, now);
  if (!decision) return;
  const headers = rateLimitHeaders(decision, now);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (!decision.allowed) {
    throw new ApiError("rate_limited", { headers: { ...headers, "Retry-After": headers["RateLimit-Reset"] } });
  }
}

/**
 * Refusals of a secret that was presented: a guessed or forged API key, admin
 * token (also answered `invalid_api_key`) or worker credential, and a worker
 * credential that is expired, revoked or rotated away. The last were genuine
 * once, but whoever keeps replaying one (a leaked token, a worker that lost
 * its rotation) is limited like a guesser; each attempt also costs a Durable
 * Object lookup.
 */
const REFUSED_SECRET: ReadonlySet<string> = new Set([
  "invalid_api_key",
  "invalid_worker_credential",
  "worker_credential_expired",
  "worker_credential_revoked",
]);

/**
 * Called when a presented secret was refused. Failed attempts are counted per
 * client IP in their own, much smaller window, shared by API keys, the admin
 * token and worker credentials so switching targets buys no extra guesses;
 * past it the answer becomes 429 instead of 401. Valid secrets from the same
 * IP are not affected, so one broken client behind a shared address does not
 * lock its neighbours out. Requests without `CF-Connecting-IP` (never the case
 * behind Cloudflare) are not counted.
 */
export async function limitFailedAuthentication(c: Context<AppEnv>, error: unknown): Promise<never> {
  const ip = c.req.header("CF-Connecting-IP");
  if (error instanceof ApiError && REFUSED_SECRET.has(error.code) && ip) {
    const now = Date.now();
    const decision = await hitOrFailOpen(c, "auth_failures", `auth-failures:${ip}`, AUTH_FAILURE_LIMIT, now);
    if (decision && !decision.allowed) {
      throw new ApiError("rate_limited", { headers: { "Retry-After": secondsUntil(decision.resetAt, now) } });
    }
  }
  throw error;
}

export function rateLimitHeaders(decision: RateLimitDecision, now: number) {
  return {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": secondsUntil(decision.resetAt, now),
    "X-RateLimit-Reset": new Date(decision.resetAt).toISOString(),
  };
}

const secondsUntil = (at: number, now: number) => String(Math.max(1, Math.ceil((at - now) / 1000)));

/** Limiter names: the API key ID, or `auth-failures:<ip>` (see README "Limits and billing"). */
async function hitOrFailOpen(
  c: Context<AppEnv>,
  kind: "api_key" | "auth_failures",
  name: string,
  limit: number,
  now: number,
): Promise<RateLimitDecision | null> {
  try {
    return await limiterFor(c.env, name).hit(limit, RATE_LIMIT_WINDOW_MS, now);
  } catch (error) {
    logger.warn("rate_limiter_unavailable", { request_id: c.get("requestId"), limiter: kind, error });
    return null;
  }
}

function limiterFor(env: Bindings, name: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}

const integerHeader = (description: string) => ({ description, schema: { type: "integer" as const, minimum: 0 } });

const RATE_LIMIT_HEADERS_DOC = {
  "RateLimit-Limit": integerHeader("Requests allowed per window for this key."),
  "RateLimit-Remaining": integerHeader("Requests left in the current window."),
  "RateLimit-Reset": integerHeader("Seconds until the window resets."),
  "X-RateLimit-Reset": {
    description: "When the window resets (ISO-8601 UTC).",
    schema: { type: "string" as const, format: "date-time" },
  },
};

/** Documents the RateLimit-* headers on every response of an API-key operation, and Retry-After on its 429. */
export function withRateLimitHeaders<T extends object>(responses: T): T {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      {
        ...response,
        headers: {
          ...(response as { headers?: object }).headers,
          ...RATE_LIMIT_HEADERS_DOC,
          ...(status === "429" ? { "Retry-After": integerHeader("Seconds to wait before retrying.") } : {}),
        },
      },
    ]),
  ) as T;
}
