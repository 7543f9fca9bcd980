import { type RouteConfig, createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type ErrorCode, ApiError, errorResponses } from "../errors.ts";
import { requireAdminToken, requireApiKey } from "../middleware/auth.ts";
import { BOOKMARK_HEADER } from "../schemas/common.ts";
import { withRateLimitHeaders } from "../middleware/rate-limit.ts";
import { wellFormedJsonBody } from "../middleware/well-formed-body.ts";
import type { Scope } from "../services/tenancy/scopes.ts";

export const API_KEY_SCHEME = "ApiKey";
export const ADMIN_TOKEN_SCHEME = "AdminToken";
export const WORKER_CREDENTIAL_SCHEME = "WorkerCredential";
export const API_VERSION_PARAMETER = "KivoVersion";
export const BOOKMARK_PARAMETER = "KivoBookmark";

export const MB = 1024 * 1024;

type Auth =
  | { apiKey: Scope | readonly Scope[] }
  | { admin: true }
  | { custom: { scheme: string; middleware: MiddlewareHandler; errors: readonly ErrorCode[] } }
  | { public: true };

type RouteInput = Omit<RouteConfig, "security" | "middleware">;

/**
 * OpenAPI `links` from a create's answer to the operations that read it: each
 * maps an operation ID to its path parameters as runtime expressions
 * (`$response.body#/id`). Generators and the reference show them as next steps;
 * redocly.yaml fails the lint when a create lacks them.
 */
export function linksTo(targets: Record<string, Record<string, string>>) {
  return Object.fromEntries(
    Object.entries(targets).map(([operationId, parameters]) => [
      operationId.charAt(0).toUpperCase() + operationId.slice(1),
      { operationId, parameters, description: `Call \`${operationId}\` with ${Object.keys(parameters).map((name) => `\`${name}\``).join(" and ")} from this answer.` },
    ]),
  );
}

/** Codes every route of a given kind can answer, so routes list only their own. */
export const AUTH_ERRORS = [
  "missing_api_key",
  "invalid_api_key",
  "insufficient_scope",
  "rate_limited",
] as const satisfies ErrorCode[];
const ADMIN_ERRORS = ["missing_api_key", "invalid_api_key", "not_found", "rate_limited"] as const satisfies ErrorCode[];
const BODY_ERRORS = [
  "invalid_json",
  "validation_error",
  "payload_too_large",
  "unsupported_media_type",
] as const satisfies ErrorCode[];

/**
 * Defines a route once: its auth (shown in the document as `security` and in
 * the description), its body size limit, and its documented error responses
 * derived from the error table.
 */
export function defineRoute<const R extends RouteInput>(
  config: R & { auth: Auth; errors?: readonly ErrorCode[]; maxBodyBytes?: number; extraMiddleware?: MiddlewareHandler[] },
) {
  const { auth, errors = [], maxBodyBytes, extraMiddleware = [], ...route } = config;
  const middleware: MiddlewareHandler[] = [];
  const codes: ErrorCode[] = [...errors, "internal_error"];
  let security: RouteConfig["security"] = [];
  let description = route.description ?? "";

  if ("apiKey" in auth) {
    const scopes: readonly Scope[] = typeof auth.apiKey === "string" ? [auth.apiKey] : auth.apiKey;
    middleware.push(requireApiKey(scopes));
    // Alternatives in `security` are OR'ed: any one of the scopes authorizes the call.
    security = scopes.map((scope) => ({ [API_KEY_SCHEME]: [scope] }));
    const names = scopes.map((scope) => `\`${scope}\``).join(" or ");
    description = `${description}\n\nRequired scope: ${names}.`.trim();
    codes.push(...AUTH_ERRORS);
    // Writes of an organization that is moving between shards wait (middleware/auth.ts).
    if (route.method !== "get") codes.push("organization_moving");
  } else if ("admin" in auth) {
    middleware.push(requireAdminToken);
    security = [{ [ADMIN_TOKEN_SCHEME]: [] }];
    description = `${description}\n\nAuthorized by the \`KIVO_ADMIN_TOKEN\` secret; answers 404 when it is not configured.`.trim();
    codes.push(...ADMIN_ERRORS);
  } else if ("custom" in auth) {
    middleware.push(auth.custom.middleware);
    security = [{ [auth.custom.scheme]: [] }];
    codes.push(...auth.custom.errors);
  }

  if (route.request?.body) {
    const limit = maxBodyBytes ?? 1 * MB;
    middleware.push(
      bodyLimit({
        maxSize: limit,
        onError: () => {
          throw new ApiError("payload_too_large", { message: `The request body exceeds ${limit / MB} MB.` });
        },
      }),
    );
    if (route.request.body.content && "application/json" in route.request.body.content) middleware.push(wellFormedJsonBody);
    codes.push(...BODY_ERRORS);
  }
  if (route.request?.query || route.request?.params) codes.push("validation_error");
  middleware.push(...extraMiddleware);

  let responses = { ...route.responses, ...(errorResponses(codes) as {}) };
  if ("apiKey" in auth) responses = withRateLimitHeaders(responses);
  // An API-key operation reads in a session of the organization's database and returns its bookmark (db/sessions.ts).
  const bookmarkRef = { $ref: `#/components/headers/${BOOKMARK_PARAMETER}` };
  if ("apiKey" in auth) {
    responses = Object.fromEntries(
      Object.entries(responses).map(([status, response]) => [
        status,
        status.startsWith("2") ? { ...response, headers: { ...(response as { headers?: object }).headers, [BOOKMARK_HEADER]: bookmarkRef } } : response,
      ]),
    ) as typeof responses;
  }
  // Every operation takes `Kivo-Version` and names the version on its answer (middleware/api-version.ts).
  const versionRef = { $ref: `#/components/headers/${API_VERSION_PARAMETER}` };
  responses = Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      { ...response, headers: { ...(response as { headers?: object }).headers, "Kivo-Version": versionRef } },
    ]),
  ) as typeof responses;
  return createRoute({
    ...route,
    description,
    security,
    middleware,
    responses,
    parameters: [
      ...(route.parameters ?? []),
      { $ref: `#/components/parameters/${API_VERSION_PARAMETER}` },
      ...("apiKey" in auth ? [{ $ref: `#/components/parameters/${BOOKMARK_PARAMETER}` }] : []),
    ],
  } as unknown as R & { middleware: MiddlewareHandler[] });
}
