import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { newRequestId } from "../ids.ts";
import { logger, withLogContext } from "../lib/logger.ts";

/**
 * Request ID and transport headers on every response, errors and 404s included,
 * the request ID on every log line written while handling it, and the one
 * request log line. That line names the matched route template
 * (`/v1/report-links/:token`), never the URL: paths carry bearer secrets
 * (report-link tokens) and customer IDs, which is also why the platform's
 * invocation logs, which record full URLs, are off in wrangler.toml.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = newRequestId();
  const started = Date.now();
  c.set("requestId", requestId);
  c.set("auth", undefined);
  // Everything logged while the request is handled, services and waitUntil work included, carries its ID.
  await withLogContext({ request_id: requestId }, async () => {
    await next();
    logger.info("request", { method: c.req.method, route: c.req.routePath, status: c.res.status, duration_ms: Date.now() - started });
  });
  // An idempotent replay keeps the request ID of the response it replays.
  if (!c.res.headers.has("X-Request-Id")) c.header("X-Request-Id", requestId);
  c.header("X-Content-Type-Options", "nosniff");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
});
