import type { SupportStatus } from "../../schemas/enums.ts";
import type { TextRange, Token } from "../text.ts";

// What a check says when it fires, and the wording its rationale uses.

export type DecidingCheck =
  | "value_conflict"
  | "value_missing"
  | "negation"
  | "negated_word"
  | "antonym"
  | "exclusive_value"
  | "modality"
  | "entity_missing"
  | "novel_terms"
  | "scope"
  | "hedge"
  | "coverage"
  | "answer_found"
  | "answer_missing"
  | "bare_yes_no"
  | "language"
  | "no_evidence"
  | "learned";

export interface EvidenceQuote {
  sourceIndex: number;
  start: number;
  end: number;
}

export interface ValueRepair {
  // Output range to replace and the source range that replaces it.
  outputStart: number;
  outputEnd: number;
  sourceIndex: number;
  sourceStart: number;
  sourceEnd: number;
}

// One check that fired: what it concludes and why. `evidence` overrides the
// aligned sentence when the check found its own (a negated phrase elsewhere).
export interface Finding {
  status: SupportStatus;
  check: DecidingCheck;
  rationale: string;
  evidence?: EvidenceQuote | null;
  repair?: ValueRepair;
  missingTerms?: string[];
  errorSpans?: TextRange[];
}

// Quoted source text inside a rationale sentence: whitespace collapsed, the
// final full stop dropped so the rationale's own punctuation closes it.
// The checks and the decision quote a claim's best sentence several times:
// the last answer is kept (a pure function's one-entry memo).
let lastQuoted: string | null = null;
let lastQuote = "";
export function quote(text: string): string {
  if (text === lastQuoted) return lastQuote;
  // Only the start is shown; collapsing a whole page per claim cost more than the claim.
  const collapsed = text.slice(0, 1_000).replace(/\s+/g, " ").trim().replace(/[.;:,]$/, "");
  lastQuote = collapsed.length > 120 ? `${collapsed.slice(0, 117)}…` : collapsed;
  lastQuoted = text;
  return lastQuote;
}

export function listTerms(terms: ReadonlyArray<string>): string {
  const unique = [...new Set(terms)];
  const shown = unique.slice(0, 4).map((t) => `"${t}"`);
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

// The output range of a word a check names, for error spans.
export function spansOfWord(tokens: ReadonlyArray<Token>, word: string): TextRange[] {
  const first = word.split(/[\s-]+/)[0] ?? word;
  const token = tokens.find((t) => t.raw === first || t.lower === first.toLowerCase());
  return token ? [{ start: token.start, end: token.end }] : [];
}
