import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../errors.ts";
import { type AllowedFields, enforceMetadataBoundary } from "../lib/metadata-boundary.ts";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Runs the metadata-only checks on a JSON body before the schema validator
 * (route middleware runs first), so raw content is answered as
 * `raw_content_rejected` rather than as a generic validation error. Other
 * media types pass through to the validator, which answers 415.
 */
export const metadataBoundary = (allowed: AllowedFields) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (JSON_MEDIA_TYPE.test(c.req.header("Content-Type") ?? "")) {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new ApiError("invalid_json");
      }
      enforceMetadataBoundary(body, allowed);
    }
    await next();
  });
