import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { findRun } from "../../services/review-runs/store.ts";
import { runResponse } from "../../services/review-runs/views.ts";
import { defineRoute } from "../define.ts";
import { RUN_EXAMPLE } from "./examples.ts";
import { ReviewRunIdParamSchema, ReviewRunSchema } from "../../schemas/review-run.ts";

export const getReviewRunRoute = defineRoute({
  method: "get",
  path: "/v1/review-runs/{reviewRunId}",
  operationId: "getReviewRun",
  tags: ["Review runs"],
  summary: "Read a review run",
  description:
    "Status, counts, gate verdict and, once completed, the source spans, verification results and claim report. Source contents are never returned, only their `content_sha256`.",
  auth: { apiKey: "review_runs:read" },
  errors: ["not_found"],
  request: { params: ReviewRunIdParamSchema },
  responses: {
    200: { description: "The review run.", content: { "application/json": { schema: ReviewRunSchema, example: RUN_EXAMPLE } } },
  },
});

export function registerGetReviewRun(app: OpenAPIHono<AppEnv>) {
  app.openapi(getReviewRunRoute, async (c) => {
    const db = tenantDbOf(c);
    const row = await findRun(db, authOf(c).projectId, c.req.valid("param").reviewRunId);
    return c.json(await runResponse(db, c.env.SOURCES, row, c.get("requestId")), 200);
  });
}
