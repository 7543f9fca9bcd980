import { z } from "@hono/zod-openapi";
import { nullableRef } from "./nullable.ts";
import {
  CaptureMethodSchema,
  IntendedUseSchema,
  RunStatusSchema,
  SafeUseStatusSchema,
  StrictnessSchema,
} from "./enums.ts";
import { ClaimReportSchema, ClaimSchema, GateVerdictSchema, SourceSpanSchema, VerificationResultSchema } from "./review-artifacts.ts";
import { EnterpriseWorkerDetailsSchema } from "./enterprise-worker-details.ts";
import { RequestIdSchema, TimestampSchema } from "./common.ts";

export const ReviewRunIdParamSchema = z.object({
  reviewRunId: z
    .string()
    .max(100)
    .openapi({ param: { name: "reviewRunId", in: "path" }, example: "run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f" }),
});

export const RunMetadataSchema = z
  .record(z.string(), z.unknown())
  .openapi("RunMetadata", { example: { workflow: "support_answer", environment: "quickstart" } });

/** The run without its heavy artifacts: the 202's `review_run` and each list item. */
export const ReviewRunSummarySchema = z
  .object({
    id: z.string().openapi({ example: "run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f" }),
    project_id: z.string().openapi({ example: "9fd60878-b3a3-45ff-9ccf-7504c47a2c21" }),
    status: RunStatusSchema,
    intended_use: IntendedUseSchema,
    strictness: StrictnessSchema,
    source_count: z.number().int(),
    claim_count: z.number().int(),
    unsupported_claim_count: z.number().int(),
    safe_use_status: nullableRef(SafeUseStatusSchema),
    gate_verdict: nullableRef(GateVerdictSchema),
    created_at: TimestampSchema,
    completed_at: nullableRef(TimestampSchema),
    capture_method: CaptureMethodSchema,
    question: z.string().nullable(),
    metadata: nullableRef(RunMetadataSchema),
    external_id: z.string().nullable(),
    import_id: z.string().nullable(),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
  })
  .openapi("ReviewRunSummary");

export const SourceDocumentSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    uri: z.string().nullable(),
    citation_label: z.string().nullable(),
    media_type: z.string(),
    content_sha256: z.string(),
  })
  .openapi("SourceDocument");

export const ReviewRunSchema = ReviewRunSummarySchema.extend({
  ai_output: z.string().nullable(),
  sources: z.array(SourceDocumentSchema),
  source_spans: z.array(SourceSpanSchema),
  verification_results: z.array(VerificationResultSchema),
  claim_report: nullableRef(ClaimReportSchema),
  private_worker: nullableRef(EnterpriseWorkerDetailsSchema).openapi({
    description: "For Enterprise Worker runs (`capture_method: private_worker`): the metadata the worker reported. Null for hosted runs.",
  }),
  request_id: RequestIdSchema,
}).openapi("ReviewRun");

export const ListReviewRunsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(512).optional(),
  status: RunStatusSchema.optional(),
  intended_use: IntendedUseSchema.optional(),
  safe_use_status: SafeUseStatusSchema.optional(),
  external_id: z.string().max(255).optional(),
  import_id: z.string().max(100).optional(),
  created_after: z.iso.datetime({ offset: true }).optional().openapi({ example: "2026-04-01T00:00:00.000Z" }),
  created_before: z.iso.datetime({ offset: true }).optional(),
});

export const ReviewRunListSchema = z
  .object({
    items: z.array(ReviewRunSummarySchema),
    next_cursor: z.string().nullable(),
    has_more: z.boolean(),
    request_id: RequestIdSchema,
  })
  .openapi("ReviewRunList");

export type ReviewRunSummary = z.infer<typeof ReviewRunSummarySchema>;
export type ListReviewRunsQuery = z.infer<typeof ListReviewRunsQuerySchema>;

/** The answer to a create that queued the run (202). */
export const QueuedReviewRunSchema = z
  .object({
    review_run: ReviewRunSummarySchema,
    queued: z.object({
      review_run_id: z.string(),
      status: z.literal("queued"),
      polling_url: z.string().url(),
      recommended_poll_interval_seconds: z.number().int(),
    }),
    polling_url: z.string().url(),
    request_id: RequestIdSchema,
  })
  .openapi("QueuedReviewRun");

export const ClaimListSchema = z.object({ items: z.array(ClaimSchema), request_id: RequestIdSchema }).openapi("ClaimList");

export const ClaimReportResponseSchema = ClaimReportSchema.extend({ request_id: RequestIdSchema }).openapi(
  "ClaimReportResponse",
);
