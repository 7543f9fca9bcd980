import { CREDENTIAL_REDACTION_PATTERNS } from "../lib/credential-patterns.ts";
import type { Strictness, SupportStatus } from "../schemas/enums.ts";
import type { CitationIssueItem, Claim, SourceSpan, VerificationResult } from "../schemas/review-artifacts.ts";
import { keyMatches } from "./alignment.ts";
import { citationIssueOf, judgeCitations } from "./citations.ts";
import { DECISIVE_CHECKS } from "./decision.ts";
import { compileVerdict, verifyClaims, type ReviewInput, type ReviewResult } from "./index.ts";
import { addressesModel } from "./injection.ts";
import type { RepairDraft } from "./report.ts";
import { createTokenizer, isContentToken } from "./text.ts";

// The semantic judge's side of the engine, pure like the rest: which claims
// a judge is asked about, what it is shown, and how its verdicts are merged
// into the engine's own result. Calling the provider is the service's job.

export const JUDGE_MERGE_VERSION = "semantic-judge-merge.2026-11-30.v2";

export const JUDGE_STATUSES = ["supported", "partially_supported", "insufficient_context", "unsupported", "contradicted"] as const;
export type JudgeStatus = (typeof JUDGE_STATUSES)[number];

/** `uncertain`: claims the engine left undecided or scored with low confidence. `strict_all`: every claim of a strict run, else as `uncertain`. */
export type JudgeSelection = "uncertain" | "strict_all";

export interface JudgeSelectionOptions {
  selection: JudgeSelection;
  /** Model-scored claims below this confidence are sent even when supported. */
  confidenceBelow: number;
}

export interface JudgeEvidence {
  source_title: string;
  text: string;
}

export interface JudgeClaim {
  claim_id: string;
  text: string;
  /** The statement the claim is read as, when its words alone are a fragment ("including international orders") or open with a pronoun. */
  read_as?: string;
  evidence: JudgeEvidence[];
}

export interface JudgeRequest {
  question: string | null;
  claims: JudgeClaim[];
}

export interface JudgeVerdict {
  claim_id: string;
  status: JudgeStatus;
  /** Verbatim text from the claim's evidence; required for supported, partially_supported and contradicted. */
  evidence_quote: string | null;
  rationale: string;
  confidence: number;
}

export interface JudgeIdentity {
  provider: string;
  model: string;
}

export interface JudgeUsage {
  input_tokens: number;
  output_tokens: number;
}

/** What a run records about its judge, in `gate_verdict.metadata.semantic_judge` and the report's metadata. */
export type JudgeRunRecord =
  | {
      status: "applied";
      provider: string;
      model: string;
      claims_sent: number;
      claims_changed: number;
      verdicts_rejected: number;
      /** The judged text holds instructions addressed to a model, so no verdict of the judge's raised a claim. */
      instructions_in_input: boolean;
      attempts: number;
      usage: JudgeUsage | null;
      merge_version: string;
    }
  | { status: "unavailable"; provider: string; model: string; reason: string; claims_sent: number; attempts: number; usage: JudgeUsage | null }
  | { status: "skipped"; provider: string; model: string; reason: "no_claims_to_judge" };

// Checks that never reach alignment leave nothing a judge could weigh.
const NOTHING_TO_SHOW: ReadonlySet<string> = new Set(["language", "no_evidence"]);
const UNDECIDED: ReadonlySet<SupportStatus> = new Set(["partially_supported", "insufficient_context", "unsupported"]);
const NEEDS_QUOTE: ReadonlySet<JudgeStatus> = new Set(["supported", "partially_supported", "contradicted"]);
const FLAGGED: ReadonlySet<SupportStatus> = new Set(["unsupported", "contradicted"]);
const SUPPORTING: ReadonlySet<SupportStatus> = new Set(["supported", "partially_supported"]);
// From worst to best for the output: a verdict later in the list raises a claim.
const STANDING: ReadonlyArray<SupportStatus> = ["contradicted", "unsupported", "insufficient_context", "not_checked", "partially_supported", "supported"];
const raises = (to: SupportStatus, from: SupportStatus) => STANDING.indexOf(to) > STANDING.indexOf(from);
// Characters of source text kept on each side of the evidence sentence: about
// a sentence of context, enough for a pronoun to find its referent.
const WINDOW_CHARS = 300;
const MIN_QUOTE_CHARS = 8;
const MAX_RATIONALE_CHARS = 400;

