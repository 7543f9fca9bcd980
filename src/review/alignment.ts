import type { SupportStatus } from "../schemas/enums.ts";
import { listTerms, type DecidingCheck, type EvidenceQuote } from "./checks/finding.ts";
import type { ExtractedClaim } from "./extract-claims.ts";
import { FRAMING_WORDS, SYNONYMS } from "./lexicon.ts";
import { extractQuantities, quantityMatches, type Quantity } from "./quantities.ts";
import { isVariantKey, type IndexedSentence, type SourceIndex } from "./retrieve.ts";
import { porterStem } from "./stem.ts";
import { THRESHOLDS } from "./thresholds.ts";
import { isContentToken, normalizeNumberText, type Token, type Tokenizer } from "./text.ts";

// Alignment: a claim's words, the evidence sentence they match best (with its
// neighbours), and what of the claim that evidence, and the sources at large,
// leave out. Every check and every feature reads this one structure.

export interface ClaimTerm {
  token: Token;
  weight: number;
}

export interface ScoredCandidate {
  sentence: IndexedSentence;
  window: IndexedSentence[];
  sentenceCoverage: number;
  windowCoverage: number;
  rank: number;
}

export interface Alignment {
  claim: ExtractedClaim;
  claimTokens: Token[];
  terms: ClaimTerm[];
  totalWeight: number;
  claimKeys: ReadonlySet<string>;
  contextKeys: ReadonlySet<string>;
  isAnswer: boolean;
  // A whole sentence read with the user's question (not a short answer).
  answersQuestion: boolean;
  index: SourceIndex;
  scored: ScoredCandidate[];
  best: ScoredCandidate;
  evidence: EvidenceQuote;
  sentenceTokens: Token[];
  windowKeys: ReadonlySet<string>;
  coverage: number;
  claimQuantities: Quantity[];
  // Claim words absent from the evidence window; of those, absent from every
  // source (framing words aside); of those, names.
  missing: ClaimTerm[];
  novel: ClaimTerm[];
  novelEntities: ClaimTerm[];
  // Weighted share of the asserting words (the question's own words aside) that is novel.
  novelWeight: number;
}

export type AlignmentOutcome =
  | { kind: "decided"; status: SupportStatus; check: DecidingCheck; rationale: string }
  | { kind: "aligned"; alignment: Alignment; candidateCount: number };

// Framing words matched by stem, so "discussing" counts like "discussed".
export const FRAMING_KEYS: ReadonlySet<string> = new Set([...FRAMING_WORDS].map((word) => porterStem(SYNONYMS.get(word) ?? word)));

