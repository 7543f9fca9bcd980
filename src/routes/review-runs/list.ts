import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { listReviewRuns } from "../../services/review-runs/store.ts";
import { defineRoute } from "../define.ts";
import { ListReviewRunsQuerySchema, ReviewRunListSchema } from "../../schemas/review-run.ts";

export const listReviewRunsRoute = defineRoute({
  method: "get",
  path: "/v1/review-runs",
  operationId: "listReviewRuns",
  tags: ["Review runs"],
  summary: "List review runs",
  description:
    "Review runs of the key's project, newest first. Pages are keyset-based: follow `next_cursor` until `has_more` is false; runs created meanwhile never shift a page.",
  auth: { apiKey: "review_runs:read" },
  errors: ["invalid_cursor"],
  request: { query: ListReviewRunsQuerySchema },
  responses: {
    200: { description: "A page of review runs.", content: { "application/json": { schema: ReviewRunListSchema } } },
  },
});

export function registerListReviewRuns(app: OpenAPIHono<AppEnv>) {
  app.openapi(listReviewRunsRoute, async (c) => {
    const auth = authOf(c);
    const page = await listReviewRuns(tenantDbOf(c), auth.projectId, c.req.valid("query"), c.env.KIVO_SIGNING_SECRET);
    return c.json({ ...page, request_id: c.get("requestId") }, 200);
  });
}
