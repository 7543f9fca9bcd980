import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { findRun } from "../../services/review-runs/store.ts";
import { hostedArtifacts } from "../../services/review-runs/views.ts";
import { defineRoute } from "../define.ts";
import { CLAIMS_EXAMPLE } from "./examples.ts";
import { ClaimListSchema, ReviewRunIdParamSchema } from "../../schemas/review-run.ts";


export const listClaimsRoute = defineRoute({
  method: "get",
  path: "/v1/review-runs/{reviewRunId}/claims",
  operationId: "listClaims",
  tags: ["Review runs"],
  summary: "List a run's claims",
  description:
    "The atomic claims extracted from the output, in output order, each with its support status, primary source span and verification result. Empty until the run completes.",
  auth: { apiKey: "review_runs:read" },
  errors: ["not_found", "artifact_not_hosted"],
  request: { params: ReviewRunIdParamSchema },
  responses: {
    200: { description: "The claims.", content: { "application/json": { schema: ClaimListSchema, example: CLAIMS_EXAMPLE } } },
  },
});

export function registerListClaims(app: OpenAPIHono<AppEnv>) {
  app.openapi(listClaimsRoute, async (c) => {
    const db = tenantDbOf(c);
    const row = await findRun(db, authOf(c).projectId, c.req.valid("param").reviewRunId);
    const { claims } = await hostedArtifacts(db, c.env.SOURCES, row);
    return c.json({ items: claims, request_id: c.get("requestId") }, 200);
  });
}
