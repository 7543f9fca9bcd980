import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { VerificationResultSchema } from "../../schemas/review-artifacts.ts";
import { findRun } from "../../services/review-runs/store.ts";
import { hostedArtifacts } from "../../services/review-runs/views.ts";
import { defineRoute } from "../define.ts";
import { RequestIdSchema } from "../../schemas/common.ts";
import { VERIFICATION_RESULTS_EXAMPLE } from "./examples.ts";
import { ReviewRunIdParamSchema } from "../../schemas/review-run.ts";

export const VerificationResultListSchema = z
  .object({ items: z.array(VerificationResultSchema), request_id: RequestIdSchema })
  .openapi("VerificationResultList");

export const listVerificationResultsRoute = defineRoute({
  method: "get",
  path: "/v1/review-runs/{reviewRunId}/verification-results",
  operationId: "listVerificationResults",
  tags: ["Review runs"],
  summary: "List a run's verification results",
  description:
    "One verifier result per claim: status, confidence, the evidence span and a rationale naming the concrete reason. Empty until the run completes.",
  auth: { apiKey: "review_runs:read" },
  errors: ["not_found", "artifact_not_hosted"],
  request: { params: ReviewRunIdParamSchema },
  responses: {
    200: {
      description: "The verification results.",
      content: { "application/json": { schema: VerificationResultListSchema, example: VERIFICATION_RESULTS_EXAMPLE } },
    },
  },
});

export function registerListVerificationResults(app: OpenAPIHono<AppEnv>) {
  app.openapi(listVerificationResultsRoute, async (c) => {
    const db = tenantDbOf(c);
    const row = await findRun(db, authOf(c).projectId, c.req.valid("param").reviewRunId);
    const { verification_results } = await hostedArtifacts(db, c.env.SOURCES, row);
    return c.json({ items: verification_results, request_id: c.get("requestId") }, 200);
  });
}
