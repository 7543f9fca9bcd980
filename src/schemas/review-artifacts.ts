import { z } from "@hono/zod-openapi";
import { nullableRef } from "./nullable.ts";
import {
  CITATION_CHECK_RESULTS,
  CitationIssueSchema,
  ClaimTypeSchema,
  GateModeSchema,
  GateReasonCodeSchema,
  GateVerdictValueSchema,
  SafeUseStatusSchema,
  StrictnessSchema,
  SupportStatusSchema,
  IntendedUseSchema,
} from "./enums.ts";

// The artifacts a review produces, in the exact shapes of RUN_EXAMPLE
// (routes/review-runs/examples.ts). The review engine imports only the inferred types, so it
// stays free of run-time dependencies.

const Timestamp = z.string().openapi({ example: "2026-04-27T16:20:24.000Z", format: "date-time" });

export const SourceSpanSchema = z
  .object({
    id: z.string().openapi({ example: "run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f_span_1" }),
    source_document_id: z.string(),
    quote: z.string().openapi({ description: "Exact source text: content.slice(start_offset, end_offset)." }),
    start_offset: z.number().int().nonnegative(),
    end_offset: z.number().int().nonnegative(),
    metadata: z
      .object({
        source_title: z.string(),
        citation_label: z.string().nullable(),
      })
      .catchall(z.unknown()),
    created_at: Timestamp,
  })
  .openapi("SourceSpan");

export const VerificationResultSchema = z
  .object({
    id: z.string(),
    atomic_claim_id: z.string(),
    support_status: SupportStatusSchema,
    primary_source_span: nullableRef(SourceSpanSchema),
    verifier_name: z.string(),
    verifier_version: z.string(),
    verifier_provider: z.string(),
    verifier_model: z.string(),
    confidence: z.number().min(0).max(1),
    rationale: z.string(),
    metadata: z
      .object({
        citation_issue: z.enum(CITATION_CHECK_RESULTS),
        candidate_count: z.number().int().nonnegative(),
      })
      .catchall(z.unknown()),
    created_at: Timestamp,
  })
  .openapi("VerificationResult");

export const CitationMarkerSchema = z
  .object({
    marker: z.string().openapi({ description: "The marker as written, e.g. `[1]` or `according to the admin guide`." }),
    output_start_offset: z.number().int().nonnegative(),
    output_end_offset: z.number().int().nonnegative(),
    resolved_source_id: z.string().nullable(),
  })
  .openapi("CitationMarker");

export const ClaimSchema = z
  .object({
    id: z.string(),
    claim_type: ClaimTypeSchema,
    text: z.string(),
    normalized_text: z.string(),
    output_start_offset: z.number().int().nonnegative(),
    output_end_offset: z.number().int().nonnegative(),
    importance: z.number().int().min(1).max(5),
    support_status: SupportStatusSchema,
    primary_source_span: nullableRef(SourceSpanSchema),
    verification_result: nullableRef(VerificationResultSchema),
    extraction_provider: z.string(),
    extraction_model: z.string(),
    extraction_prompt_version: z.string(),
    extraction_confidence: z.number().min(0).max(1),
    metadata: z.object({ citations: z.array(CitationMarkerSchema) }).catchall(z.unknown()),
    created_at: Timestamp,
  })
  .openapi("Claim");

export const GateReasonSchema = z
  .object({
    code: GateReasonCodeSchema,
    message: z.string(),
    claim_id: z.string().nullable(),
  })
  .openapi("GateReason");

export const GateVerdictSchema = z
  .object({
    id: z.string(),
    review_run_id: z.string(),
    verdict: GateVerdictValueSchema,
    safe_use_status: SafeUseStatusSchema,
    reasons: z.array(GateReasonSchema),
    strictness: StrictnessSchema,
    mode: GateModeSchema,
    metadata: z
      .object({ intended_use: IntendedUseSchema, policy_version: z.string() })
      .catchall(z.unknown()),
    created_at: Timestamp,
  })
  .openapi("GateVerdict");

export const UnsupportedClaimItemSchema = z
  .object({
    claim_id: z.string(),
    claim_text: z.string(),
    support_status: SupportStatusSchema,
    output_start_offset: z.number().int().nonnegative(),
    output_end_offset: z.number().int().nonnegative(),
    source_span_id: z.string().nullable(),
    source_quote: z.string().nullable(),
    reviewer_follow_up: z.string(),
    suggested_repair: z.string().nullable().openapi({
      description: "For a contradicted value: the claim with the conflicting value replaced by the source's. Null otherwise.",
    }),
  })
  .openapi("UnsupportedClaimItem");

export const CitationIssueItemSchema = z
  .object({
    claim_id: z.string(),
    issue: CitationIssueSchema,
    citation: z.string().nullable(),
    message: z.string(),
  })
  .openapi("CitationIssueItem");

export const EvidenceNoteSchema = z
  .object({
    claim_id: z.string(),
    claim_text: z.string(),
    support_status: SupportStatusSchema,
    source_span_id: z.string().nullable(),
    source_quote: z.string().nullable(),
    note: z.string().openapi({ description: "What the source covers and what it does not." }),
  })
  .openapi("EvidenceNote");

export const FollowUpSchema = z
  .object({ claim_id: z.string().nullable(), question: z.string() })
  .openapi("FollowUp");

export const ClaimReportSchema = z
  .object({
    id: z.string(),
    review_run_id: z.string(),
    safe_use_status: SafeUseStatusSchema,
    title: z.string(),
    summary: z.string(),
    unsupported_claims: z.array(UnsupportedClaimItemSchema),
    citation_issues: z.array(CitationIssueItemSchema),
    evidence_notes: z.array(EvidenceNoteSchema),
    follow_ups: z.array(FollowUpSchema),
    markdown: z.string(),
    compiler_version: z.string(),
    policy_version: z.string(),
    metadata: z
      .object({
        source_coverage: z.object({
          claims_with_primary_source: z.number().int().nonnegative(),
          total_claims: z.number().int().nonnegative(),
        }),
        leakage_check: z.object({ passed: z.boolean(), errors: z.array(z.string()) }),
      })
      .catchall(z.unknown()),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("ClaimReport");

export type SourceSpan = z.infer<typeof SourceSpanSchema>;
export type VerificationResult = z.infer<typeof VerificationResultSchema>;
export type CitationMarker = z.infer<typeof CitationMarkerSchema>;
export type Claim = z.infer<typeof ClaimSchema>;
export type GateReason = z.infer<typeof GateReasonSchema>;
export type GateVerdict = z.infer<typeof GateVerdictSchema>;
export type UnsupportedClaimItem = z.infer<typeof UnsupportedClaimItemSchema>;
export type CitationIssueItem = z.infer<typeof CitationIssueItemSchema>;
export type EvidenceNote = z.infer<typeof EvidenceNoteSchema>;
export type FollowUp = z.infer<typeof FollowUpSchema>;
export type ClaimReport = z.infer<typeof ClaimReportSchema>;
