import type { GateMode, IntendedUse, RunStatus, SafeUseStatus, Strictness, SupportStatus } from "../../schemas/enums.ts";
import { SUPPORT_STATUSES } from "../../schemas/enums.ts";
import type { Claim, ClaimReport, GateVerdict } from "../../schemas/review-artifacts.ts";
import { CREDENTIAL_REDACTION_PATTERNS } from "../../lib/credential-patterns.ts";
import { utf8 } from "../../lib/crypto.ts";
import { SAFE_USE_LABELS, SUPPORT_LABELS } from "../../review/labels.ts";
import { repairedOutput } from "./repair.ts";

// The reviewer page of a completed hosted run: one self-contained HTML
// document, a pure function of the run and its artifacts. Everything that came
// from a caller (output, titles, quotes, rationales, IDs) goes through `html`,
// which escapes every interpolated value; only this module's own markup is raw.
// The page has no scripts and one inline stylesheet, allowed by its hash in the
// Content-Security-Policy that `reportContentSecurityPolicy` returns.

export interface ReportPageInput {
  run: {
    id: string;
    status: RunStatus;
    intended_use: IntendedUse;
    strictness: Strictness;
    safe_use_status: SafeUseStatus | null;
    gate_verdict: GateVerdict | null;
    question: string | null;
    ai_output: string;
    created_at: string;
    completed_at: string | null;
  };
  sources: {
    id: string;
    title: string;
    citation_label: string | null;
    uri: string | null;
    /**
     * The source's text, for the passage around each evidence quote; null or
     * absent when it was not loaded (too long, or no claim quotes it).
     */
    content?: string | null;
  }[];
  claims: Claim[];
  report: ClaimReport;
  /** Set when the page is opened through a signed report link. */
  link?: { expires_at: string };
}

class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
}

type Fragment = SafeHtml | string | number | null | undefined | false | readonly Fragment[];

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

function fragment(value: Fragment): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(fragment).join("");
  return escapeHtml(String(value));
}

/** Markup with every interpolated value escaped unless it is itself `html` output. */
function html(strings: TemplateStringsArray, ...values: Fragment[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => (out += fragment(value) + strings[i + 1]!));
  return new SafeHtml(out);
}

const SUPPORT_MEANINGS: Readonly<Record<SupportStatus, string>> = {
  supported: "a supplied source states it",
  partially_supported: "a source covers part of it",
  unsupported: "no supplied source supports it",
  contradicted: "a supplied source says otherwise",
  insufficient_context: "sources discuss it but neither confirm nor deny",
  not_checked: "could not be checked",
};

const CITATION_LABELS: Readonly<Record<string, string>> = {
  unknown_source: "Cites a source that was not supplied",
  wrong_source: "Cites the wrong source",
  unsupported_citation: "The cited source does not support it",
  missing_citation: "Missing citation",
  no_citation_required: "No citation in the claim",
  citation_ok: "Citation checks out",
};

const humanize = (value: string) => value.replace(/_/g, " ");

