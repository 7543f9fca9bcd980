import type { GateMode, GateReasonCode, IntendedUse, SafeUseStatus, Strictness, SupportStatus } from "../schemas/enums.ts";
import type {
  CitationIssueItem,
  CitationMarker,
  Claim,
  ClaimReport,
  GateVerdict,
  SourceSpan,
  VerificationResult,
} from "../schemas/review-artifacts.ts";
import { citationIssueOf, findCitationMarkers, judgeCitations, type CitationEvidence } from "./citations.ts";
import { CONFIDENCE_BY_CHECK } from "./confidence.ts";
import { extractClaims, type ExtractedClaim } from "./extract-claims.ts";
import { GATE_POLICY_VERSION, decideGate, type Finding, type FindingInstance } from "./gate-policy.ts";
import { gateVerdictOf } from "./gate-verdict.ts";
import { REPORT_COMPILER_VERSION, compileClaimReport, type RepairDraft } from "./report.ts";
import { SourceIndex } from "./retrieve.ts";
import { createTokenizer } from "./text.ts";
import { VERIFIER_MODEL as VERIFIER_WEIGHTS } from "./decision.ts";
import { verifyClaim, type Verification } from "./verify.ts";

// The review engine's entry point: one AI output and its sources in, every
// review artifact out. Pure and deterministic — IDs and the clock come from the
// caller — so the queue consumer, the inline path and the worker CLI agree
// byte for byte.

export interface ReviewSourceInput {
  id: string;
  title: string;
  content: string;
  uri: string | null;
  citation_label: string | null;
  media_type: string;
}

export interface ReviewInput {
  review_run_id: string;
  ai_output: string;
  question: string | null;
  sources: ReviewSourceInput[];
  intended_use: IntendedUse;
  strictness: Strictness;
  gate_mode: GateMode;
  now: string;
}

export interface ReviewResult {
  claims: Claim[];
  source_spans: SourceSpan[];
  verification_results: VerificationResult[];
  gate_verdict: GateVerdict;
  claim_report: ClaimReport;
  safe_use_status: SafeUseStatus;
  claim_count: number;
  unsupported_claim_count: number;
}

export const ENGINE_VERSIONS = {
  extraction: "claim-extraction.2026-11-30.v1",
  verifier: "source-verification.2026-11-30.v1",
  report: REPORT_COMPILER_VERSION,
  policy: GATE_POLICY_VERSION,
} as const;

const EXTRACTION_MODEL = "kivo-claim-rules-2026-11-22";
const VERIFIER_NAME = "kivo-deterministic-source-verifier";
// Names the fitted weights, so a stored result says which model judged it.
const VERIFIER_MODEL = `kivo-checks-and-${VERIFIER_WEIGHTS.version}`;

const REASON_MESSAGES: Readonly<Record<GateReasonCode, string>> = {
  contradicted: "A claim conflicts with the supplied sources.",
  unsupported: "One or more claims are not supported by the supplied sources.",
  partially_supported: "A claim is only partly supported by the supplied sources.",
  insufficient_context: "The supplied sources discuss a claim but neither confirm nor deny it.",
  not_checked: "A claim could not be checked against the supplied sources.",
  citation_issue: "A claim's citation does not hold up against the supplied sources.",
  no_checkable_claims: "The output contains no checkable claims, so nothing was verified.",
  unsupported_language: "A claim is in a language the deterministic verifier cannot judge, so it was not checked.",
};

const FINDING_FOR_STATUS: Readonly<Record<SupportStatus, Finding>> = {
  supported: "all_supported",
  partially_supported: "partially_supported",
  insufficient_context: "insufficient_context",
  not_checked: "not_checked",
  unsupported: "unsupported",
  contradicted: "contradicted",
};

const SUPPORTING: ReadonlySet<SupportStatus> = new Set(["supported", "partially_supported"]);

class SpanRegistry {
  readonly spans: SourceSpan[] = [];
  private readonly byKey = new Map<string, SourceSpan>();
  private readonly runId: string;
  private readonly now: string;
  private readonly sources: ReadonlyArray<ReviewSourceInput>;

  constructor(runId: string, now: string, sources: ReadonlyArray<ReviewSourceInput>) {
    this.runId = runId;
    this.now = now;
    this.sources = sources;
  }

  spanFor(sourceIndex: number, start: number, end: number): SourceSpan | null {
    const source = this.sources[sourceIndex];
    if (!source) return null;
    const key = `${sourceIndex}:${start}:${end}`;
    let span = this.byKey.get(key);
    if (!span) {
      span = {
        id: `${this.runId}_span_${this.spans.length + 1}`,
        source_document_id: source.id,
        quote: source.content.slice(start, end),
        start_offset: start,
        end_offset: end,
        metadata: { source_title: source.title, citation_label: source.citation_label },
        created_at: this.now,
      };
      this.byKey.set(key, span);
      this.spans.push(span);
    }
    return span;
  }
}

