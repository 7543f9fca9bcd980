import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client.ts";
import { tenantEnvOfProject } from "../../db/shards.ts";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { reportPageHeaders } from "../../services/report/html.ts";
import { reportPage } from "../../services/report/page.ts";
import { isOnRecord, signingSecret, verifyReportLink } from "../../services/report/links.ts";
import { findRun } from "../../services/review-runs/store.ts";
import { defineRoute } from "../define.ts";
import { ReportLinkTokenParamSchema } from "./schema.ts";

export const openReportLinkRoute = defineRoute({
  method: "get",
  path: "/v1/report-links/{token}",
  operationId: "openReportLink",
  tags: ["Review runs"],
  summary: "Open a reviewer link",
  description:
    "The HTML reviewer page of the run a report link names; the link's signature is the authorization, no API key. An expired, revoked, altered or unknown link, or one whose run no longer exists, answers 404.",
  auth: { public: true },
  errors: ["not_found", "service_unavailable"],
  request: { params: ReportLinkTokenParamSchema },
  responses: {
    200: {
      description: "The reviewer page.",
      content: { "text/html": { schema: z.string().openapi({ description: "A self-contained HTML document." }) } },
    },
  },
});

export function registerOpenReportLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(openReportLinkRoute, async (c) => {
    const secret = signingSecret(c.env.KIVO_SIGNING_SECRET);
    // The signed token names the project, which names the shard that holds the link and the run.
    const link = await verifyReportLink(secret, c.req.valid("param").token, Date.now());
    const db = link ? database((await tenantEnvOfProject(c.env, link.projectId)).TENANT_DB) : null;
    if (!link || !db || !(await isOnRecord(db, link))) throw new ApiError("not_found", { message: "This report link is invalid, expired or revoked. Ask for a new one." });
    const row = await findRun(db, link.projectId, link.runId);
    const page = await reportPage(db, c.env.SOURCES, row, { expires_at: new Date(link.expiresAt).toISOString() });
    return c.body(page, 200, await reportPageHeaders());
  });
}
