import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { newRequestId } from "../ids.ts";
import { logger } from "../lib/logger.ts";

/**
 * Request ID and transport headers on every response, errors and 404s included,
 * and the one request log line. That line names the matched route template
 * (`/v1/report-links/:token`), never the URL: paths carry bearer secrets
 * (report-link tokens) and customer IDs, which is also why the platform's
 * invocation logs, which record full URLs, are off in wrangler.toml.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = newRequestId();
  const started = Date.now();
  c.set("requestId", requestId);
  c.set("auth", undefined);
  await next();
  logger.info("request", {
    request_id: requestId,
    method: c.req.method,
    route: c.req.routePath,
    status: c.res.status,
    duration_ms: Date.now() - started,
  });
  // An idempotent replay keeps the request ID of the response it replays.
  if (!c.res.headers.has("X-Request-Id")) c.header("X-Request-Id", requestId);
  c.header("X-Content-Type-Options", "nosniff");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
});
