import { z } from "@hono/zod-openapi";

/**
 * The one error table. The runtime envelope, the error class, every route's
 * documented error responses and the error catalogue (/docs/errors, the
 * Errors guide) derive from it, so the document cannot drift from what the API
 * returns. `message` says what happened, `fix` what the caller can do.
 */
export const ERRORS = {
  invalid_json: {
    status: 400,
    message: "The request body is not valid JSON.",
    fix: "Send a body that parses as JSON and is UTF-8 encoded; check quoting and escaping in the code that builds it.",
  },
  validation_error: {
    status: 400,
    message: "The request failed validation.",
    fix: "Read `details`: each entry names the field (`path`) and what is wrong with it. Fix those fields and send again.",
  },
  invalid_cursor: {
    status: 400,
    message: "The cursor was not issued by Kivo for this list.",
    fix: "Pass back `next_cursor` exactly as the same list returned it, with the same filters; start again without `cursor` if in doubt.",
  },
  unsupported_api_version: {
    status: 400,
    message: "The Kivo-Version header names a version this API does not serve.",
    fix: "Send a version listed in `details[0].supported` (the Versioning guide lists them with their changes), or leave `Kivo-Version` out for the latest.",
  },
  missing_api_key: {
    status: 401,
    message: "API key is required.",
    fix: "Send `Authorization: Bearer kivo_live_…` (or `kivo_test_…` locally).",
  },
  invalid_api_key: {
    status: 401,
    message: "The API key is unknown, malformed or revoked.",
    fix: "Check that the whole key was copied and has not been revoked; ask an operator for a new key if it was.",
  },
  missing_worker_credential: {
    status: 401,
    message: "A worker credential is required.",
    fix: "Send the run's worker credential, `Authorization: Bearer kivo_wrk_…`, returned when the private-worker run was created or rotated.",
  },
  invalid_worker_credential: {
    status: 401,
    message: "The worker credential is invalid for this run.",
    fix: "Use the credential issued for this run; credentials are run-scoped.",
  },
  worker_credential_expired: {
    status: 401,
    message: "The worker credential has expired.",
    fix: "Rotate the credential (`POST …/credential/rotate`) with an API key and retry with the new one.",
  },
  worker_credential_revoked: {
    status: 401,
    message: "The worker credential has been revoked or rotated.",
    fix: "Use the newest credential of the run; a revoked run gets no new credential.",
  },
  usage_limit_exceeded: {
    status: 402,
    message: "The plan's monthly review-run allowance is used up.",
    fix: "Wait for the next monthly period, or upgrade the plan (`POST /v1/billing/checkout`). `GET /v1/usage` shows what is used.",
  },
  semantic_judge_budget_exhausted: {
    status: 402,
    message: "The run requires the semantic judge, but the organization's token budget for this period is used up.",
    fix: "Send the run with `semantic_judge: \"auto\"` (the engine's verdict stands when the budget is used up), wait for the next period, or ask an operator to raise the organization's budget. `GET /v1/usage` shows the budget and what remains.",
  },
  insufficient_scope: {
    status: 403,
    message: "The API key lacks the required scope.",
    fix: "Use a key that holds the scope named in the operation's description, or ask an operator to create one.",
  },
  not_found: {
    status: 404,
    message: "The requested resource does not exist.",
    fix: "Check the ID and that it belongs to the key's project: another project's resources answer 404 too.",
  },
  method_not_allowed: {
    status: 405,
    message: "The method is not allowed for this resource.",
    fix: "Use one of the methods in the `Allow` header.",
  },
  idempotency_key_reused: {
    status: 409,
    message: "The Idempotency-Key was already used with a different request.",
    fix: "Use a new `Idempotency-Key` for a different request; reuse a key only to retry the identical request.",
  },
  run_already_terminal: {
    status: 409,
    message: "The review run is already in a terminal state.",
    fix: "Nothing to do: the run has already completed, failed or been cancelled. Read its current status.",
  },
  artifact_not_hosted: {
    status: 409,
    message: "This run's artifacts are kept in the customer's environment, not by Kivo.",
    fix: "Read this run's artifacts where your Enterprise Worker stored them (`private_worker.storage_pointers`).",
  },
  run_not_cancellable: {
    status: 409,
    message: "Only a queued review run can be cancelled.",
    fix: "Only `queued` runs can be cancelled; a run already processing will finish on its own.",
  },
  import_not_cancellable: {
    status: 409,
    message: "The import has already finished creating its runs.",
    fix: "Nothing to cancel: every run of the import exists. Cancel the queued runs one by one if needed.",
  },
  mapping_not_required: {
    status: 409,
    message: "The import is not waiting for a field mapping.",
    fix: "Only an import in `mapping_required` takes a field mapping; read the import's status.",
  },
  import_not_deletable: {
    status: 409,
    message: "The import is still creating its runs; cancel it first.",
    fix: "Cancel the import (`POST /v1/imports/{id}/cancel`), then delete it.",
  },
  credential_revoked: {
    status: 409,
    message: "The run's worker credentials were revoked; revocation is final, so no new credential is issued.",
    fix: "Create a new private-worker run if the work must continue; revocation is final.",
  },
  payload_too_large: {
    status: 413,
    message: "The request body is too large.",
    fix: "Keep the body under the operation's limit (the Limits guide); split large imports into several.",
  },
  unsupported_media_type: {
    status: 415,
    message: "The request body's media type is not supported.",
    fix: "Send `Content-Type: application/json; charset=utf-8` (or a media type the operation lists).",
  },
  raw_content_rejected: {
    status: 422,
    message: "Raw content is not accepted on this endpoint.",
    fix: "Send metadata only on Enterprise Worker endpoints: hashes, counts and pointers, never source or output text.",
  },
  unknown_field: {
    status: 422,
    message: "The request contains fields that are not allowed.",
    fix: "Remove the fields named in `details`; the endpoint accepts only the documented ones.",
  },
  mapping_required: {
    status: 422,
    message: "The columns cannot be mapped to review-run fields.",
    fix: "Send the column mapping to `POST /v1/imports/{importId}/field-mapping`, or rename the columns to the documented field names.",
  },
  semantic_judge_unavailable: {
    status: 422,
    message: "The run requires the semantic judge, but none is configured for this project.",
    fix: "Configure a semantic judge for the project, or send `semantic_judge: \"auto\"` or `\"off\"`.",
  },
  rate_limited: {
    status: 429,
    message: "Too many requests. Retry after the rate-limit window resets.",
    fix: "Wait the seconds in `Retry-After`, then retry; spread requests out or ask for a higher per-key limit.",
  },
  internal_error: {
    status: 500,
    message: "Something went wrong on Kivo's side. Retry later.",
    fix: "Retry with backoff (with the same `Idempotency-Key` for creates). If it persists, report the `request_id`.",
  },
  billing_not_configured: {
    status: 503,
    message: "Billing is not configured on this deployment.",
    fix: "An operator must set the Stripe secrets and price IDs on this deployment.",
  },
  organization_moving: {
    status: 503,
    message: "The organization's data is being moved to another database; its writes are paused until the move ends. Reads keep working.",
    fix: "Wait the seconds in `Retry-After`, then send the same request again (with the same `Idempotency-Key` for creates); nothing of this request was stored.",
  },
  shard_move_in_progress: {
    status: 409,
    message: "The organization is already moving to another shard.",
    fix: "Continue the move in progress (send its `target` as `shard`) until it completes, then move the organization again.",
  },
  service_unavailable: {
    status: 503,
    message: "The service is temporarily unavailable.",
    fix: "Retry with backoff after a few seconds, with the same `Idempotency-Key` for creates.",
  },
} as const satisfies Record<string, { status: number; message: string; fix: string }>;

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

/** Where an error code is explained: its entry in the catalogue this deployment serves. */
export function errorDocUrl(code: ErrorCode, origin: string): string {
  return `${origin}/docs/errors#${code}`;
}

const EXAMPLE_ORIGIN = "https://api.trykivo.co";

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.array(ErrorDetailSchema).optional(),
      doc_url: z
        .string()
        .url()
        .openapi({
          description: "The code's entry in the error catalogue (`/docs/errors`): what it means and how to fix it.",
          example: errorDocUrl("validation_error", EXAMPLE_ORIGIN),
        }),
    }),
    request_id: z.string().openapi({ example: "req_01hw87p6jkh5ezf9zr9de6d3a9" }),
  })
  .openapi("Error");

export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

export function errorBody(error: ApiError, requestId: string, origin: string): ErrorEnvelope {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
      doc_url: errorDocUrl(error.code, origin),
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
          value: {
            error: { code, message: ERRORS[code].message, doc_url: errorDocUrl(code, EXAMPLE_ORIGIN) },
            request_id: "req_01hw87p6jkh5ezf9zr9de6d3a9",
          },
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
