import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { newRequestId } from "../ids.ts";

/** Request ID and transport headers on every response, errors and 404s included. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = newRequestId();
  c.set("requestId", requestId);
  c.set("auth", undefined);
  await next();
  // An idempotent replay keeps the request ID of the response it replays.
  if (!c.res.headers.has("X-Request-Id")) c.header("X-Request-Id", requestId);
  c.header("X-Content-Type-Options", "nosniff");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
});
