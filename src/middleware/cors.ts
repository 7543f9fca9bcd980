import { createMiddleware } from "hono/factory";
import { cors } from "hono/cors";
import type { AppEnv } from "../env.ts";

/**
 * Kivo is called from backends with secret keys, so browsers get no CORS
 * access unless the operator lists origins in KIVO_CORS_ORIGINS
 * (comma-separated, exact matches such as `https://app.example.com`).
 */
export const corsAllowlist = createMiddleware<AppEnv>(async (c, next) => {
  const allowed = (c.env.KIVO_CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (allowed.length === 0) return next();
  return cors({
    origin: (origin) => (allowed.includes(origin) ? origin : null),
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "Prefer", "Kivo-Version", "Kivo-Bookmark"],
    exposeHeaders: [
      "X-Request-Id",
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
      "X-RateLimit-Reset",
      "Retry-After",
      "Idempotent-Replayed",
      "Preference-Applied",
      "Kivo-Version",
      "Kivo-Bookmark",
      "Deprecation",
      "Sunset",
    ],
    maxAge: 600,
  })(c, next);
});
