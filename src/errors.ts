import { z } from "@hono/zod-openapi";

/**
 * The one error table. The runtime envelope, the error class and
 * every route's documented error responses derive from it, so the document
 * cannot drift from what the API returns.
 */
export const ERRORS = {
  invalid_json: { status: 400, message: "The request body is not valid JSON." },
  validation_error: { status: 400, message: "The request failed validation." },
  invalid_cursor: { status: 400, message: "The cursor was not issued by Kivo for this list." },
  missing_api_key: { status: 401, message: "API key is required." },
  invalid_api_key: { status: 401, message: "The API key is unknown, malformed or revoked." },
  missing_worker_credential: { status: 401, message: "A worker credential is required." },
  invalid_worker_credential: { status: 401, message: "The worker credential is invalid for this run." },
  worker_credential_expired: { status: 401, message: "The worker credential has expired." },
  worker_credential_revoked: { status: 401, message: "The worker credential has been revoked or rotated." },
  usage_limit_exceeded: { status: 402, message: "The plan's monthly review-run allowance is used up." },
  insufficient_scope: { status: 403, message: "The API key lacks the required scope." },
  not_found: { status: 404, message: "The requested resource does not exist." },
  method_not_allowed: { status: 405, message: "The method is not allowed for this resource." },
  idempotency_key_reused: {
    status: 409,
    message: "The Idempotency-Key was already used with a different request.",
  },
  run_already_terminal: { status: 409, message: "The review run is already in a terminal state." },
  artifact_not_hosted: {
    status: 409,
    message: "This run's artifacts are kept in the customer's environment, not by Kivo.",
  },
  run_not_cancellable: { status: 409, message: "Only a queued review run can be cancelled." },
  import_not_cancellable: { status: 409, message: "The import has already finished creating its runs." },
  import_not_deletable: { status: 409, message: "The import is still creating its runs; cancel it first." },
  mapping_not_required: { status: 409, message: "The import is not waiting for a field mapping." },
  credential_revoked: {
    status: 409,
    message: "The run's worker credentials were revoked; revocation is final, so no new credential is issued.",
  },
  payload_too_large: { status: 413, message: "The request body is too large." },
  unsupported_media_type: { status: 415, message: "The request body's media type is not supported." },
  raw_content_rejected: { status: 422, message: "Raw content is not accepted on this endpoint." },
  unknown_field: { status: 422, message: "The request contains fields that are not allowed." },
  mapping_required: { status: 422, message: "The columns cannot be mapped to review-run fields." },
  semantic_judge_unavailable: {
    status: 422,
    message: "The run requires the semantic judge, but none is configured for this project.",
  },
  rate_limited: { status: 429, message: "Too many requests. Retry after the rate-limit window resets." },
  internal_error: { status: 500, message: "Something went wrong on Kivo's side. Retry later." },
  billing_not_configured: { status: 503, message: "Billing is not configured on this deployment." },
  service_unavailable: { status: 503, message: "The service is temporarily unavailable." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;
export type ErrorStatus = (typeof ERRORS)[ErrorCode]["status"];

export interface ErrorDetail {
  path: string;
  message: string;
  [key: string]: unknown;
}

export interface ZodLikeIssue {
  code: string;
  path: PropertyKey[];
  message: string;
}

/** Zod issues as `{path, message}` a person can act on, never zod's raw object. */
export function issuesToDetails(issues: readonly ZodLikeIssue[], prefix: PropertyKey[] = []): ErrorDetail[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join(".");
    const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
    return { path: path || "(root)", message: missing ? "Required." : issue.message };
  });
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorStatus;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    options: { message?: string; details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(options.message ?? ERRORS[code].message);
    this.name = "ApiError";
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export const ErrorDetailSchema = z
  .object({
    path: z.string().openapi({ example: "sources.0.content" }),
    message: z.string(),
  })
  .catchall(z.unknown())
  .openapi("ErrorDetail");

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.array(ErrorDetailSchema).optional(),
    }),
    request_id: z.string().openapi({ example: "req_01hw87p6jkh5ezf9zr9de6d3a9" }),
  })
  .openapi("Error");

export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

export function errorBody(error: ApiError, requestId: string): ErrorEnvelope {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    },
    request_id: requestId,
  };
}

/**
 * Documented error responses for a route: one entry per status, listing the
 * codes that status can carry on this route, each with an example body.
 */
export function errorResponses(codes: readonly ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, { description: string; content: Record<string, unknown> }> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const examples = Object.fromEntries(
      statusCodes.map((code) => [
        code,
        {
          summary: code,
          value: { error: { code, message: ERRORS[code].message }, request_id: "req_01hw87p6jkh5ezf9zr9de6d3a9" },
        },
      ]),
    );
    responses[status] = {
      description: statusCodes.map((code) => `\`${code}\`: ${ERRORS[code].message}`).join(" "),
      content: { "application/json": { schema: ErrorEnvelopeSchema, examples } },
    };
  }
  return responses;
}