function citationEvidence(
  input: ReviewInput,
  claim: ExtractedClaim,
  verification: Verification,
  index: SourceIndex,
  tokenize: ReturnType<typeof createTokenizer>,
): CitationEvidence | null {
  if (claim.citations.length === 0 || claim.citations.some((c) => c.resolvedSourceId === null)) return null;
  const cited = new Set<number>();
  for (const citation of claim.citations) {
    const position = input.sources.findIndex((s) => s.id === citation.resolvedSourceId);
    if (position >= 0) cited.add(position);
  }
  const anySourceSupports = SUPPORTING.has(verification.status);
  let citedSourcesSupport = anySourceSupports && verification.evidence !== null && cited.has(verification.evidence.sourceIndex);
  if (!citedSourcesSupport) {
    citedSourcesSupport = SUPPORTING.has(verifyClaim(input.ai_output, claim, index, tokenize, { sourceFilter: cited }).status);
  }
  const supportingIndex = verification.evidence?.sourceIndex;
  const supportingSourceTitle = anySourceSupports && supportingIndex !== undefined ? (input.sources[supportingIndex]?.title ?? null) : null;
  return { citedSourcesSupport, anySourceSupports, supportingSourceTitle };
}

// The words a check found wrong or unsupported, in output offsets: merged,
// ordered, inside the claim, and only for claims that are not supported.
function errorSpansOf(verification: Verification, claim: ExtractedClaim, output: string): Array<{ start: number; end: number; text: string }> {
  if (verification.status === "supported") return [];
  const ranges = verification.errorSpans
    .filter((r) => r.start >= claim.start && r.end <= claim.end && r.end > r.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Array<{ start: number; end: number }> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ start: r.start, end: r.end });
  }
  return merged.map((r) => ({ ...r, text: output.slice(r.start, r.end) }));
}

function confidenceOf(verification: Verification): number {
  // The learned decision's calibrated score, as the probability that the
  // status's side (flagged or not) is right.
  if (verification.score !== null) {
    const flagged = verification.status === "unsupported" || verification.status === "contradicted";
    return flagged ? verification.score : 1 - verification.score;
  }
  const measured = CONFIDENCE_BY_CHECK[verification.check];
  if (verification.status === "supported") return measured.positive;
  if (verification.status === "unsupported" || verification.status === "contradicted") return measured.negative;
  return 0.5;
}

function roundConfidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

function prepare(input: Pick<ReviewInput, "ai_output" | "question" | "sources">) {
  const tokenize = createTokenizer();
  const citable = input.sources.map((s) => ({ id: s.id, title: s.title, citation_label: s.citation_label }));
  const markers = findCitationMarkers(input.ai_output, citable);
  const extracted = extractClaims(input.ai_output, input.question, markers);
  const index = new SourceIndex(input.sources, tokenize);
  return { tokenize, citable, markers, extracted, index };
}

// Each claim with its verification, features included: what `npm run train`
// fits the learned decision on and `npm run eval` measures.
export function verifyClaims(input: Pick<ReviewInput, "ai_output" | "question" | "sources">): Array<{ claim: ExtractedClaim; verification: Verification }> {
  const { tokenize, extracted, index } = prepare(input);
  return extracted.map((claim) => ({ claim, verification: verifyClaim(input.ai_output, claim, index, tokenize) }));
}

