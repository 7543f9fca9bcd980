import { createMiddleware } from "hono/factory";
import { API_VERSIONS, API_VERSION_HEADER, LATEST_API_VERSION, type ApiVersion, findApiVersion } from "../api-versions.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../errors.ts";

/** The headers that tell a client which version answered, and when that version goes away. */
export function apiVersionHeaders(entry: ApiVersion): Record<string, string> {
  const headers: Record<string, string> = { [API_VERSION_HEADER]: entry.version };
  // RFC 9745 (Deprecation, a structured-field date) and RFC 8594 (Sunset, an HTTP date).
  if (entry.deprecatedAt) headers.Deprecation = `@${Math.floor(Date.parse(`${entry.deprecatedAt}T00:00:00Z`) / 1000)}`;
  if (entry.sunsetAt) headers.Sunset = new Date(`${entry.sunsetAt}T00:00:00Z`).toUTCString();
  return headers;
}

/**
 * Picks the API version of the request from `Kivo-Version` (the latest when
 * absent) and names it on the response. An unknown version is refused before
 * anything else runs, so a client never gets an answer shaped by a version it
 * did not ask for.
 */
export const apiVersion = createMiddleware<AppEnv>(async (c, next) => {
  const requested = c.req.header(API_VERSION_HEADER)?.trim();
  const entry = findApiVersion(requested || LATEST_API_VERSION);
  if (!entry) {
    const supported = API_VERSIONS.map((version) => version.version);
    throw new ApiError("unsupported_api_version", {
      message: `Kivo-Version ${JSON.stringify(requested!.slice(0, 40))} is not a version this API serves. Send one of: ${supported.join(", ")}, or leave the header out for the latest (${LATEST_API_VERSION}).`,
      details: [{ path: API_VERSION_HEADER, message: "Unknown API version.", supported }],
      headers: { [API_VERSION_HEADER]: LATEST_API_VERSION },
    });
  }
  c.set("apiVersion", entry.version);
  await next();
  for (const [name, value] of Object.entries(apiVersionHeaders(entry))) c.header(name, value);
});
