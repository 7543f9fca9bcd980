import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { revokeReportLink } from "../../services/report/links.ts";
import { defineRoute } from "../define.ts";
import { ReportLinkParamsSchema, RevokedReportLinkSchema } from "./schema.ts";

export const revokeReportLinkRoute = defineRoute({
  method: "post",
  path: "/v1/review-runs/{reviewRunId}/report-links/{linkId}/revoke",
  operationId: "revokeReportLink",
  tags: ["Review runs"],
  summary: "Revoke a reviewer link",
  description:
    "The link stops opening the page from the next request on (404, like an expired link); the run and its other links are unaffected. Revoking twice is harmless and keeps the first time. A link of another run or project answers 404.",
  auth: { apiKey: "review_runs:read" },
  errors: ["not_found"],
  request: { params: ReportLinkParamsSchema },
  responses: {
    200: { description: "The revoked link (never its token).", content: { "application/json": { schema: RevokedReportLinkSchema } } },
  },
});

export function registerRevokeReportLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(revokeReportLinkRoute, async (c) => {
    const { reviewRunId, linkId } = c.req.valid("param");
    const link = await revokeReportLink(tenantDbOf(c), authOf(c).projectId, reviewRunId, linkId);
    return c.json({ ...link, request_id: c.get("requestId") }, 200);
  });
}
