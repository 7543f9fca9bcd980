import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { reviewRuns } from "../../db/schema.ts";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow } from "../../ids.ts";
import { authOf } from "../../middleware/auth.ts";
import { findRun, toSummary } from "../../services/review-runs/store.ts";
import { announceRun } from "../../services/webhooks/events.ts";
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
    "A queued run becomes `cancelled` and is never processed. A run in any other status answers 409 `run_not_cancellable`. The run still counts against the monthly allowance.",
  auth: { apiKey: "review_runs:create" },
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
    const db = database(c.env.DB);
    const { projectId } = authOf(c);
    const { reviewRunId } = c.req.valid("param");
    const now = isoNow();
    // The status condition makes the cancel atomic against a consumer picking the run up.
    const [cancelled] = await db
      .update(reviewRuns)
      .set({ status: "cancelled", updatedAt: now, completedAt: now })
      .where(and(eq(reviewRuns.id, reviewRunId), eq(reviewRuns.projectId, projectId), eq(reviewRuns.status, "queued")))
      .returning();
    if (cancelled) {
      await announceRun(c.env, cancelled.id);
      return c.json({ ...toSummary(cancelled), request_id: c.get("requestId") }, 200);
    }
    const existing = await findRun(db, projectId, reviewRunId);
    throw new ApiError("run_not_cancellable", {
      message: `Only a queued review run can be cancelled; ${existing.id} is ${existing.status}.`,
    });
  });
}