const checkOf = (result: VerificationResult | null): string => String(result?.metadata.check ?? "");

function decidedByCheck(result: VerificationResult | null): boolean {
  return result !== null && FLAGGED.has(result.support_status) && (DECISIVE_CHECKS as ReadonlyArray<string>).includes(checkOf(result));
}

/** The claims worth a judge's time, in claim order. */
export function selectClaimsForJudge(result: ReviewResult, strictness: Strictness, options: JudgeSelectionOptions): string[] {
  const all = options.selection === "strict_all" && strictness === "strict";
  return result.claims
    .filter((claim) => {
      const verification = claim.verification_result;
      if (all) return true;
      if (verification === null || NOTHING_TO_SHOW.has(checkOf(verification)) || decidedByCheck(verification)) return false;
      return UNDECIDED.has(claim.support_status) || verification.confidence < options.confidenceBelow;
    })
    .map((claim) => claim.id);
}

function windowAround(content: string, start: number, end: number): string {
  let from = Math.max(0, start - WINDOW_CHARS);
  let to = Math.min(content.length, end + WINDOW_CHARS);
  // Whole words only, so the window never opens on half a word.
  if (from > 0) from = content.indexOf(" ", from) + 1 || start;
  if (to < content.length) to = Math.max(end, content.lastIndexOf(" ", to));
  return content.slice(from, to).trim();
}

const foldCase = (text: string) => text.toLowerCase().replace(/[“”]/g, "\"").replace(/[‘’]/g, "'").replace(/\s+/g, " ").trim();

/** The batch one judge call sees: each claim with the window of source text around its nearest evidence. */
export function judgeRequestFor(input: ReviewInput, result: ReviewResult, claimIds: ReadonlyArray<string>): JudgeRequest {
  const wanted = new Set(claimIds);
  // Re-running verification recovers the nearest passage of unsupported
  // claims too, which the stored result deliberately does not quote.
  const verified = verifyClaims(input);
  const claims: JudgeClaim[] = [];
  result.claims.forEach((claim, i) => {
    if (!wanted.has(claim.id)) return;
    const evidence = verified[i]?.verification.evidence ?? null;
    const source = evidence === null ? undefined : input.sources[evidence.sourceIndex];
    const reading = claim.normalized_text;
    claims.push({
      claim_id: claim.id,
      text: claim.text,
      ...(reading !== foldCase(claim.text) ? { read_as: reading } : {}),
      evidence: source && evidence ? [{ source_title: source.title, text: windowAround(source.content, evidence.start, evidence.end) }] : [],
    });
  });
  return { question: input.question, claims };
}

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

function redact(text: string): string {
  let result = text;
  for (const pattern of CREDENTIAL_REDACTION_PATTERNS) {
    pattern.lastIndex = 0;
    result = result.replace(pattern, "[redacted]");
  }
  return result;
}

// The model's words, kept as unquoted prose: the report's leakage check reads
// double-quoted text as a quotation from the run, and only the verified
// evidence quote may claim to be one.
function modelProse(text: string): string {
  const prose = redact(collapse(text).replaceAll('"', "'"));
  return prose.length > MAX_RATIONALE_CHARS ? `${prose.slice(0, MAX_RATIONALE_CHARS - 1)}…` : prose;
}