// Dark text on light tints (contrast well above 7:1), and a distinct underline
// per status, so the status never rests on colour alone; every claim also
// carries its label in text. Below 40rem the two-column grids stack and wide
// tables scroll inside their own box, so a phone never scrolls sideways; in
// print a claim card never splits across pages and the collapsed source
// passages print open, since paper cannot expand them.
const STYLESHEET = `
:root{color-scheme:light;--ink:#1a1a1a;--muted:#4a4a4a;--rule:#d4d4d4}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff;overflow-wrap:break-word}
main,header>div,footer{max-width:60rem;margin:0 auto;padding:0 1.25rem}
h1{font-size:1.9rem;margin:.2rem 0 .4rem}
h2{font-size:1.3rem;margin:2rem 0 .6rem;padding-bottom:.3rem;border-bottom:1px solid var(--rule)}
h3{font-size:1.05rem;margin:0 0 .4rem}
.banner{padding:1.25rem 0;border-bottom:4px solid}
.eyebrow{margin:0;font-size:.85rem;text-transform:uppercase;letter-spacing:.06em}
.v-verified_for_use,.v-verified_with_limits{background:#dff3e6;color:#0b3d1e;border-color:#15803d}
.v-needs_review{background:#fff3bf;color:#3d2e00;border-color:#a16207}
.v-needs_repair{background:#ffe5cc;color:#4a2300;border-color:#c2410c}
.v-blocked{background:#fbd5d5;color:#5b0b0b;border-color:#a4161a}
.v-none{background:#e5e7eb;color:#1f2937;border-color:#6b7280}
.counts{display:flex;flex-wrap:wrap;gap:.5rem 1.75rem;margin:.8rem 0 0;padding:0}
.counts div{display:flex;flex-direction:column}
.counts dt{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em}
.counts dd{margin:0;font-size:1.35rem;font-weight:700}
.reasons{margin:.6rem 0 0;padding-left:1.2rem}
.question{color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:.4rem .9rem;list-style:none;padding:0;margin:0 0 .8rem;font-size:.9rem}
.legend li{display:flex;align-items:center;gap:.35rem}
.guide{font-size:.95rem}
.guide dl{display:grid;grid-template-columns:max-content 1fr;gap:.45rem 1rem;margin:0}
.guide dt{font-weight:600}
.guide dd{margin:0}
.guide .tag{margin:0}
.output{white-space:pre-wrap;overflow-wrap:anywhere;font-size:1.05rem;line-height:1.9;padding:1rem 1.1rem;border:1px solid var(--rule);border-radius:6px;background:#fcfcfc}
.s-supported{--bg:#d9f2e1;--fg:#0b3d1e;--line:#15803d;--underline:solid}
.s-partially_supported{--bg:#fff3bf;--fg:#3d2e00;--line:#a16207;--underline:dotted}
.s-unsupported{--bg:#ffe5cc;--fg:#4a2300;--line:#c2410c;--underline:dashed}
.s-contradicted{--bg:#fbd5d5;--fg:#5b0b0b;--line:#a4161a;--underline:double}
.s-insufficient_context{--bg:#dbeafe;--fg:#0b2a5b;--line:#1d4ed8;--underline:groove}
.s-not_checked{--bg:#e5e7eb;--fg:#1f2937;--line:#6b7280;--underline:none}
mark{background:var(--bg);color:var(--fg);padding:.1em .15em;border-radius:3px;border-bottom:3px var(--underline) var(--line)}
.read-as{margin:.25rem 0 0;color:var(--muted);font-size:.9em}
.error-words{font-weight:700;text-decoration:underline wavy var(--line);text-underline-offset:.2em}
.tag{display:inline-block;background:var(--bg);color:var(--fg);border:1px solid var(--line);font-size:.72rem;font-weight:700;line-height:1.3;padding:0 .35em;margin:0 .2em;border-radius:3px;text-decoration:none;vertical-align:.15em;white-space:nowrap}
.claims{list-style:none;padding:0;margin:0}
.claim{border:1px solid var(--rule);border-left:6px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin:0 0 .9rem;background:#fff;color:var(--ink);break-inside:avoid}
.claim .tag{margin-left:0}
.claim blockquote{margin:.3rem 0 .6rem;font-size:1.05rem}
.claim dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.3rem 1rem;margin:0}
.claim dt{font-weight:600;color:var(--muted)}
.claim dd{margin:0;min-width:0}
.quote{margin:0;padding:.3rem .7rem;border-left:3px solid var(--rule);background:#f6f6f6}
.context{margin:.4rem 0 0}
.context summary{cursor:pointer;color:#0b4aa2;font-size:.9rem}
.passage{margin:.3rem 0 0;padding:.5rem .7rem;border:1px solid var(--rule);border-radius:4px;background:#fcfcfc;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.95rem}
.passage mark{background:#fff3bf;color:#3d2e00;border-bottom:3px solid #a16207}
.meta{color:var(--muted);font-size:.9rem}
.empty{color:var(--muted);font-style:italic}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid var(--rule)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.88em;overflow-wrap:anywhere}
.repaired{display:block;width:100%;min-height:6rem;margin:0;padding:.8rem 1rem;font:1rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fcfcfc;border:1px solid var(--rule);border-radius:6px;resize:vertical;field-sizing:content;max-height:28rem;white-space:pre-wrap;overflow-wrap:anywhere}
pre.repaired,.print-only{display:none}
.notice{padding:.6rem .9rem;border:1px solid #a16207;background:#fff3bf;color:#3d2e00;border-radius:6px}
footer{margin:2.5rem auto 2rem;color:var(--muted);font-size:.85rem}
a{color:#0b4aa2}
@media (max-width:40rem){
main,header>div,footer{padding:0 .9rem}
h1{font-size:1.5rem}
.counts{gap:.4rem 1.1rem}
.counts dd{font-size:1.15rem}
.output{padding:.7rem .75rem;font-size:1rem}
.claim{padding:.7rem .75rem}
.claim dl,.guide dl{grid-template-columns:minmax(0,1fr);gap:.15rem}
.claim dd,.guide dd{margin-bottom:.4rem}
}
@media print{
body{font-size:11pt}
*{print-color-adjust:exact;-webkit-print-color-adjust:exact}
main,header>div,footer{max-width:none}
h2,h3{break-after:avoid}
.claim,.guide dl>*,tr,.reasons li{break-inside:avoid}
.context summary{display:none}
.context::details-content{content-visibility:visible;display:block}
textarea.repaired,.screen-only{display:none}
.print-only{display:inline}
pre.repaired{display:block;max-height:none;break-inside:auto}
a{color:inherit;text-decoration:none}
}
`;

