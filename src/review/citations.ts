import type { CitationCheckResult } from "../schemas/enums.ts";
import type { CitationIssueItem } from "../schemas/review-artifacts.ts";
import type { TextRange } from "./text.ts";

// Citation markers in the output and what they point at. A marker resolves by
// citation label ("[source 2]"), by title ("(Refund policy)", "according to the
// admin guide") or, for a number, by position ("[2]").

export interface CitableSource {
  id: string;
  title: string;
  citation_label: string | null;
}

export interface FoundCitation extends TextRange {
  marker: string;
  resolvedSourceId: string | null;
  // The marker's own wording of the reference, for messages ("source 7").
  reference: string;
}

const DOCUMENT_NOUNS =
  /\b(guide|policy|policies|handbook|manual|documentation|docs|faq|article|report|page|document|terms|agreement|contract|source|website|site|spec|specification|notes|memo|knowledge base|playbook|runbook|wiki|readme|sheet|brochure|announcement|release notes)$/i;
const ATTRIBUTION = /\b(according to|as stated in|as described in|as noted in|as outlined in|as documented in|as per|per|based on|citing)\s+((?:the|our|your)\s+)?([^,.;:()[\]\n]{1,60}?)(?=\s*(?:[,.;:()[\]\n]|$))/gi;