const STATUS_WORDS: Readonly<Record<JudgeStatus, string>> = {
  supported: "the supplied sources support this claim",
  partially_supported: "the supplied sources support part of this claim",
  insufficient_context: "the supplied sources neither confirm nor deny this claim",
  unsupported: "the supplied sources do not support this claim",
  contradicted: "the supplied sources contradict this claim",
};

function rationaleOf(verdict: JudgeVerdict, quoteSource: string | null): string {
  const parts = [`Semantic judge: ${STATUS_WORDS[verdict.status]}.`];
  const prose = modelProse(verdict.rationale);
  if (prose.length > 0) parts.push(prose.endsWith(".") || prose.endsWith("…") ? prose : `${prose}.`);
  if (verdict.evidence_quote !== null && quoteSource !== null) parts.push(`Source (${quoteSource}): "${collapse(verdict.evidence_quote)}".`);
  return parts.join(" ");
}

/** The evidence text a quote was found in, or null when the judge quoted something it was not shown. */
function quoteFoundIn(quote: string | null, claim: JudgeClaim): JudgeEvidence | null {
  if (quote === null) return null;
  const wanted = collapse(quote);
  if (wanted.length < MIN_QUOTE_CHARS) return null;
  return claim.evidence.find((e) => collapse(e.text).includes(wanted)) ?? null;
}

const tokenize = createTokenizer();

/**
 * The claim's numbers and names that the quote lacks. A quote that supports a
 * claim states its specifics; a judge that quotes some other true sentence of
 * the source (an injected "quote the policy and mark it supported") does not.
 * A capitalised word opening the claim is taken as sentence case, not a name.
 */
function specificsMissingFrom(claimText: string, quote: string): string[] {
  const quoteKeys = new Set(tokenize(quote).map((t) => t.key));
  return tokenize(claimText)
    .filter((t, i) => t.isNumber || (i > 0 && t.isCapitalized && isContentToken(t)))
    .filter((t) => !keyMatches(t.key, quoteKeys))
    .map((t) => t.raw);
}

const requestAddressesModel = (request: JudgeRequest): boolean =>
  (request.question !== null && addressesModel(request.question)) ||
  request.claims.some((c) => addressesModel(c.text) || c.evidence.some((e) => addressesModel(e.text)));

/**
 * A claim's citation result once the judge changed its status, by the
 * engine's own rules (citations.ts): its cited sources support it when the
 * judge's quote comes from one of them.
 */
function citationAfterJudge(input: ReviewInput, claim: Claim, status: SupportStatus, quotedSourceId: string | null) {
  const markers = (claim.metadata.citations ?? []) as Array<{ marker: string; output_start_offset: number; output_end_offset: number; resolved_source_id: string | null }>;
  if (markers.length === 0) return null;
  const citations = markers.map((m) => ({ marker: m.marker, reference: m.marker, start: m.output_start_offset, end: m.output_end_offset, resolvedSourceId: m.resolved_source_id }));
  const sources = input.sources.map((s) => ({ id: s.id, title: s.title, citation_label: s.citation_label }));
  const supports = SUPPORTING.has(status);
  const cited = new Set(citations.map((c) => c.resolvedSourceId));
  return judgeCitations(
    citations,
    {
      citedSourcesSupport: supports && quotedSourceId !== null && cited.has(quotedSourceId),
      anySourceSupports: supports,
      supportingSourceTitle: supports ? (input.sources.find((s) => s.id === quotedSourceId)?.title ?? null) : null,
    },
    // A claim with citations never reaches the missing-citation rule, which these two options drive.
    { strict: input.strictness === "strict", outputHasCitations: true, sources },
  );
}

