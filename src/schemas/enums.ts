import { z } from "@hono/zod-openapi";

// The enum values are the contract (they are in /openapi.json); the `as const` tuples are shared
// with the pure review engine, which must not depend on zod at run time.
export const INTENDED_USES = [
  "internal_draft",
  "customer_facing",
  "regulated_workflow",
  "action_taking",
  "eval_only",
] as const;
export const STRICTNESS_LEVELS = ["advisory", "standard", "strict"] as const;
export const RUN_STATUSES = ["queued", "processing", "completed", "failed", "cancelled"] as const;
export const CAPTURE_METHODS = ["api", "upload", "private_worker"] as const;
export const SUPPORT_STATUSES = [
  "supported",
  "partially_supported",
  "unsupported",
  "contradicted",
  "insufficient_context",
  "not_checked",
] as const;
export const CLAIM_TYPES = [
  "factual",
  "permission",
  "normative",
  "causal",
  "recommendation",
  "citation",
] as const;
export const SAFE_USE_STATUSES = [
  "verified_for_use",
  "verified_with_limits",
  "needs_review",
  "needs_repair",
  "blocked",
] as const;
export const GATE_VERDICTS = ["allow", "allow_with_limits", "needs_review", "needs_repair", "blocked"] as const;
export const GATE_MODES = ["advisory", "enforcing"] as const;
export const CITATION_ISSUES = [
  "unknown_source",
  "wrong_source",
  "unsupported_citation",
  "missing_citation",
] as const;
export const CITATION_CHECK_RESULTS = [...CITATION_ISSUES, "no_citation_required", "citation_ok"] as const;
export const GATE_REASON_CODES = [
  "contradicted",
  "unsupported",
  "partially_supported",
  "insufficient_context",
  "not_checked",
  "citation_issue",
  "no_checkable_claims",
  "unsupported_language",
] as const;

export type IntendedUse = (typeof INTENDED_USES)[number];
export type Strictness = (typeof STRICTNESS_LEVELS)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Every status of the README's import status table; each one is stored and reachable. */
export const IMPORT_STATUSES = ["uploaded", "mapping_required", "queued", "processing", "completed", "failed", "cancelled"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
/** A webhook delivery: `pending` → `succeeded` | `failed`. */
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
/** A run in one of these can still change: be processed, cancelled, failed by the sweeper or completed by worker events. */
export const OPEN_RUN_STATUSES = ["queued", "processing"] as const satisfies readonly RunStatus[];
export type CaptureMethod = (typeof CAPTURE_METHODS)[number];
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];
export type ClaimType = (typeof CLAIM_TYPES)[number];
export type SafeUseStatus = (typeof SAFE_USE_STATUSES)[number];
export type GateVerdictValue = (typeof GATE_VERDICTS)[number];
export type GateMode = (typeof GATE_MODES)[number];
export type CitationIssue = (typeof CITATION_ISSUES)[number];
export type CitationCheckResult = (typeof CITATION_CHECK_RESULTS)[number];
export type GateReasonCode = (typeof GATE_REASON_CODES)[number];

export const IntendedUseSchema = z.enum(INTENDED_USES).openapi("IntendedUse", {
  description: "What the caller intends to do with the output; drives the gate policy.",
});
export const StrictnessSchema = z.enum(STRICTNESS_LEVELS).openapi("Strictness");
export const RunStatusSchema = z.enum(RUN_STATUSES).openapi("RunStatus");
export const CaptureMethodSchema = z.enum(CAPTURE_METHODS).openapi("CaptureMethod");
export const SupportStatusSchema = z.enum(SUPPORT_STATUSES).openapi("SupportStatus");
export const ClaimTypeSchema = z.enum(CLAIM_TYPES).openapi("ClaimType");
export const SafeUseStatusSchema = z.enum(SAFE_USE_STATUSES).openapi("SafeUseStatus");
export const GateVerdictValueSchema = z.enum(GATE_VERDICTS).openapi("GateVerdictValue");
export const GateModeSchema = z.enum(GATE_MODES).openapi("GateMode");
export const CitationIssueSchema = z.enum(CITATION_ISSUES).openapi("CitationIssue");
export const GateReasonCodeSchema = z.enum(GATE_REASON_CODES).openapi("GateReasonCode");