let policy: Promise<string> | undefined;

/** The page's CSP: nothing loads, nothing runs, only its own stylesheet applies. */
export function reportContentSecurityPolicy(): Promise<string> {
  policy ??= crypto.subtle.digest("SHA-256", utf8.encode(STYLESHEET)).then((digest) => {
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    return [
      "default-src 'none'",
      `style-src 'sha256-${hash}'`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      "sandbox",
    ].join("; ");
  });
  return policy;
}

/** Response headers of every reviewer page, with the CSP above. */
export async function reportPageHeaders(): Promise<Record<string, string>> {
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": await reportContentSecurityPolicy(),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
  };
}

const claimAnchor = (n: number) => `claim-${n}`;

/** "1 claim", "2 claims". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/**
 * "27 April 2026, 16:20 UTC". Without a script the page cannot learn the
 * reader's time zone, so it names UTC rather than pretend to be local.
 */
export function humanDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** The machine-readable instant stays in `datetime` for tools and translators. */
const time = (iso: string) => html`<time datetime="${iso}">${humanDate(iso)}</time>`;

/** Confidence is a probability, and reads as one. */
const percent = (p: number) => `${Math.round(p * 100)}%`;

/**
 * Engine prose names claims by ID in backticks ("revise claim `run_…_claim_2`"),
 * which is right for markdown and logs but noise to a reviewer: on the page a
 * known ID becomes a link "Claim 2" and no backticks remain. Returns whether a
 * claim was named, so the caller need not prefix the sentence with it again.
 */