// A contradicted claim's suggested repair, split back into the output and
// source pieces the report's leakage check verifies it is made of.
function repairsOf(result: ReviewResult, claims: ReadonlyArray<Claim>): RepairDraft[] {
  const byId = new Map(claims.map((c) => [c.id, c]));
  const repairs: RepairDraft[] = [];
  for (const item of result.claim_report.unsupported_claims) {
    const claim = byId.get(item.claim_id);
    if (item.suggested_repair === null || claim?.support_status !== "contradicted") continue;
    const text = item.suggested_repair;
    const original = claim.text;
    let prefix = 0;
    while (prefix < text.length && prefix < original.length && text[prefix] === original[prefix]) prefix++;
    let suffix = 0;
    while (
      suffix < text.length - prefix &&
      suffix < original.length - prefix &&
      text[text.length - 1 - suffix] === original[original.length - 1 - suffix]
    ) suffix++;
    repairs.push({
      claimId: claim.id,
      text,
      parts: [
        { text: text.slice(0, prefix), from: "output" },
        { text: text.slice(prefix, text.length - suffix), from: "source" },
        { text: text.slice(text.length - suffix), from: "output" },
      ],
    });
  }
  return repairs;
}

function withRecord(result: ReviewResult, record: JudgeRunRecord): ReviewResult {
  return {
    ...result,
    gate_verdict: { ...result.gate_verdict, metadata: { ...result.gate_verdict.metadata, semantic_judge: record } },
    claim_report: { ...result.claim_report, metadata: { ...result.claim_report.metadata, semantic_judge: record } },
  };
}

/** The engine's result as it stands, with a note of why no judge verdict was merged. */
export function recordJudgeUnavailable(
  result: ReviewResult,
  record: Extract<JudgeRunRecord, { status: "unavailable" | "skipped" }>,
): ReviewResult {
  return withRecord(result, record);
}

export interface MergeDetails {
  identity: JudgeIdentity;
  attempts: number;
  usage: JudgeUsage | null;
}

/**
 * Merges a judge's verdicts into the engine's result. The rules:
 * - only verdicts for claims that were asked about count, the first per claim;
 * - a claim a decisive check flagged (value conflict, negation, missing
 *   entity, …) keeps the engine's status: those checks name what differs;
 * - supported, partially_supported and contradicted need a quote from the
 *   evidence the judge was shown, so a verdict cannot rest on the output's own
 *   words (an injected "mark everything supported" has no source to quote);
 * - a changed claim names the judge as verifier, keeps the engine's verdict
 *   under `metadata.deterministic`, and the gate and report are recompiled by
 *   the engine's own rules.
 */
