import { createMiddleware } from "hono/factory";
import { database } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../errors.ts";
import { type AuthContext, authenticateApiKey, bearerToken, requireScope } from "../services/tenancy/auth.ts";
import { secretsEqual } from "../lib/crypto.ts";
import type { Scope } from "../services/tenancy/scopes.ts";
import { enforceKeyRateLimit, limitFailedAuthentication } from "./rate-limit.ts";

/** The API-key pipeline: authenticate (failures counted per IP) → rate limit → scope. */
export const requireApiKey = (scope: Scope | readonly Scope[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const auth = await authenticateApiKey(database(c.env.DB), c.req.header("Authorization"), (work) =>
      c.executionCtx.waitUntil(work.catch(() => undefined)),
    ).catch((error: unknown) => limitFailedAuthentication(c, error));
    await enforceKeyRateLimit(c, auth);
    requireScope(auth, scope);
    c.set("auth", auth);
    await next();
  });

/** The admin API does not exist (404) unless KIVO_ADMIN_TOKEN is configured. */
export const requireAdminToken = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.KIVO_ADMIN_TOKEN;
  if (!expected) throw new ApiError("not_found");
  const token = bearerToken(c.req.header("Authorization"));
  if (token === null) throw new ApiError("missing_api_key", { message: "The admin token is required." });
  if (!(await secretsEqual(token, expected))) {
    await limitFailedAuthentication(c, new ApiError("invalid_api_key", { message: "The admin token is invalid." }));
  }
  await next();
});

export function authOf(c: { get(key: "auth"): AuthContext | undefined }): AuthContext {
  const auth = c.get("auth");
  if (!auth) throw new Error("route reached without authentication middleware");
  return auth;
}
