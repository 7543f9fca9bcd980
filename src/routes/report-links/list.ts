import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { listReportLinks } from "../../services/report/links.ts";
import { findRun } from "../../services/review-runs/store.ts";
import { ReviewRunIdParamSchema } from "../../schemas/review-run.ts";
import { defineRoute } from "../define.ts";
import { ReportLinkListSchema } from "./schema.ts";

export const listReportLinksRoute = defineRoute({
  method: "get",
  path: "/v1/review-runs/{reviewRunId}/report-links",
  operationId: "listReportLinks",
  tags: ["Review runs"],
  summary: "List a run's reviewer links",
  description:
    "The run's report links, newest first (at most 100), with their expiry and revocation time, so a link can be found and revoked. Tokens are never stored, so no `url` is listed.",
  auth: { apiKey: "review_runs:read" },
  errors: ["not_found"],
  request: { params: ReviewRunIdParamSchema },
  responses: {
    200: { description: "The run's links.", content: { "application/json": { schema: ReportLinkListSchema } } },
  },
});

export function registerListReportLinks(app: OpenAPIHono<AppEnv>) {
  app.openapi(listReportLinksRoute, async (c) => {
    const { projectId } = authOf(c);
    const db = tenantDbOf(c);
    const run = await findRun(db, projectId, c.req.valid("param").reviewRunId);
    return c.json({ items: await listReportLinks(db, projectId, run.id), request_id: c.get("requestId") }, 200);
  });
}
