import { CREDENTIAL_REDACTION_PATTERNS } from "../lib/credential-patterns.ts";
import { SAFE_USE_LABELS, SUPPORT_LABELS, headerCase } from "./labels.ts";
import { withoutInvisible } from "../lib/unicode-fold.ts";
import type { SafeUseStatus } from "../schemas/enums.ts";
import type {
  CitationIssueItem,
  Claim,
  ClaimReport,
  EvidenceNote,
  FollowUp,
  UnsupportedClaimItem,
} from "../schemas/review-artifacts.ts";

// The reviewer-facing claim report: JSON items plus markdown in the layout
// test/review/golden.test.ts pins, and a leakage check over everything the
// report quotes.

export const REPORT_COMPILER_VERSION = "claim-report.2026-11-22.v1";

export interface RepairDraft {
  claimId: string;
  text: string;
  // The pieces the repair is made of, each from the output or a source;
  // `at` (and `sourceIndex`) say where, when known, so the leakage check
  // confirms a piece in place instead of searching for it.
  parts: ReadonlyArray<{ text: string; from: "output" | "source"; at?: number; sourceIndex?: number }>;
}

export interface ReportInput {
  reviewRunId: string;
  now: string;
  safeUseStatus: SafeUseStatus;
  policyVersion: string;
  output: string;
  sourceContents: ReadonlyArray<string>;
  // Titles are part of the run too: messages may quote them.
  sourceTitles: ReadonlyArray<string>;
  claims: ReadonlyArray<Claim>;
  citationIssues: ReadonlyArray<CitationIssueItem>;
  repairs: ReadonlyArray<RepairDraft>;
}

const REDACTED = "[redacted]";