function prose(text: string, numbers: ReadonlyMap<string, number>): { markup: SafeHtml; namesClaim: boolean } {
  const pieces = text.split(/`([^`\n]+)`/);
  const parts: Fragment[] = [];
  let namesClaim = false;
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) return void parts.push(piece);
    const n = numbers.get(piece);
    if (n === undefined) return void parts.push(html`<code>${piece}</code>`);
    const before = parts.pop() as string;
    parts.push(before.replace(/\bclaim\s+$/i, ""));
    parts.push(html`<a href="#${claimAnchor(n)}">Claim ${n}</a>`);
    namesClaim = true;
  });
  return { markup: html`${parts}`, namesClaim };
}

/** The claim's text (output[start, end)) with the words a check found wrong in `strong.error-words`. */
function withErrorWords(output: string, claim: Claim, start: number, end: number): SafeHtml {
  const spans = (claim.verification_result?.metadata.error_spans ?? []) as Array<{ start: number; end: number }>;
  const parts: Fragment[] = [];
  let cursor = start;
  for (const span of spans) {
    if (span.start < cursor || span.end > end) continue;
    parts.push(output.slice(cursor, span.start));
    parts.push(html`<strong class="error-words" data-error-span="${span.start}-${span.end}">${output.slice(span.start, span.end)}</strong>`);
    cursor = span.end;
  }
  parts.push(output.slice(cursor, end));
  return html`${parts}`;
}

/** The output with each claim wrapped in a `mark`; overlapping claims keep the earlier one's highlight. */
function highlightedOutput(output: string, claims: Claim[], numbers: Map<string, number>): SafeHtml {
  const ordered = [...claims]
    .filter((claim) => claim.output_end_offset > claim.output_start_offset && claim.output_end_offset <= output.length)
    .sort((a, b) => a.output_start_offset - b.output_start_offset || b.output_end_offset - a.output_end_offset);
  const parts: Fragment[] = [];
  let cursor = 0;
  for (const claim of ordered) {
    if (claim.output_start_offset < cursor) continue;
    const n = numbers.get(claim.id)!;
    const label = SUPPORT_LABELS[claim.support_status];
    parts.push(output.slice(cursor, claim.output_start_offset));
    parts.push(
      html`<mark class="s-${claim.support_status}" id="${claimAnchor(n)}-text" data-claim-id="${claim.id}" data-support-status="${claim.support_status}">${withErrorWords(output, claim, claim.output_start_offset, claim.output_end_offset)}</mark><a class="tag s-${claim.support_status}" href="#${claimAnchor(n)}" aria-label="Claim ${n}: ${label}">${n} · ${label}</a>`,
    );
    cursor = claim.output_end_offset;
  }
  parts.push(output.slice(cursor));
  return html`${parts}`;
}

function redactCredentials(text: string): string {
  return CREDENTIAL_REDACTION_PATTERNS.reduce((result, pattern) => result.replace(pattern, "[redacted]"), text);
}

/** Characters of source text shown on each side of an evidence quote. */
export const PASSAGE_CONTEXT_CHARS = 300;

/**
 * The source text around a quote, the quote marked, cut at word boundaries
 * within PASSAGE_CONTEXT_CHARS on each side. Null when the content is not at
 * hand or no longer holds the quote at its offsets: a passage that might not
 * be the one the verifier read is worse than none. The API never returns
 * source text beyond the quote, and a report link reaches people without a
 * key, so credential-like strings around it are redacted as the report's own
 * quotes are.
 */
export function sourcePassage(
  content: string | null | undefined,
  span: { quote: string; start_offset: number; end_offset: number },
): { before: string; quote: string; after: string } | null {
  if (content == null || content.slice(span.start_offset, span.end_offset) !== span.quote) return null;
  let from = Math.max(0, span.start_offset - PASSAGE_CONTEXT_CHARS);
  let to = Math.min(content.length, span.end_offset + PASSAGE_CONTEXT_CHARS);
  if (from > 0) {
    const space = content.slice(from, span.start_offset).search(/\s/);
    if (space >= 0) from += space + 1;
  }
  if (to < content.length) {
    const space = content.slice(span.end_offset, to).search(/\s\S*$/);
    if (space >= 0) to = span.end_offset + space;
  }
  const before = redactCredentials(content.slice(from, span.start_offset));
  const after = redactCredentials(content.slice(span.end_offset, to));
  if (before.trim() === "" && after.trim() === "") return null;
  return { before: (from > 0 ? "…" : "") + before, quote: span.quote, after: after + (to < content.length ? "…" : "") };
}

type PageSource = ReportPageInput["sources"][number];

function evidence(claim: Claim, sourcesById: ReadonlyMap<string, PageSource>): SafeHtml {
  const span = claim.primary_source_span;
  if (!span) return html`<span class="empty">No passage in the supplied sources supports this claim.</span>`;
  const passage = sourcePassage(sourcesById.get(span.source_document_id)?.content, span);
  return html`<blockquote class="quote">${span.quote}</blockquote><span class="meta">— ${span.metadata.source_title}${span.metadata.citation_label ? html` (${span.metadata.citation_label})` : ""}</span>${
    passage
      ? html`<details class="context"><summary>Show the quote in its source passage</summary><p class="passage">${passage.before}<mark>${passage.quote}</mark>${passage.after}</p></details>`
      : ""
  }`;
}

/**
 * A part such as "including international orders" or a claim opening with
 * "It" is judged as the proposition the engine read (its `normalized_text`);
 * the reviewer sees that reading when it says more than the words themselves.
 */
function readAs(claim: Claim): SafeHtml | string {
  const fold = (text: string) => text.toLowerCase().replace(/[“”]/g, "\"").replace(/[‘’]/g, "'").replace(/\s+/g, " ").trim();
  if (claim.normalized_text === fold(claim.text)) return "";
  const reading = claim.normalized_text.charAt(0).toUpperCase() + claim.normalized_text.slice(1);
  return html`<p class="read-as">Read as: ${reading}</p>`;
}

function claimCard(claim: Claim, n: number, report: ClaimReport, sourcesById: ReadonlyMap<string, PageSource>): SafeHtml {
  const verification = claim.verification_result;
  const repair = report.unsupported_claims.find((item) => item.claim_id === claim.id)?.suggested_repair;
  const citationIssue = verification?.metadata.citation_issue;
  const citations = claim.metadata.citations.map((citation) => citation.marker);
  return html`<li class="claim s-${claim.support_status}" id="${claimAnchor(n)}" data-claim-id="${claim.id}">