export function mergeJudgement(
  input: ReviewInput,
  result: ReviewResult,
  request: JudgeRequest,
  verdicts: ReadonlyArray<JudgeVerdict>,
  details: MergeDetails,
): ReviewResult {
  const asked = new Map(request.claims.map((c) => [c.claim_id, c]));
  const verdictFor = new Map<string, JudgeVerdict>();
  for (const verdict of verdicts) if (asked.has(verdict.claim_id) && !verdictFor.has(verdict.claim_id)) verdictFor.set(verdict.claim_id, verdict);

  const sourceSpans: SourceSpan[] = result.source_spans.slice();
  const instructionsInInput = requestAddressesModel(request);
  const citationIssues = new Map<string, CitationIssueItem[]>();
  let changed = 0;
  let rejected = 0;

  const spanForQuote = (quote: string): SourceSpan | null => {
    for (const source of input.sources) {
      const start = source.content.indexOf(quote);
      if (start < 0) continue;
      const end = start + quote.length;
      const existing = sourceSpans.find((s) => s.source_document_id === source.id && s.start_offset === start && s.end_offset === end);
      if (existing) return existing;
      const span: SourceSpan = {
        id: `${input.review_run_id}_span_${sourceSpans.length + 1}`,
        source_document_id: source.id,
        quote,
        start_offset: start,
        end_offset: end,
        metadata: { source_title: source.title, citation_label: source.citation_label },
        created_at: input.now,
      };
      sourceSpans.push(span);
      return span;
    }
    return null;
  };

  const claims = result.claims.map((claim): Claim => {
    const old = claim.verification_result;
    const verdict = verdictFor.get(claim.id);
    const question = asked.get(claim.id);
    if (old === null) return claim;
    const decidedBy = { ...old.metadata, decided_by: "deterministic" };
    if (!verdict || !question) return { ...claim, verification_result: { ...old, metadata: decidedBy } };

    const note = (applied: boolean, reason: string | null) => ({ status: verdict.status, applied, reason });
    const keep = (reason: string | null) => {
      if (reason !== null) rejected++;
      // A verdict that agrees is applied in effect; one that was refused says why.
      const kept: VerificationResult = { ...old, metadata: { ...decidedBy, semantic_judge: note(reason === null, reason) } };
      return { ...claim, verification_result: kept };
    };
    if (verdict.status === claim.support_status) return keep(null);
    if (decidedByCheck(old)) return keep("decisive_check");
    if (instructionsInInput && raises(verdict.status, claim.support_status)) return keep("instructions_in_input");
    const quoted = quoteFoundIn(verdict.evidence_quote, question);
    if (NEEDS_QUOTE.has(verdict.status) && quoted === null) return keep("quote_not_in_evidence");
    const exactQuote = verdict.evidence_quote === null ? null : collapse(verdict.evidence_quote);
    if (verdict.status === "supported" && exactQuote !== null && specificsMissingFrom(claim.text, exactQuote).length > 0) {
      return keep("quote_misses_claim_details");
    }

    changed++;
    let span = claim.primary_source_span;
    if (verdict.status === "unsupported") span = null;
    else if (exactQuote !== null && quoted !== null) span = spanForQuote(exactQuote) ?? span;
    const quotedSourceId = quoted === null ? null : (span?.source_document_id ?? input.sources.find((s) => s.content.includes(quoted.text))?.id ?? null);
    const citation = citationAfterJudge(input, claim, verdict.status, quotedSourceId);
    if (citation !== null) citationIssues.set(claim.id, [citationIssueOf(claim.id, citation)].filter((i) => i !== null));
    const updated: VerificationResult = {
      ...old,
      support_status: verdict.status,
      primary_source_span: span,
      verifier_name: "kivo-semantic-judge",
      verifier_version: JUDGE_MERGE_VERSION,
      verifier_provider: details.identity.provider,
      verifier_model: details.identity.model,
      confidence: Math.round(Math.min(1, Math.max(0, verdict.confidence)) * 100) / 100,
      rationale: rationaleOf(verdict, quoted?.source_title ?? null),
      metadata: {
        ...old.metadata,
        ...(citation !== null ? { citation_issue: citation.result } : {}),
        decided_by: "semantic_judge",
        // The judge states its own confidence; it is not calibrated like the engine's.
        confidence_source: "semantic_judge_self_reported",
        error_spans: verdict.status === "supported" ? [] : old.metadata.error_spans,
        semantic_judge: note(true, null),
        deterministic: {
          support_status: old.support_status,
          verifier_provider: old.verifier_provider,
          verifier_model: old.verifier_model,
          confidence: old.confidence,
          rationale: old.rationale,
        },
      },
    };
    return { ...claim, support_status: verdict.status, primary_source_span: span, verification_result: updated };
  });

  const issues = claims.flatMap((c) => citationIssues.get(c.id) ?? result.claim_report.citation_issues.filter((i) => i.claim_id === c.id));
  const recompiled = compileVerdict(input, claims, issues, repairsOf(result, claims));
  return withRecord(
    {
      claims,
      source_spans: sourceSpans,
      verification_results: claims.map((c) => c.verification_result).filter((v): v is VerificationResult => v !== null),
      ...recompiled,
    },
    {
      status: "applied",
      provider: details.identity.provider,
      model: details.identity.model,
      claims_sent: request.claims.length,
      claims_changed: changed,
      verdicts_rejected: rejected,
      instructions_in_input: instructionsInInput,
      attempts: details.attempts,
      usage: details.usage,
      merge_version: JUDGE_MERGE_VERSION,
    },
  );
}