function followUpForStatus(claim: Claim): string | null {
  switch (claim.support_status) {
    case "unsupported":
    case "contradicted":
      return `Should the output remove or revise claim \`${claim.id}\`?`;
    case "partially_supported":
      return `Can a supplied source be found for the rest of claim \`${claim.id}\`, or should the claim be narrowed?`;
    case "insufficient_context":
      return `Which source confirms or denies claim \`${claim.id}\`?`;
    case "not_checked":
      return `Can a reviewer check claim \`${claim.id}\` by hand? The verifier could not judge it.`;
    default:
      return null;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Submitted text made inert for the markdown report, which customers render in
 * their own tools: a renderer that passes HTML through would run
 * `<img onerror>` or `<iframe srcdoc>`, and one that follows links would open
 * `[x](javascript:…)`. CommonMark's backslash escape turns each character below
 * into plain text: `<`, `>` and `&` stop HTML, entities and autolinks, `[` and
 * `]` stop links and images, backticks stop code spans swallowing our own, and
 * the backslash itself is escaped so the input cannot cancel an escape.
 * Everything else renders as typed; `oneLine` already rules out block syntax.
 */
function inertText(text: string): string {
  return oneLine(text).replace(/[\\<>&[\]`]/g, (char) => `\\${char}`);
}

export function compileClaimReport(input: ReportInput): ClaimReport {
  const repairsByClaim = new Map(input.repairs.map((r) => [r.claimId, r]));
  const unsupported: UnsupportedClaimItem[] = [];
  const notes: EvidenceNote[] = [];
  const followUps: FollowUp[] = [];

  for (const claim of input.claims) {
    const span = claim.primary_source_span;
    const question = followUpForStatus(claim);
    if (claim.support_status === "unsupported" || claim.support_status === "contradicted") {
      unsupported.push({
        claim_id: claim.id,
        claim_text: claim.text,
        support_status: claim.support_status,
        output_start_offset: claim.output_start_offset,
        output_end_offset: claim.output_end_offset,
        source_span_id: span?.id ?? null,
        source_quote: span?.quote ?? null,
        reviewer_follow_up: question ?? "",
        suggested_repair: claim.support_status === "contradicted" ? (repairsByClaim.get(claim.id)?.text ?? null) : null,
      });
    } else if (claim.support_status === "partially_supported" || claim.support_status === "insufficient_context") {
      notes.push({
        claim_id: claim.id,
        claim_text: claim.text,
        support_status: claim.support_status,
        source_span_id: span?.id ?? null,
        source_quote: span?.quote ?? null,
        note: claim.verification_result?.rationale ?? "",
      });
    }
  }
  for (const claim of input.claims) {
    const question = followUpForStatus(claim);
    if (question !== null) followUps.push({ claim_id: claim.id, question });
  }
  for (const issue of input.citationIssues) {
    followUps.push({ claim_id: issue.claim_id, question: `Which supplied source should claim \`${issue.claim_id}\` cite?` });
  }
  followUps.push({ claim_id: null, question: "Is the intended use still correct for this output?" });

  const withSource = input.claims.filter((c) => c.primary_source_span !== null).length;
  const notChecked = input.claims.filter((c) => c.support_status === "not_checked").length;
  let summary = `This review found ${unsupported.length} unsupported claim(s) and ${input.citationIssues.length} citation issue(s) in the captured output.`;
  if (input.claims.length === 0) summary += " The output contains no checkable claims.";
  if (notChecked > 0) summary += ` ${notChecked} claim(s) could not be checked.`;

  const report: ClaimReport = {
    id: `${input.reviewRunId}_claim_report`,
    review_run_id: input.reviewRunId,
    safe_use_status: input.safeUseStatus,
    title: "Claim report",
    summary,
    unsupported_claims: unsupported,
    citation_issues: input.citationIssues.slice(),
    evidence_notes: notes,
    follow_ups: followUps,
    markdown: "",
    compiler_version: REPORT_COMPILER_VERSION,
    policy_version: input.policyVersion,
    metadata: {
      source_coverage: { claims_with_primary_source: withSource, total_claims: input.claims.length },
      leakage_check: { passed: true, errors: [] },
    },
    created_at: input.now,
    updated_at: input.now,
  };
  const leakage = checkLeakage(report, input);
  report.markdown = renderMarkdown(report);
  report.markdown = redactCredentials(report.markdown, "markdown", leakage.errors);
  report.metadata.leakage_check = { passed: leakage.errors.length === 0, errors: leakage.errors };
  return report;
}

export function renderMarkdown(report: ClaimReport): string {
  const lines: string[] = [
    `# ${report.title}`,
    "",
    `Use status: ${headerCase(SAFE_USE_LABELS[report.safe_use_status])}`,
    `Unsupported claims: ${report.unsupported_claims.length}`,
    `Citation issues: ${report.citation_issues.length}`,
    `Source coverage: ${report.metadata.source_coverage.claims_with_primary_source}/${report.metadata.source_coverage.total_claims} claims`,
    "",
    "## Summary",
    report.summary,
    "",
    "## Unsupported claims",
  ];
  if (report.unsupported_claims.length === 0) lines.push("- No unsupported claims were found in the structured verification results.");
  for (const item of report.unsupported_claims) {
    if (item.support_status === "contradicted") {
      let line = `- Claim \`${item.claim_id}\`: The supplied sources contradict this claim: "${inertText(item.claim_text)}"`;
      if (item.source_quote !== null) line += ` (source: "${inertText(item.source_quote)}")`;
      if (item.suggested_repair !== null) line += `. Suggested repair: "${inertText(item.suggested_repair)}"`;
      lines.push(line);
    } else {
      lines.push(`- Claim \`${item.claim_id}\`: The supplied sources do not support this claim: "${inertText(item.claim_text)}"`);
    }
  }
  lines.push("", "## Citation issues");
  if (report.citation_issues.length === 0) lines.push("- No citation issues were found in the structured verification results.");
  for (const issue of report.citation_issues) lines.push(`- Claim \`${issue.claim_id}\`: ${inertText(issue.message)}`);
  lines.push("", "## Evidence notes");
  if (report.evidence_notes.length === 0) lines.push("- No partially supported claims were found in the structured verification results.");
  for (const note of report.evidence_notes) {
    lines.push(`- Claim \`${note.claim_id}\` (${SUPPORT_LABELS[note.support_status]}): ${inertText(note.note)}`);
  }
  lines.push("", "## Follow-up questions");
  for (const followUp of report.follow_ups) lines.push(`- ${followUp.question}`);
  return `${lines.join("\n")}\n`;
}

// A key split by an invisible character or written in full-width letters is
// still the key, so matching runs on the text as a reader sees it; text with
// nothing to redact is returned exactly as it came.
function redactCredentials(text: string, field: string, errors: string[]): string {
  let result = withoutInvisible(text).normalize("NFKC");
  let redacted = false;
  for (const pattern of CREDENTIAL_REDACTION_PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(result)) {
      pattern.lastIndex = 0;
      result = result.replace(pattern, REDACTED);
      redacted = true;
      const message = `credential-like string redacted from ${field}`;
      if (!errors.includes(message)) errors.push(message);
    }
  }
  return redacted ? result : text;
}

// Text in double quotes inside report prose, which must come from the run's own
// output or sources (a trailing "…" marks a shortened quote).
function quotedSegments(text: string): string[] {
  return [...text.matchAll(/"([^"]{1,400})"/g)].map((m) => (m[1] ?? "").replace(/…$/, "")).filter((q) => q.trim().length > 0);
}