<h3><span class="tag s-${claim.support_status}">${SUPPORT_LABELS[claim.support_status]}</span> Claim ${n}</h3>
<blockquote>${claim.text}</blockquote>${readAs(claim)}
<dl>
<dt>Evidence</dt><dd>${evidence(claim, sourcesById)}</dd>
<dt>Rationale</dt><dd>${verification ? verification.rationale : html`<span class="empty">Not verified.</span>`}</dd>
${citations.length > 0 || (citationIssue && citationIssue !== "no_citation_required") ? html`<dt>Citation</dt><dd>${citations.join(", ")}${citations.length > 0 && citationIssue ? " — " : ""}${citationIssue ? CITATION_LABELS[citationIssue] ?? humanize(citationIssue) : ""}</dd>` : ""}
${repair ? html`<dt>Suggested repair</dt><dd>${repair}</dd>` : ""}
<dt>Details</dt><dd class="meta">${humanize(claim.claim_type)} claim · importance ${claim.importance} of 5${verification ? html` · confidence ${percent(verification.confidence)}` : ""} · ID <code>${claim.id}</code></dd>
</dl>
</li>`;
}

/**
 * One sentence in the tiles' own terms: the tile counts unsupported and
 * contradicted claims together, so the sentence does too (the engine's summary
 * says "unsupported" for both and writes "claim(s)").
 */
function summarySentence(claims: Claim[], report: ClaimReport): string {
  if (claims.length === 0) return "The output contains no checkable claims, so nothing was verified.";
  const flagged = report.unsupported_claims.length;
  const issues = report.citation_issues.length;
  const notChecked = claims.filter((claim) => claim.support_status === "not_checked").length;
  let sentence = `Of ${plural(claims.length, "claim")} in the output, ${flagged} ${flagged === 1 ? "is" : "are"} unsupported or contradicted, and the review found ${plural(issues, "citation issue")}.`;
  if (notChecked > 0) sentence += ` ${plural(notChecked, "claim")} could not be checked.`;
  return sentence;
}

const STRICTNESS_MEANINGS: Readonly<Record<Strictness, string>> = {
  standard: "the baseline policy for the intended use",
  strict: "every outcome short of Verified for use is one step worse than the baseline",
  advisory: "the outcome is never worse than Needs review",
};

const GATE_MODE_MEANINGS: Readonly<Record<GateMode, string>> = {
  advisory: "the verdict is a recommendation: the project's workflow does not hold the output back on it",
  enforcing: "the project's workflow acts on the verdict and holds back output the gate does not allow",
};

/** A short key to the page's vocabulary, for a reviewer who has not read the API docs. */
function guide(run: ReportPageInput["run"]): SafeHtml {
  const mode = run.gate_verdict?.mode;
  return html`<section class="guide" id="guide" aria-labelledby="guide-heading">
