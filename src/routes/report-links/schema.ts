import { z } from "@hono/zod-openapi";
import { REPORT_LINK_TTL } from "../../services/report/links.ts";
import { RequestIdSchema, TimestampSchema } from "../../schemas/common.ts";
import { ReviewRunIdParamSchema } from "../../schemas/review-run.ts";

export const CreateReportLinkBodySchema = z
  .strictObject({
    expires_in_seconds: z
      .number()
      .int()
      .min(REPORT_LINK_TTL.min)
      .max(REPORT_LINK_TTL.max)
      .optional()
      .openapi({
        description: "How long the link works: 60 s to 7 days.",
        default: REPORT_LINK_TTL.default,
        example: 3600,
      }),
  })
  .openapi("CreateReportLinkBody");

const ReportLinkIdSchema = z.string().openapi({
  description: "The link's ID, to revoke it. Not a secret: it opens nothing.",
  example: "rlink_01hw87ffx88w7m4a4qn1v2z7g0",
});

export const ReportLinkSchema = z
  .object({
    id: ReportLinkIdSchema,
    review_run_id: z.string().openapi({ example: "run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f" }),
    url: z.url().openapi({
      description: "Opens the reviewer page without an API key until `expires_at`. Anyone holding it can read the report.",
      example: "https://api.trykivo.co/v1/report-links/eyJydW4iOiJydW5fN2Y0ZjIxZTIifQ.q3Vb9cX2sQ",
    }),
    expires_at: TimestampSchema,
    revoked_at: TimestampSchema.nullable().openapi({ description: "When the project revoked the link; null while it works." }),
    request_id: RequestIdSchema,
  })
  .openapi("ReportLink");

export const RevokedReportLinkSchema = ReportLinkSchema.omit({ url: true }).openapi("RevokedReportLink");

export const ReportLinkListSchema = z
  .object({
    items: z.array(ReportLinkSchema.omit({ url: true, request_id: true }).openapi("ReportLinkRecord")),
    request_id: RequestIdSchema,
  })
  .openapi("ReportLinkList");

export const ReportLinkParamsSchema = ReviewRunIdParamSchema.extend({
  linkId: z.string().max(100).openapi({ param: { name: "linkId", in: "path" }, example: "rlink_01hw87ffx88w7m4a4qn1v2z7g0" }),
});

export const ReportLinkTokenParamSchema = z.object({
  token: z.string().openapi({
    param: { name: "token", in: "path" },
    description: "The signed token from a report link's `url`.",
    example: "eyJydW4iOiJydW5fN2Y0ZjIxZTIifQ.q3Vb9cX2sQ",
  }),
});