interface Corpus {
  output: string;
  sources: ReadonlyArray<string>;
  // Built on first need: most quotes are found as written.
  collapsedOutput: string | null;
  collapsedSources: string[] | null;
}

// `at`: where in the output the quote is expected (a claim's own offset).
// Checked first, as are the preferred texts: scanning the whole output for
// every claim's quotes made this quadratic in the output's length.
function occursInRun(quote: string, corpus: Corpus, preferred: ReadonlyArray<string>, at: number | null = null): boolean {
  if (at !== null && corpus.output.startsWith(quote, at)) return true;
  if (preferred.some((p) => p.includes(quote)) || corpus.output.includes(quote)) return true;
  if (corpus.sources.some((s) => s.includes(quote))) return true;
  const collapsed = quote.replace(/\s+/g, " ").trim();
  corpus.collapsedOutput ??= corpus.output.replace(/\s+/g, " ");
  if (corpus.collapsedOutput.includes(collapsed)) return true;
  corpus.collapsedSources ??= corpus.sources.map((s) => s.replace(/\s+/g, " "));
  return corpus.collapsedSources.some((s) => s.includes(collapsed));
}

function checkLeakage(report: ClaimReport, input: ReportInput): { errors: string[] } {
  const errors: string[] = [];
  const corpus: Corpus = {
    output: input.output,
    sources: [...input.sourceContents, ...input.sourceTitles],
    collapsedOutput: null,
    collapsedSources: null,
  };
  const repairTexts = new Set<string>();
  for (const repair of input.repairs) {
    const valid = repair.parts.every((part) => {
      if (part.from === "output") return (part.at !== undefined && input.output.startsWith(part.text, part.at)) || input.output.includes(part.text);
      const placed = part.at !== undefined && part.sourceIndex !== undefined && (input.sourceContents[part.sourceIndex]?.startsWith(part.text, part.at) ?? false);
      return placed || input.sourceContents.some((s) => s.includes(part.text));
    });
    if (valid && repair.parts.map((p) => p.text).join("") === repair.text) repairTexts.add(repair.text);
  }
  const verifyQuote = (field: string, quote: string | null, preferred: ReadonlyArray<string>, at: number | null = null): string | null => {
    if (quote === null) return null;
    if (repairTexts.has(quote) || occursInRun(quote, corpus, preferred, at)) return redactCredentials(quote, field, errors);
    errors.push(`${field} quotes text that is not in this run's output or sources`);
    return REDACTED;
  };
  const verifyProse = (field: string, text: string, preferred: ReadonlyArray<string>): string => {
    let result = text;
    for (const quote of quotedSegments(text)) {
      if (repairTexts.has(quote) || occursInRun(quote, corpus, preferred)) continue;
      errors.push(`${field} quotes text that is not in this run's output or sources`);
      result = result.split(`"${quote}`).join(`"${REDACTED}`);
    }
    return redactCredentials(result, field, errors);
  };

  const claimStart = new Map(input.claims.map((claim) => [claim.id, claim.output_start_offset]));
  report.unsupported_claims.forEach((item, i) => {
    const preferred = item.source_quote === null ? [] : [item.source_quote];
    item.claim_text = verifyQuote(`unsupported_claims[${i}].claim_text`, item.claim_text, [], item.output_start_offset) ?? "";
    item.source_quote = verifyQuote(`unsupported_claims[${i}].source_quote`, item.source_quote, preferred);
    item.suggested_repair = verifyQuote(`unsupported_claims[${i}].suggested_repair`, item.suggested_repair, preferred);
  });
  report.evidence_notes.forEach((note, i) => {
    const preferred = note.source_quote === null ? [] : [note.source_quote];
    const claimAt = claimStart.get(note.claim_id) ?? null;
    // The note quotes the claim's words: found in the claim's own text when
    // that stands in the output at the claim's offset, without a scan.
    const claimTextInOutput = claimAt !== null && input.output.startsWith(note.claim_text, claimAt);
    const proseKnown = claimTextInOutput ? [...preferred, note.claim_text] : preferred;
    note.claim_text = verifyQuote(`evidence_notes[${i}].claim_text`, note.claim_text, [], claimAt) ?? "";
    note.source_quote = verifyQuote(`evidence_notes[${i}].source_quote`, note.source_quote, preferred);
    note.note = verifyProse(`evidence_notes[${i}].note`, note.note, proseKnown);
  });
  report.citation_issues.forEach((issue, i) => {
    issue.message = verifyProse(`citation_issues[${i}].message`, issue.message, []);
  });
  report.summary = redactCredentials(report.summary, "summary", errors);
  return { errors };
}
