import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { metadataBoundary } from "../../middleware/metadata-boundary.ts";
import { WORKER_CREDENTIAL_ERRORS, requireWorkerCredential, workerCredentialOf } from "../../middleware/worker-credential.ts";
import { applyWorkerEvent } from "../../services/enterprise-worker/events.ts";
import { ReviewRunIdParamSchema } from "../../schemas/review-run.ts";
import { BOOKMARK_HEADER } from "../../schemas/common.ts";
import { BOOKMARK_PARAMETER, WORKER_CREDENTIAL_SCHEME, defineRoute } from "../define.ts";
import { EVENT_ALLOWED_FIELDS, WorkerEventBodySchema, WorkerEventResultSchema } from "../../schemas/enterprise-worker.ts";

export const workerEventRoute = defineRoute({
  method: "post",
  path: "/v1/private-worker/review-runs/{reviewRunId}/events",
  operationId: "postWorkerEvent",
  tags: ["Enterprise Worker"],
  summary: "Send a metadata-only worker event",
  description:
    "Authorized only by the run's worker credential (`Authorization: Bearer kivo_wrk_…`), never by an API key. `status` moves the run to `processing`; `completed` (with `gate_verdict`, `claim_count` and `unsupported_claim_count`) and `failed` (with `redacted_failure_categories`) end it. Raw-content fields at any depth answer `422 raw_content_rejected`, other undocumented fields `422 unknown_field`; every check runs before anything changes. A repeated `event_id` answers its first result again (`replayed: true`); the same `event_id` with a different event is `409 idempotency_key_reused`; a new event after the run ended is `409 run_already_terminal`.",
  auth: { custom: { scheme: WORKER_CREDENTIAL_SCHEME, middleware: requireWorkerCredential, errors: WORKER_CREDENTIAL_ERRORS } },
  errors: ["raw_content_rejected", "unknown_field", "not_found", "run_already_terminal", "idempotency_key_reused", "organization_moving"],
  maxBodyBytes: 64 * 1024,
  extraMiddleware: [metadataBoundary(EVENT_ALLOWED_FIELDS)],
  request: {
    params: ReviewRunIdParamSchema,
    body: { required: true, content: { "application/json": { schema: WorkerEventBodySchema } } },
  },
  responses: {
    200: {
      description: "The event was applied (or replayed).",
      headers: { [BOOKMARK_HEADER]: { $ref: `#/components/headers/${BOOKMARK_PARAMETER}` } },
      content: { "application/json": { schema: WorkerEventResultSchema } },
    },
  },
});

export function registerWorkerEvents(app: OpenAPIHono<AppEnv>) {
  app.openapi(workerEventRoute, async (c) => {
    const requestId = c.get("requestId");
    const claims = workerCredentialOf(c);
    const { outcome, bookmark } = await applyWorkerEvent(c.env, claims, c.req.valid("json"), requestId, {
      method: c.req.method,
      bookmark: c.req.header(BOOKMARK_HEADER),
    });
    if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
    return c.json({ ...outcome, request_id: requestId }, 200);
  });
}
