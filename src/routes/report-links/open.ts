import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { reportPageHeaders } from "../../services/report/html.ts";
import { reportLinkPage } from "../../services/report/page.ts";
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
    const page = await reportLinkPage(c.env, c.req.valid("param").token, Date.now());
    return c.body(page, 200, await reportPageHeaders());
  });
}