export function runReview(input: ReviewInput): ReviewResult {
  const runId = input.review_run_id;
  const { tokenize, citable, markers, extracted, index } = prepare(input);
  const spans = new SpanRegistry(runId, input.now, input.sources);
  const outputHasCitations = markers.length > 0;

  const claims: Claim[] = [];
  const verifications: VerificationResult[] = [];
  const citationIssues: CitationIssueItem[] = [];
  const repairs: RepairDraft[] = [];

  extracted.forEach((draft, i) => {
    const n = i + 1;
    const claimId = `${runId}_claim_${n}`;
    const verification = verifyClaim(input.ai_output, draft, index, tokenize);
    // An unsupported claim has no evidence, only a nearest passage; quoting it
    // as the primary span would read as support.
    const evidence = verification.status === "unsupported" ? null : verification.evidence;
    const span = evidence === null ? null : spans.spanFor(evidence.sourceIndex, evidence.start, evidence.end);
    const citation = judgeCitations(
      draft.citations,
      draft.language === "unsupported" ? null : citationEvidence(input, draft, verification, index, tokenize),
      { strict: input.strictness === "strict", outputHasCitations, sources: citable },
    );
    const issue = citationIssueOf(claimId, citation);
    if (issue !== null) citationIssues.push(issue);

    const result: VerificationResult = {
      id: `${runId}_verification_${n}`,
      atomic_claim_id: claimId,
      support_status: verification.status,
      primary_source_span: span,
      verifier_name: VERIFIER_NAME,
      verifier_version: ENGINE_VERSIONS.verifier,
      verifier_provider: "deterministic",
      verifier_model: VERIFIER_MODEL,
      confidence: roundConfidence(confidenceOf(verification)),
      rationale: verification.rationale,
      metadata: {
        citation_issue: citation.result,
        candidate_count: verification.candidateCount,
        check: verification.check,
        evidence_coverage: roundConfidence(verification.coverage),
        missing_terms: verification.missingTerms,
        error_spans: errorSpansOf(verification, draft, input.ai_output),
      },
      created_at: input.now,
    };
    const citations: CitationMarker[] = draft.citations.map((c) => ({
      marker: c.marker,
      output_start_offset: c.start,
      output_end_offset: c.end,
      resolved_source_id: c.resolvedSourceId,
    }));
    claims.push({
      id: claimId,
      claim_type: draft.claimType,
      text: draft.text,
      normalized_text: draft.normalizedText,
      output_start_offset: draft.start,
      output_end_offset: draft.end,
      importance: draft.importance,
      support_status: verification.status,
      primary_source_span: span,
      verification_result: result,
      extraction_provider: "deterministic",
      extraction_model: EXTRACTION_MODEL,
      extraction_prompt_version: ENGINE_VERSIONS.extraction,
      extraction_confidence: draft.extractionConfidence,
      metadata: { citations },
      created_at: input.now,
    });
    verifications.push(result);

    const repair = verification.repair;
    if (verification.status === "contradicted" && repair !== null) {
      const content = input.sources[repair.sourceIndex]?.content ?? "";
      const before = input.ai_output.slice(draft.start, repair.outputStart);
      const value = content.slice(repair.sourceStart, repair.sourceEnd);
      const after = input.ai_output.slice(repair.outputEnd, draft.end);
      repairs.push({
        claimId,
        text: before + value + after,
        parts: [
          { text: before, from: "output", at: draft.start },
          { text: value, from: "source", at: repair.sourceStart, sourceIndex: repair.sourceIndex },
          { text: after, from: "output", at: repair.outputEnd },
        ],
      });
    }
  });

  return { claims, source_spans: spans.spans, verification_results: verifications, ...compileVerdict(input, claims, citationIssues, repairs) };
}

/**
 * The gate verdict and claim report for finished claims. runReview ends with
 * it, and the semantic judge's merge calls it again after changing statuses,
 * so both stages gate and report by the same rules.
 */
export function compileVerdict(
  input: ReviewInput,
  claims: ReadonlyArray<Claim>,
  citationIssues: ReadonlyArray<CitationIssueItem>,
  repairs: ReadonlyArray<RepairDraft>,
): Pick<ReviewResult, "gate_verdict" | "claim_report" | "safe_use_status" | "claim_count" | "unsupported_claim_count"> {
  const runId = input.review_run_id;
  const findings: FindingInstance[] = [];
  for (const claim of claims) {
    // Citation findings are recorded next to their claim; keep claim order stable.
    for (const issue of citationIssues) {
      if (issue.claim_id === claim.id) {
        findings.push({ finding: "citation_issue", reasonCode: "citation_issue", message: issue.message, claimId: claim.id });
      }
    }
    if (claim.support_status !== "supported") {
      const reasonCode: GateReasonCode =
        claim.verification_result?.metadata.check === "language" ? "unsupported_language" : (claim.support_status as GateReasonCode);
      findings.push({ finding: FINDING_FOR_STATUS[claim.support_status], reasonCode, message: REASON_MESSAGES[reasonCode], claimId: claim.id });
    }
  }
  if (claims.length === 0) {
    findings.push({ finding: "no_checkable_claims", reasonCode: "no_checkable_claims", message: REASON_MESSAGES.no_checkable_claims, claimId: null });
  }
  const decision = decideGate(findings, input.intended_use, input.strictness);
  const gateVerdict = gateVerdictOf({
    reviewRunId: runId,
    safeUseStatus: decision.safeUseStatus,
    reasons: decision.reasons.map((r) => ({ code: r.reasonCode, message: r.message, claim_id: r.claimId })),
    strictness: input.strictness,
    mode: input.gate_mode,
    metadata: { intended_use: input.intended_use, policy_version: GATE_POLICY_VERSION },
    createdAt: input.now,
  });
  const claimReport = compileClaimReport({
    reviewRunId: runId,
    now: input.now,
    safeUseStatus: decision.safeUseStatus,
    policyVersion: GATE_POLICY_VERSION,
    output: input.ai_output,
    sourceContents: input.sources.map((s) => s.content),
    sourceTitles: input.sources.map((s) => s.title),
    claims,
    citationIssues: citationIssues.map((issue) => ({ ...issue })),
    repairs,
  });
  return {
    gate_verdict: gateVerdict,
    claim_report: claimReport,
    safe_use_status: decision.safeUseStatus,
    claim_count: claims.length,
    unsupported_claim_count: claims.filter((c) => c.support_status === "unsupported" || c.support_status === "contradicted").length,
  };
}
