import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { reportNotReady } from "../../services/report/page.ts";
import { REPORT_LINK_TTL, issueReportLink, signingSecret } from "../../services/report/links.ts";
import { assertHosted, findRun } from "../../services/review-runs/store.ts";
import { defineRoute, linksTo } from "../define.ts";
import { ReviewRunIdParamSchema } from "../../schemas/review-run.ts";
import { CreateReportLinkBodySchema, ReportLinkSchema } from "./schema.ts";

export const createReportLinkRoute = defineRoute({
  method: "post",
  path: "/v1/review-runs/{reviewRunId}/report-links",
  operationId: "createReportLink",
  tags: ["Review runs"],
  summary: "Create a reviewer link to the report page",
  description:
    "A signed, expiring URL that opens the run's HTML reviewer page (the same page as `GET …/claim-report?format=html`) without an API key, for reviewers who have none. The token is not stored; the link's `id` is, so the project can revoke it before it expires (`POST …/report-links/{linkId}/revoke`). Answers 404 until the run completes.",
  auth: { apiKey: "review_runs:read" },
  errors: ["not_found", "artifact_not_hosted", "service_unavailable"],
  maxBodyBytes: 4 * 1024,
  request: {
    params: ReviewRunIdParamSchema,
    body: { required: false, content: { "application/json": { schema: CreateReportLinkBodySchema } } },
  },
  responses: {
    200: {
      description: "The link.",
      content: { "application/json": { schema: ReportLinkSchema } },
      links: linksTo({ revokeReportLink: { reviewRunId: "$response.body#/review_run_id", linkId: "$response.body#/id" } }),
    },
  },
});

export function registerCreateReportLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(createReportLinkRoute, async (c) => {
    const secret = signingSecret(c.env.KIVO_SIGNING_SECRET);
    const { projectId } = authOf(c);
    const row = await findRun(tenantDbOf(c), projectId, c.req.valid("param").reviewRunId);
    assertHosted(row);
    if (row.status !== "completed") throw reportNotReady(row);
    const expiresInSeconds = c.req.valid("json").expires_in_seconds ?? REPORT_LINK_TTL.default;
    const { token, ...link } = await issueReportLink(tenantDbOf(c), secret, { id: row.id, projectId }, expiresInSeconds);
    return c.json(
      {
        ...link,
        url: `${new URL(c.req.url).origin}/v1/report-links/${token}`,
        request_id: c.get("requestId"),
      },
      200,
    );
  });
}