<h2 id="guide-heading">How to read this report</h2>
<dl>
${SUPPORT_STATUSES.map((s) => html`<dt><span class="tag s-${s}">${SUPPORT_LABELS[s]}</span></dt><dd>${SUPPORT_MEANINGS_LONG[s]}</dd>`)}
<dt>Use status</dt><dd>The gate's decision for ${humanize(run.intended_use)} use: the worst finding among the claims decides it. Needs repair means fix the flagged claims before use; Blocked means do not use the output.</dd>
${mode ? html`<dt>${mode === "advisory" ? "Advisory" : "Enforcing"}</dt><dd>The project's gate mode: ${GATE_MODE_MEANINGS[mode]}.</dd>` : ""}
<dt>${run.strictness[0]!.toUpperCase() + run.strictness.slice(1)} strictness</dt><dd>${STRICTNESS_MEANINGS[run.strictness]}.</dd>
<dt>Importance</dt><dd>How much an error in the claim would matter, from 1 to 5: numbers, permissions, obligations and negations rank higher.</dd>
<dt>Confidence</dt><dd>The calibrated probability that the claim's status is right: of the claims shown at 80%, about 8 in 10 have the status shown. It is not the probability that the claim is true.</dd>
</dl>
<p class="meta">Kivo compares the output with the supplied sources only, never with world knowledge.</p>
</section>`;
}

const SUPPORT_MEANINGS_LONG: Readonly<Record<SupportStatus, string>> = {
  supported: "A supplied source states it.",
  partially_supported: "A source covers part of it; the rest has no support.",
  unsupported: "No supplied source supports it. It may still be true, but it cannot be shown from the sources.",
  contradicted: "A supplied source says otherwise. The conflicting words are underlined with a wavy line.",
  insufficient_context: "Sources discuss it but neither confirm nor deny it.",
  not_checked: "It could not be checked (for example, a language the verifier cannot judge).",
};

function repairedAnswer(output: string, report: ClaimReport, numbers: ReadonlyMap<string, number>): SafeHtml {
  const repaired = repairedOutput(output, report);
  if (!repaired) return html``;
  const repairedNumbers = repaired.claimIds.map((id) => numbers.get(id)).filter((n): n is number => n !== undefined);
  const unrepaired = report.unsupported_claims
    .filter((item) => !repaired.claimIds.includes(item.claim_id))
    .map((item) => numbers.get(item.claim_id))
    .filter((n): n is number => n !== undefined);
  const list = (ns: number[]) => ns.map((n, i) => html`${i === 0 ? "" : i === ns.length - 1 ? " and " : ", "}<a href="#${claimAnchor(n)}">Claim ${n}</a>`);
  const rows = Math.min(20, Math.max(4, Math.ceil(repaired.text.length / 80) + repaired.text.split("\n").length));
  return html`<section aria-labelledby="repaired-heading">
<h2 id="repaired-heading">Repaired answer</h2>
<p>The output with the suggested ${repairedNumbers.length === 1 ? "repair" : "repairs"} to ${list(repairedNumbers)} applied. <span class="screen-only">Select the text to copy it, and read</span><span class="print-only">Read</span> it once more before use.${
    unrepaired.length > 0
      ? html` ${list(unrepaired)} ${unrepaired.length === 1 ? "has" : "have"} no suggested repair and ${unrepaired.length === 1 ? "is" : "are"} unchanged: revise or remove ${unrepaired.length === 1 ? "it" : "them"} yourself.`
      : ""
  }</p>
<textarea class="repaired" id="repaired-answer" readonly rows="${rows}" aria-labelledby="repaired-heading">${repaired.text}</textarea>
<pre class="repaired" aria-hidden="true">${repaired.text}</pre>
</section>`;
}

export function renderReportHtml(input: ReportPageInput): string {
  const { run, report, claims, sources } = input;
  const numbers = new Map(claims.map((claim, i) => [claim.id, i + 1]));
  const sourcesById = new Map(sources.map((source) => [source.id, source]));
  const ref = (claimId: string | null) => {
    const n = claimId ? numbers.get(claimId) : undefined;
    return n ? html`<a href="#${claimAnchor(n)}">Claim ${n}</a>: ` : "";
  };
  const status = run.safe_use_status;
  const verdict = run.gate_verdict;
  const counts = new Map<SupportStatus, number>();
  for (const claim of claims) counts.set(claim.support_status, (counts.get(claim.support_status) ?? 0) + 1);
  const coverage = report.metadata.source_coverage;

  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${report.title} · ${status ? SAFE_USE_LABELS[status] : run.status} · ${run.id}</title>
<style>${new SafeHtml(STYLESHEET)}</style>
</head>
<body>
<header class="banner v-${status ?? "none"}" id="verdict" data-safe-use-status="${status ?? ""}">
<div>
<p class="eyebrow">Kivo ${report.title.toLowerCase()}</p>
<h1>${status ? SAFE_USE_LABELS[status] : humanize(run.status)}</h1>
<p>${verdict ? html`Gate verdict <strong>${humanize(verdict.verdict)}</strong> (<a href="#guide">${verdict.mode}</a>)` : "No gate verdict"} for <strong>${humanize(run.intended_use)}</strong> use at <strong>${run.strictness}</strong> strictness.</p>
<p id="summary">${summarySentence(claims, report)}</p>
<dl class="counts">
<div><dt>Claims</dt><dd id="count-claims">${claims.length}</dd></div>
<div><dt>Unsupported or contradicted</dt><dd id="count-unsupported">${report.unsupported_claims.length}</dd></div>
<div><dt>Citation issues</dt><dd id="count-citation-issues">${report.citation_issues.length}</dd></div>
<div><dt>Source coverage</dt><dd>${coverage.claims_with_primary_source}/${plural(coverage.total_claims, "claim")}</dd></div>
</dl>
${verdict && verdict.reasons.length > 0 ? html`<ul class="reasons">${verdict.reasons.map((reason) => html`<li>${ref(reason.claim_id)}${reason.message}</li>`)}</ul>` : ""}
</div>
</header>
<main>
${input.link ? html`<p class="meta">Shared review link, valid until ${time(input.link.expires_at)}.</p>` : ""}
${report.metadata.leakage_check.passed ? "" : html`<p class="notice">Parts of this report were redacted because they quoted text that is not in this run's output or sources, or looked like a credential.</p>`}
${guide(run)}
<section aria-labelledby="output-heading">
<h2 id="output-heading">The AI output</h2>
${run.question ? html`<p class="question">Question: ${run.question}</p>` : ""}
<ul class="legend" aria-label="Legend">${SUPPORT_STATUSES.map(
    (s) => html`<li><span class="tag s-${s}">${SUPPORT_LABELS[s]}</span> ${SUPPORT_MEANINGS[s]} (${counts.get(s) ?? 0})</li>`,
  )}</ul>
