import { createMiddleware } from "hono/factory";
import { type Database, database } from "../db/client.ts";
import { BOOKMARK_HEADER, isReadMethod, openSession } from "../db/sessions.ts";
import { PRIMARY_SHARD, shardDatabase, tenantEnv } from "../db/shards.ts";
import type { AppEnv, Bindings, TenantEnv } from "../env.ts";
import { ApiError } from "../errors.ts";
import { type AuthContext, authenticateApiKey, bearerToken, requireScope } from "../services/tenancy/auth.ts";
import { secretsEqual } from "../lib/crypto.ts";
import { organizationMoving } from "../services/tenancy/shard-move.ts";
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
    // While the organization moves between shards its reads are served from the
    // old one; a write could land after the copy and be lost, so it waits.
    if (auth.writesPaused && !isReadMethod(c.req.method)) throw organizationMoving();
    c.set("auth", auth);
    // Everything the route reads or writes of the organization goes to its
    // shard, in one session that starts after the client's last bookmark.
    const shard = auth.shard ?? PRIMARY_SHARD;
    const session = openSession(shardDatabase(c.env, shard), shard, c.req.method, c.req.header(BOOKMARK_HEADER));
    c.set("tenant", tenantEnv(c.env, session.database));
    c.set("tenantDb", database(session.database));
    await next();
    const bookmark = session.bookmark();
    if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
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

/** The bindings of the authenticated organization: `TENANT_DB` is its shard. */
export function tenantOf(c: { get(key: "tenant"): TenantEnv | undefined }): TenantEnv {
  const tenant = c.get("tenant");
  if (!tenant) throw new Error("route reached without authentication middleware");
  return tenant;
}

/** The authenticated organization's data as a drizzle database (its shard's session), for the stores a route reads through. */
export function tenantDbOf(c: { get(key: "tenantDb"): Database | undefined }): Database {
  const db = c.get("tenantDb");
  if (!db) throw new Error("route reached without authentication middleware");
  return db;
}

/** The control plane (organizations, projects, API keys), for the admin API. */
export const controlDbOf = (c: { env: Pick<Bindings, "DB"> }): Database => database(c.env.DB);

export function authOf(c: { get(key: "auth"): AuthContext | undefined }): AuthContext {
  const auth = c.get("auth");
  if (!auth) throw new Error("route reached without authentication middleware");
  return auth;
}
