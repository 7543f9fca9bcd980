import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { reportPageHeaders } from "../../services/report/html.ts";
import { reportNotReady, reportPage } from "../../services/report/page.ts";
import { findRun } from "../../services/review-runs/store.ts";
import { hostedArtifacts } from "../../services/review-runs/views.ts";
import { defineRoute } from "../define.ts";
import { CLAIM_REPORT_EXAMPLE, CLAIM_REPORT_MARKDOWN_EXAMPLE } from "./examples.ts";
import { ClaimReportResponseSchema, ReviewRunIdParamSchema } from "../../schemas/review-run.ts";


const QuerySchema = z.object({
  format: z
    .enum(["json", "markdown", "html"])
    .optional()
    .openapi({
      description:
        "Overrides the `Accept` header: `markdown` answers `text/markdown`, `html` the reviewer page (`text/html`).",
    }),
});

type ReportFormat = "json" | "markdown" | "html";

/** `?format=` wins; otherwise the first of the Accept header's types we can serve. */
export function negotiateFormat(format: ReportFormat | undefined, accept: string | undefined): ReportFormat {
  if (format) return format;
  const wanted = (accept ?? "")
    .split(",")
    .map((part) => part.split(";")[0]!.trim().toLowerCase());
  for (const type of wanted) {
    if (type === "text/markdown") return "markdown";
    if (type === "text/html") return "html";
    if (type === "application/json") return "json";
  }
  return "json";
}

export const getClaimReportRoute = defineRoute({
  method: "get",
  path: "/v1/review-runs/{reviewRunId}/claim-report",
  operationId: "getClaimReport",
  tags: ["Review runs"],
  summary: "Fetch the claim report",
  description:
    "The reviewer-facing report as JSON, as markdown with `?format=markdown` or `Accept: text/markdown`, or as a self-contained reviewer page with `?format=html` or `Accept: text/html`: the output with every claim highlighted by support status, each claim's evidence quote, source and rationale, citation issues and follow-up questions. All submitted text on the page is escaped; it is served with a `Content-Security-Policy` that allows no scripts, no requests and only its own stylesheet. To share the page with someone without an API key, create a report link. Answers 404 until the run completes.",
  auth: { apiKey: "review_runs:read" },
  errors: ["not_found", "artifact_not_hosted"],
  request: { params: ReviewRunIdParamSchema, query: QuerySchema },
  responses: {
    200: {
      description: "The claim report.",
      content: {
        "application/json": { schema: ClaimReportResponseSchema, example: CLAIM_REPORT_EXAMPLE },
        "text/markdown": { schema: z.string(), example: CLAIM_REPORT_MARKDOWN_EXAMPLE },
        "text/html": { schema: z.string().openapi({ description: "A self-contained HTML document." }) },
      },
    },
  },
});

export function registerGetClaimReport(app: OpenAPIHono<AppEnv>) {
  app.openapi(getClaimReportRoute, async (c) => {
    const db = tenantDbOf(c);
    const row = await findRun(db, authOf(c).projectId, c.req.valid("param").reviewRunId);
    const format = negotiateFormat(c.req.valid("query").format, c.req.header("Accept"));
    c.header("Vary", "Accept");
    if (format === "html") return c.body(await reportPage(db, c.env.SOURCES, row), 200, await reportPageHeaders());
    const { claim_report: report } = await hostedArtifacts(db, c.env.SOURCES, row);
    if (!report) throw reportNotReady(row);
    if (format === "markdown") {
      return c.body(report.markdown, 200, { "Content-Type": "text/markdown; charset=utf-8" });
    }
    return c.json({ ...report, request_id: c.get("requestId") }, 200);
  });
}