<div class="output" id="ai-output">${highlightedOutput(run.ai_output, claims, numbers)}</div>
</section>
${repairedAnswer(run.ai_output, report, numbers)}
<section aria-labelledby="claims-heading">
<h2 id="claims-heading">Claims</h2>
${claims.length > 0 ? html`<ol class="claims">${claims.map((claim, i) => claimCard(claim, i + 1, report, sourcesById))}</ol>` : html`<p class="empty">No checkable claims were found in the output.</p>`}
</section>
<section aria-labelledby="citations-heading">
<h2 id="citations-heading">Citation issues</h2>
${report.citation_issues.length > 0 ? html`<ul id="citation-issues">${report.citation_issues.map((issue) => html`<li>${ref(issue.claim_id)}<strong>${CITATION_LABELS[issue.issue] ?? humanize(issue.issue)}</strong>${issue.citation ? html` (${issue.citation})` : ""}. ${issue.message}</li>`)}</ul>` : html`<p class="empty">No citation issues were found.</p>`}
</section>
${report.evidence_notes.length > 0 ? html`<section aria-labelledby="notes-heading">
<h2 id="notes-heading">Evidence notes</h2>
<ul>${report.evidence_notes.map((note) => html`<li>${ref(note.claim_id)}${note.note}</li>`)}</ul>
</section>` : ""}
<section aria-labelledby="follow-ups-heading">
<h2 id="follow-ups-heading">Follow-up questions</h2>
${report.follow_ups.length > 0 ? html`<ul id="follow-ups">${report.follow_ups.map((item) => {
    const { markup, namesClaim } = prose(item.question, numbers);
    return html`<li>${namesClaim ? "" : ref(item.claim_id)}${markup}</li>`;
  })}</ul>` : html`<p class="empty">None.</p>`}
</section>
<section aria-labelledby="sources-heading">
<h2 id="sources-heading">Sources</h2>
<div class="table-wrap"><table><thead><tr><th>#</th><th>Title</th><th>Citation label</th><th>URI</th></tr></thead><tbody>${sources.map(
    (source, i) => html`<tr><td>${i + 1}</td><td>${source.title}</td><td>${source.citation_label ?? ""}</td><td>${source.uri ? html`<code>${source.uri}</code>` : ""}</td></tr>`,
  )}</tbody></table></div>
</section>
</main>
<footer>
<p>Kivo judges support by the supplied sources only, never by world knowledge. The verdict is a workflow signal, not an approval.</p>
<p>Run <code>${run.id}</code> · created ${time(run.created_at)}${run.completed_at ? html` · completed ${time(run.completed_at)}` : ""} · ${report.compiler_version} · ${report.policy_version}</p>
</footer>
</body>
</html>
`.value;
}
