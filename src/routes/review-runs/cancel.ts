import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { CANCEL_SCOPES, cancelReviewRun } from "../../services/review-runs/cancel.ts";
import { toSummary } from "../../services/review-runs/store.ts";
import { defineRoute } from "../define.ts";
import { RequestIdSchema } from "../../schemas/common.ts";
import { ReviewRunIdParamSchema, ReviewRunSummarySchema } from "../../schemas/review-run.ts";

export const cancelReviewRunRoute = defineRoute({
  method: "post",
  path: "/v1/review-runs/{reviewRunId}/cancel",
  operationId: "cancelReviewRun",
  tags: ["Review runs"],
  summary: "Cancel a queued review run",
  description:
    "A queued run becomes `cancelled` and is never processed. A run in any other status answers 409 `run_not_cancellable`. The run still counts against the monthly allowance. The key needs the scope that created the run: `review_runs:create` for a run from `POST /v1/review-runs`, `imports:create` for an imported run, `private_worker_runs:create` for an Enterprise Worker run (403 `insufficient_scope` naming it otherwise).",
  auth: { apiKey: CANCEL_SCOPES },
  errors: ["not_found", "run_not_cancellable"],
  request: { params: ReviewRunIdParamSchema },
  responses: {
    200: {
      description: "The cancelled run.",
      content: { "application/json": { schema: ReviewRunSummarySchema.extend({ request_id: RequestIdSchema }) } },
    },
  },
});

export function registerCancelReviewRun(app: OpenAPIHono<AppEnv>) {
  app.openapi(cancelReviewRunRoute, async (c) => {
    const cancelled = await cancelReviewRun(tenantOf(c), authOf(c), c.req.valid("param").reviewRunId);
    return c.json({ ...toSummary(cancelled), request_id: c.get("requestId") }, 200);
  });
}