export function inExcluded(token: { start: number; end: number }, excluded: ReadonlyArray<{ start: number; end: number }>): boolean {
  for (const range of excluded) if (token.start < range.end && token.end > range.start) return true;
  return false;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function keyMatches(key: string, keys: ReadonlySet<string> | ReadonlyMap<string, number>): boolean {
  if (keys.has(key)) return true;
  if (key.length < 5 || isDigitCode(key.charCodeAt(0))) return false;
  for (const other of keys.keys()) if (isVariantKey(key, other)) return true;
  return false;
}

function keysOfWindow(window: ReadonlyArray<IndexedSentence>, index: SourceIndex): Set<string> {
  const keys = new Set<string>();
  for (const sentence of window) index.addKeysOf(sentence, keys);
  return keys;
}

export function sentenceText(index: SourceIndex, sentence: IndexedSentence): string {
  return (index.sources[sentence.sourceIndex]?.content ?? "").slice(sentence.start, sentence.end);
}

// A value written in digits can only match a sentence holding those digits or
// a written-out number. Scaled, decimal, ranged and duration values are let
// through, and so are durations, ordinals ("Q2" = "second quarter") and dates.
// The digits key a sentence must hold, or null when any sentence may hold the value.
function requiredDigits(quantity: Quantity): string | null {
  const digits = /\d[\d.,]*/.exec(quantity.raw);
  if (!digits || quantity.high !== null || quantity.precision > 0) return null;
  if (quantity.kind === "duration" || quantity.kind === "ordinal" || quantity.kind === "date") return null;
  const written = normalizeNumberText(digits[0]);
  if (Number(written) !== quantity.value) return null;
  return written;
}

export function valueIn(quantity: Quantity, sentences: ReadonlyArray<IndexedSentence>, index: SourceIndex): boolean {
  const written = requiredDigits(quantity);
  for (const sentence of sentences) {
    if (written !== null && !index.sentenceHasKey(sentence, written) && !index.hasNumberWords(sentence)) continue;
    for (const found of index.quantitiesOf(sentence)) if (quantityMatches(quantity, found)) return true;
  }
  return false;
}

// "10 kg (23 lb)", "$5 million (€4.6 million)": the value in brackets right
// after another restates it in other units; the sources need only hold one.
function isConversion(output: string, quantity: Quantity, previous: Quantity | undefined): boolean {
  // Between them at most the first value's unit word: "10 kg (", "$5 million (".
  return previous !== undefined && quantity.start - previous.end <= 16 && /^\s*[\p{L}%°.]{0,8}\s*\($/u.test(output.slice(previous.end, quantity.start));
}

export function alignClaim(
  output: string,
  claim: ExtractedClaim,
  index: SourceIndex,
  tokenize: Tokenizer,
  sourceFilter: ReadonlySet<number> | undefined,
): AlignmentOutcome {
  const decided = (check: DecidingCheck, rationale: string, status: SupportStatus): AlignmentOutcome => ({ kind: "decided", status, check, rationale });
  if (claim.language === "unsupported") {
    return decided("language", "The claim is not in English, which the deterministic verifier cannot judge; a reviewer must check it.", "not_checked");
  }

  const claimTokens = tokenize(output, claim.start, claim.end).filter((t) => !inExcluded(t, claim.excluded));
  const contextTokens = claim.context === null ? [] : tokenize(claim.context).filter(isContentToken);
  const contextKeys = new Set(contextTokens.map((t) => t.key));
  const isAnswer = claim.role === "answer";

  if (isAnswer && /^(yes|no)$/i.test(claim.text.trim())) {
    return decided("bare_yes_no", "A bare yes/no answer cannot be matched to source wording; a reviewer must compare it with the question.", "insufficient_context");
  }

  const terms: ClaimTerm[] = [];
  claimTokens.forEach((token, i) => {
    if (!isContentToken(token)) return;
    let weight = 1;
    if (FRAMING_KEYS.has(token.key)) weight = 0.25;
    // A capital after a colon starts a sentence ("WBS: Break down the
    // project"), it does not mark a name.
    else if (token.isCapitalized && i > 0 && !/:\s*$/.test(output.slice(Math.max(claim.start, token.start - 3), token.start))) weight = 1.5;
    // Restating the question is not the answer; its words matter less.
    if (claim.role === "sentence" && contextKeys.has(token.key)) weight *= 0.5;
    terms.push({ token, weight });
  });
  if (terms.length === 0) {
    return decided("no_evidence", "The claim has no content words to check against the sources.", "insufficient_context");
  }

  const query = new Map<string, number>();
  for (const term of terms) query.set(term.token.key, Math.max(query.get(term.token.key) ?? 0, term.weight));
  for (const token of contextTokens) if (!query.has(token.key)) query.set(token.key, isAnswer ? 0.8 : 0.3);
  if (claim.antecedent !== null) {
    for (const token of tokenize(claim.antecedent).filter(isContentToken)) if (!query.has(token.key)) query.set(token.key, 0.3);
  }
  const candidates = index.search(query, THRESHOLDS.candidateLimit, sourceFilter);
  if (candidates.length === 0) {
    const shown = terms.filter((t) => t.weight >= 1).map((t) => t.token.raw);
    const named = shown.length ? shown : terms.map((t) => t.token.raw);
    return decided("no_evidence", `No supplied source mentions ${listTerms(named)}.`, "unsupported");
  }

  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0);
  const claimKeys = new Set(terms.map((t) => t.token.key));
  // keyMatches against a sentence's keys, as integer comparisons: the key ids
  // each term matches are found once, not by walking every candidate's keys
  // as strings for each term it lacks.
  const termKeyIds = terms.map((t) => index.matchingKeyIds(t.token.key));
  const scored: ScoredCandidate[] = candidates.map((candidate, rank) => {
    const window = index.window(candidate.sentence);
    const neighbours = window.filter((s) => s !== candidate.sentence);
    let inSentence = 0;
    let inWindow = 0;
    for (let t = 0; t < terms.length; t++) {
      const term = terms[t] as ClaimTerm;
      const keyIds = termKeyIds[t] as ReadonlyArray<number>;
      if (index.sentenceHasAnyKey(candidate.sentence, keyIds)) {
        inSentence += term.weight;
        inWindow += term.weight;
      } else {
        for (const neighbour of neighbours) {
          if (index.sentenceHasAnyKey(neighbour, keyIds)) {
            inWindow += term.weight;
            break;
          }
        }
      }
    }
    let contextCoverage = 0;
    if (isAnswer && contextTokens.length > 0) {
      contextCoverage = contextTokens.filter((t) => window.some((s) => index.sentenceHasKey(s, t.key))).length / contextTokens.length;
    }
    return {
      sentence: candidate.sentence,
      window,
      sentenceCoverage: inSentence / totalWeight + (isAnswer ? contextCoverage * 0.5 : 0),
      windowCoverage: inWindow / totalWeight,
      rank,
    };
  });
  // Values are the most specific words a claim has: a passage holding the
  // claim's values is preferred over one that merely shares more words.
  const claimQuantities = extractQuantities(output, claim.start, claim.end)
    .filter((q) => !inExcluded(q, claim.excluded))
    .filter((q, i, all) => !isConversion(output, q, all[i - 1]))
    .slice(0, THRESHOLDS.claimValues);
  const valueShare = (c: ScoredCandidate): number => {
    if (claimQuantities.length === 0) return 0;
    return claimQuantities.filter((q) => valueIn(q, c.window, index)).length / claimQuantities.length;
  };
  // By rank (scored[rank] before sorting): a Map keyed by the candidates
  // would give every candidate object an identity hash.
  const preference = scored.map((c) => c.sentenceCoverage + 0.5 * c.windowCoverage + 0.3 * valueShare(c) - c.rank * 0.001);
  scored.sort((a, b) => (preference[b.rank] as number) - (preference[a.rank] as number) || a.rank - b.rank);
  const best = scored[0] as ScoredCandidate;
  const windowKeys = keysOfWindow(best.window, index);

  // keyMatches(key, windowKeys), sentence by sentence.
  const missing = terms.filter((_, t) => {
    for (const sentence of best.window) if (index.sentenceHasAnyKey(sentence, termKeyIds[t] as ReadonlyArray<number>)) return false;
    return true;
  });
  // A framing word absent from the source is rewording, not a new fact.
  const novel = missing.filter((t) => !index.occursLoosely(t.token.key) && !FRAMING_KEYS.has(t.token.key));
  // Capitalized past the first word: a name, not a sentence start.
  const novelEntities = novel.filter((t) => t.token.isCapitalized && t.weight > 1);
  // Words that restate the user's question carry no new fact; the share of new
  // words is taken over the rest, the part that answers.
  const answersQuestion = claim.role === "sentence" && claim.context !== null;
  const assertingTerms = answersQuestion ? terms.filter((t) => !contextKeys.has(t.token.key)) : terms;
  const assertingWeight = assertingTerms.reduce((sum, t) => sum + t.weight, 0) || totalWeight;

  return {
    kind: "aligned",
    candidateCount: candidates.length,
    alignment: {
      claim,
      claimTokens,
      terms,
      totalWeight,
      claimKeys,
      contextKeys,
      isAnswer,
      answersQuestion,
      index,
      scored,
      best,
      evidence: { sourceIndex: best.sentence.sourceIndex, start: best.sentence.start, end: best.sentence.end },
      sentenceTokens: index.tokensOf(best.sentence).slice(0, THRESHOLDS.evidenceTokens),
      windowKeys,
      coverage: Math.min(1, best.windowCoverage),
      claimQuantities,
      missing,
      novel,
      novelEntities,
      novelWeight: novel.reduce((sum, t) => sum + t.weight, 0) / assertingWeight,
    },
  };
}
