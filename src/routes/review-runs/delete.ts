import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { deleteReviewRun } from "../../services/review-runs/delete.ts";
import { defineRoute } from "../define.ts";
import { RequestIdSchema } from "../../schemas/common.ts";
import { ReviewRunIdParamSchema } from "../../schemas/review-run.ts";

export const deleteReviewRunRoute = defineRoute({
  method: "delete",
  path: "/v1/review-runs/{reviewRunId}",
  operationId: "deleteReviewRun",
  tags: ["Review runs"],
  summary: "Delete a review run",
  description:
    "Deletes the run for good, in any status: its output, metadata and verdict, its claims, spans, verification results and claim report, its source contents, and its report links (they stop opening at once). Reading it afterwards answers 404. The run still counts against the allowance of the period it was created in. Besides `review_runs:create`, the key needs the scope that created the run: `imports:create` for an imported run, `private_worker_runs:create` for an Enterprise Worker run (403 `insufficient_scope` otherwise).",
  auth: { apiKey: "review_runs:create" },
  errors: ["not_found"],
  request: { params: ReviewRunIdParamSchema },
  responses: {
    200: {
      description: "The run is gone.",
      content: { "application/json": { schema: z.object({ id: z.string(), deleted: z.literal(true), request_id: RequestIdSchema }) } },
    },
  },
});

export function registerDeleteReviewRun(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteReviewRunRoute, async (c) => {
    const { reviewRunId } = c.req.valid("param");
    await deleteReviewRun(tenantOf(c), authOf(c), reviewRunId);
    return c.json({ id: reviewRunId, deleted: true as const, request_id: c.get("requestId") }, 200);
  });
}
