import type { Hook } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { type ZodLikeIssue, ApiError, errorBody, issuesToDetails } from "../errors.ts";
import { newRequestId } from "../ids.ts";
import { logger } from "../lib/logger.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the hook serves every route, whatever its input types
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) {
    const target = (result as { target?: string }).target;
    const where = target === "query" ? "query string" : target === "param" ? "path" : target === "header" ? "headers" : "body";
    throw new ApiError("validation_error", {
      message: `The request ${where} failed validation.`,
      details: issuesToDetails(result.error.issues as ZodLikeIssue[]),
    });
  }
};

function requestIdOf(c: Context): string {
  return (c.get("requestId") as string | undefined) ?? newRequestId();
}

export function errorResponse(c: Context, error: ApiError): Response {
  const requestId = requestIdOf(c);
  const response = c.json(errorBody(error, requestId, new URL(c.req.url).origin), error.status);
  for (const [name, value] of Object.entries(error.headers)) response.headers.set(name, value);
  response.headers.set("X-Request-Id", requestId);
  return response;
}

export const handleError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException) return errorResponse(c, fromHttpException(err));
  logger.error("unhandled_error", { request_id: requestIdOf(c), error: err });
  return errorResponse(c, new ApiError("internal_error"));
};

function fromHttpException(err: HTTPException): ApiError {
  switch (err.status) {
    case 400:
      return /json/i.test(err.message) ? new ApiError("invalid_json") : new ApiError("validation_error");
    case 413:
      return new ApiError("payload_too_large");
    case 415:
      return new ApiError("unsupported_media_type", {
        message: "The request body's media type is not supported; send application/json.",
      });
    case 404:
      return new ApiError("not_found");
    default:
      return new ApiError("internal_error");
  }
}

/**
 * Unknown paths answer 404; a known path with another method answers 405 with
 * `Allow`, as a client needs to tell the two apart.
 */
export function notFoundHandler(routes: () => readonly { method: string; path: string }[]): NotFoundHandler<AppEnv> {
  let matchers: { pattern: RegExp; method: string }[] | undefined;
  return (c) => {
    matchers ??= routes()
      .filter((route) => route.method !== "ALL")
      .map((route) => ({
        method: route.method,
        pattern: new RegExp(`^${route.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z0-9_]+/g, "[^/]+")}$`),
      }));
    const path = c.req.path;
    const allowed = [...new Set(matchers.filter((m) => m.pattern.test(path)).map((m) => m.method))];
    if (allowed.length > 0) {
      return errorResponse(
        c,
        new ApiError("method_not_allowed", {
          message: `${c.req.method} is not allowed here. Allowed: ${allowed.join(", ")}.`,
          headers: { Allow: allowed.join(", ") },
        }),
      );
    }
    return errorResponse(c, new ApiError("not_found", { message: `No route matches ${c.req.method} ${path}.` }));
  };
}