function normalizeReference(text: string): string {
  return text.toLowerCase().replace(/[“”"'’]/g, "").replace(/\s+/g, " ").trim();
}

function contentWords(text: string): string[] {
  return normalizeReference(text).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1 && !["the", "our", "your", "a", "an", "of", "and"].includes(w));
}

const SOURCE_NUMBER = /^\[?\s*(?:(?:source|src|doc|document|ref)\s*#?\s*)?(\d{1,3})\s*\]?$/;
// A title that opens with its marker ("[5] https://…"), as search-backed answers
// list their references.
const TITLE_MARKER = /^\s*\[\s*(\d{1,3})\s*\]/;

function sourceNumberOf(text: string): number | null {
  const match = SOURCE_NUMBER.exec(normalizeReference(text));
  return match ? Number(match[1]) : null;
}

// A numbered reference means the caller's own numbering when the sources carry
// one (label, then a title that opens with the marker); their order is only the
// last resort, since callers often send a subset of what the answer cites.
function resolveNumber(n: number, sources: ReadonlyArray<CitableSource>): string | null {
  for (const source of sources) {
    if (source.citation_label !== null && sourceNumberOf(source.citation_label) === n) return source.id;
  }
  for (const source of sources) {
    const match = TITLE_MARKER.exec(source.title);
    if (match && Number(match[1]) === n) return source.id;
  }
  return sources[n - 1]?.id ?? null;
}

export function resolveReference(reference: string, sources: ReadonlyArray<CitableSource>): string | null {
  const ref = normalizeReference(reference).replace(/^(see|source:|from|per)\s+/, "");
  if (ref === "") return null;
  for (const source of sources) {
    if (source.citation_label !== null && normalizeReference(source.citation_label) === ref) return source.id;
  }
  const n = sourceNumberOf(ref);
  if (n !== null) return resolveNumber(n, sources);
  for (const source of sources) {
    if (normalizeReference(source.title) === ref) return source.id;
  }
  // "the admin guide" for a source titled "Admin guide", or "the refund policy page".
  const refWords = contentWords(ref);
  for (const source of sources) {
    const titleWords = contentWords(source.title);
    if (titleWords.length === 0 || refWords.length === 0) continue;
    const titleInRef = titleWords.every((w) => refWords.includes(w));
    const refInTitle = refWords.every((w) => titleWords.includes(w));
    if (titleInRef || refInTitle) return source.id;
  }
  return null;
}

function looksLikeSourceReference(reference: string): boolean {
  const ref = normalizeReference(reference);
  return /^(?:source|src|doc|document|ref)\s*#?\s*\d{1,3}$/.test(ref) || /^\d{1,3}$/.test(ref);
}

// Markers are returned in text order. A parenthetical or attribution that names
// nothing resembling a document is ordinary prose, not a citation.
export function findCitationMarkers(text: string, sources: ReadonlyArray<CitableSource>): FoundCitation[] {
  const found: FoundCitation[] = [];
  for (const match of text.matchAll(/\[([^[\]\n]{1,80})\]/g)) {
    const start = match.index;
    const end = start + match[0].length;
    if (text[end] === "(") continue; // a markdown link's text
    const inner = match[1] ?? "";
    for (const part of inner.split(/[,;]/)) {
      const reference = part.trim();
      if (reference === "") continue;
      found.push({ start, end, marker: match[0], reference, resolvedSourceId: resolveReference(reference, sources) });
    }
  }
  for (const match of text.matchAll(/\(([^()\n]{1,80})\)/g)) {
    const reference = (match[1] ?? "").trim();
    const resolved = resolveReference(reference, sources);
    const exact = resolved !== null && (looksLikeSourceReference(reference) || isNamedExactly(reference, sources));
    if (!exact && !looksLikeSourceReference(reference)) continue;
    found.push({ start: match.index, end: match.index + match[0].length, marker: match[0], reference, resolvedSourceId: exact ? resolved : null });
  }
  for (const match of text.matchAll(ATTRIBUTION)) {
    const verb = (match[1] ?? "").toLowerCase();
    const determiner = match[2] ?? "";
    const reference = (match[3] ?? "").trim();
    if ((verb === "per" || verb === "based on") && determiner === "") continue; // "per month", "based on usage"
    const resolved = resolveReference(reference, sources);
    if (resolved === null && !DOCUMENT_NOUNS.test(reference) && !looksLikeSourceReference(reference)) continue;
    const end = match.index + match[0].length;
    found.push({ start: match.index, end, marker: text.slice(match.index, end), reference, resolvedSourceId: resolved });
  }
  return found.sort((a, b) => a.start - b.start || a.end - b.end);
}

function isNamedExactly(reference: string, sources: ReadonlyArray<CitableSource>): boolean {
  const ref = normalizeReference(reference).replace(/^(see|source:|from|per)\s+/, "");
  return sources.some((s) => normalizeReference(s.title) === ref || (s.citation_label !== null && normalizeReference(s.citation_label) === ref));
}

export interface CitationVerdict {
  result: CitationCheckResult;
  citation: string | null;
  message: string | null;
}

/** The claim report's entry for a verdict that is an issue; null for a citation that holds or none needed. */
export function citationIssueOf(claimId: string, verdict: CitationVerdict): CitationIssueItem | null {
  const { result, citation, message } = verdict;
  if (result === "no_citation_required" || result === "citation_ok" || message === null) return null;
  return { claim_id: claimId, issue: result, citation, message };
}

export interface CitationEvidence {
  // Whether the claim holds against the cited sources alone.
  citedSourcesSupport: boolean;
  // Whether any supplied source supports it (so another source could be cited).
  anySourceSupports: boolean;
  supportingSourceTitle: string | null;
}

// One issue per claim, the one a reader fixes first: unknown_source beats
// wrong_source beats unsupported_citation;
// missing_citation only in strict runs whose output cites elsewhere.
export function judgeCitations(
  citations: ReadonlyArray<FoundCitation>,
  evidence: CitationEvidence | null,
  options: { strict: boolean; outputHasCitations: boolean; sources: ReadonlyArray<CitableSource> },
): CitationVerdict {
  if (citations.length === 0) {
    if (options.strict && options.outputHasCitations) {
      return { result: "missing_citation", citation: null, message: "This claim cites no source although the rest of the output does." };
    }
    return { result: "no_citation_required", citation: null, message: null };
  }
  const unknown = citations.find((c) => c.resolvedSourceId === null);
  if (unknown) {
    return {
      result: "unknown_source",
      citation: unknown.marker,
      message: `The citation ${unknown.marker} does not match any supplied source (${options.sources.length} supplied).`,
    };
  }
  const first = citations[0];
  if (!evidence || first === undefined) return { result: "citation_ok", citation: null, message: null };
  if (evidence.citedSourcesSupport) return { result: "citation_ok", citation: first.marker, message: null };
  if (evidence.anySourceSupports) {
    const other = evidence.supportingSourceTitle === null ? "another supplied source" : `"${evidence.supportingSourceTitle}"`;
    return {
      result: "wrong_source",
      citation: first.marker,
      message: `The cited source ${first.marker} does not support this claim; ${other} does.`,
    };
  }
  return {
    result: "unsupported_citation",
    citation: first.marker,
    message: `The cited source ${first.marker} exists but nothing in it supports this claim.`,
  };
}
