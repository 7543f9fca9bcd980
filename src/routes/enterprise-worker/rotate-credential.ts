import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { metadataBoundary } from "../../middleware/metadata-boundary.ts";
import { rotateWorkerCredential } from "../../services/enterprise-worker/runs.ts";
import { ReviewRunIdParamSchema } from "../../schemas/review-run.ts";
import { defineRoute } from "../define.ts";
import { ROTATE_ALLOWED_FIELDS, RotateCredentialBodySchema, RotatedCredentialSchema } from "../../schemas/enterprise-worker.ts";

export const rotateWorkerCredentialRoute = defineRoute({
  method: "post",
  path: "/v1/private-worker/review-runs/{reviewRunId}/credential/rotate",
  operationId: "rotateWorkerCredential",
  tags: ["Enterprise Worker"],
  summary: "Rotate the run's worker credential",
  description:
    "Issues a new worker credential (the token is shown once). The previous token is refused from this moment with `401 worker_credential_revoked`. A finished run answers `409 run_already_terminal`; a run whose credentials were revoked answers `409 credential_revoked` (revocation is final).",
  auth: { apiKey: "private_worker_runs:create" },
  errors: ["not_found", "run_already_terminal", "credential_revoked", "raw_content_rejected", "unknown_field", "service_unavailable"],
  maxBodyBytes: 4 * 1024,
  extraMiddleware: [metadataBoundary(ROTATE_ALLOWED_FIELDS)],
  request: {
    params: ReviewRunIdParamSchema,
    body: { required: false, content: { "application/json": { schema: RotateCredentialBodySchema } } },
  },
  responses: {
    200: { description: "The new credential.", content: { "application/json": { schema: RotatedCredentialSchema } } },
  },
});

export function registerRotateWorkerCredential(app: OpenAPIHono<AppEnv>) {
  app.openapi(rotateWorkerCredentialRoute, async (c) => {
    const auth = authOf(c);
    const { reviewRunId } = c.req.valid("param");
    const { credential_ttl_seconds } = c.req.valid("json");
    const credential = await rotateWorkerCredential(tenantOf(c), auth.projectId, reviewRunId, credential_ttl_seconds, new URL(c.req.url).origin);
    return c.json({ review_run_id: reviewRunId, worker_credential: credential, request_id: c.get("requestId") }, 200);
  });
}
