import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { revokeWorkerCredential } from "../../services/enterprise-worker/runs.ts";
import { ReviewRunIdParamSchema } from "../../schemas/review-run.ts";
import { defineRoute } from "../define.ts";
import { RevokedCredentialSchema } from "../../schemas/enterprise-worker.ts";

export const revokeWorkerCredentialRoute = defineRoute({
  method: "post",
  path: "/v1/private-worker/review-runs/{reviewRunId}/credential/revoke",
  operationId: "revokeWorkerCredential",
  tags: ["Enterprise Worker"],
  summary: "Revoke the run's worker credential",
  description:
    "Leaves the run without an active credential, for good: every later event fails closed with `401 worker_credential_revoked`, and neither a rotation nor an `Idempotency-Key` replay of the create issues a new one. The revocation time stays on the run (`credential.revoked_at`). Revoking twice is harmless and keeps the first time.",
  auth: { apiKey: "private_worker_runs:create" },
  errors: ["not_found", "service_unavailable"],
  request: { params: ReviewRunIdParamSchema },
  responses: {
    200: { description: "The revoked credential (never its token).", content: { "application/json": { schema: RevokedCredentialSchema } } },
  },
});

export function registerRevokeWorkerCredential(app: OpenAPIHono<AppEnv>) {
  app.openapi(revokeWorkerCredentialRoute, async (c) => {
    const auth = authOf(c);
    const { reviewRunId } = c.req.valid("param");
    const credential = await revokeWorkerCredential(tenantOf(c), auth.projectId, reviewRunId);
    return c.json({ review_run_id: reviewRunId, credential, request_id: c.get("requestId") }, 200);
  });
}
