import type { SupportStatus } from "../schemas/enums.ts";
import type { ExtractedClaim } from "./extract-claims.ts";
import {
  EXCLUSIVE_CLASSES,
  FRAMING_WORDS,
  LIMITING_QUANTIFIERS,
  MODAL_WORDS,
  NEGATORS,
  NON_NEGATING_PHRASES,
  SYNONYMS,
  UNIVERSAL_QUANTIFIERS,
  buildAntonymIndex,
  type Modality,
} from "./lexicon.ts";
import { comparable, extractQuantities, quantityMatches, sameNumber, type Quantity } from "./quantities.ts";
import { isVariantKey, type IndexedSentence, type SourceIndex } from "./retrieve.ts";
import { porterStem } from "./stem.ts";
import { decide } from "./decision.ts";
import { extractFeatures, type FeatureVector } from "./features.ts";
import { isContentToken, normalizeNumberText, type TextRange, type Token, type Tokenizer } from "./text.ts";

// Verification: the claim against its best evidence, by explicit checks. Each
// check that fires names what differs; the first decisive one sets the status.

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
  // Claim-relative replacement: output[claimStart + start, claimStart + end) → source text.
  outputStart: number;
  outputEnd: number;
  sourceIndex: number;
  sourceStart: number;
  sourceEnd: number;
}

export interface Verification {
  status: SupportStatus;
  check: DecidingCheck;
  rationale: string;
  evidence: EvidenceQuote | null;
  candidateCount: number;
  coverage: number;
  repair: ValueRepair | null;
  // What the evidence leaves out, for evidence notes.
  missingTerms: string[];
  // Output ranges of the words that are wrong or unsupported, where a check localises them.
  errorSpans: TextRange[];
  // The learned decision's inputs and its calibrated probability that the
  // claim is not supported; null when a claim never reached alignment.
  features: FeatureVector | null;
  score: number | null;
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
  errorSpan?: TextRange | null;
  errorSpans?: TextRange[];
}

// What alignment found for one claim: its words, the evidence it matched and
// what of the claim that evidence (and the sources at large) leave out.
export interface Alignment {
  claim: ExtractedClaim;
  claimTokens: Token[];
  terms: ClaimTerm[];
  contextKeys: ReadonlySet<string>;
  scored: ScoredCandidate[];
  best: ScoredCandidate;
  sentenceTokens: Token[];
  windowKeys: ReadonlySet<string>;
  index: SourceIndex;
  missing: ClaimTerm[];
  novel: ClaimTerm[];
  novelEntities: ClaimTerm[];
  novelWeight: number;
  claimQuantities: Quantity[];
}

export interface ClaimTerm {
  token: Token;
  weight: number;
}

const ANTONYMS = buildAntonymIndex((word) => porterStem(SYNONYMS.get(word) ?? word));
const EXCLUSIVE_CLASS_KEYS: ReadonlyArray<ReadonlySet<string>> = EXCLUSIVE_CLASSES.map(
  (members) => new Set([...members].map((word) => SYNONYMS.get(word) ?? word)),
);
const CANDIDATE_LIMIT = 5;
// Framing words matched by stem, so "discussing" counts like "discussed".
const FRAMING_KEYS: ReadonlySet<string> = new Set([...FRAMING_WORDS].map((word) => porterStem(SYNONYMS.get(word) ?? word)));

// Thresholds, tuned on the first doc_key half of the SummEdits dev set (see docs/engine.md).
export const THRESHOLDS = {
  supported: 0.8,
  partial: 0.5,
  topical: 0.25,
  novelShareForUnsupported: 0.35,
  shortAnswerWords: 25,
  antonymCoverage: 0.3,
  slotValueCoverage: 0.7,
  negatedPhraseShared: 2,
};

// Quoted source text inside a rationale sentence: whitespace collapsed, the
// final full stop dropped so the rationale's own punctuation closes it.
function quote(text: string): string {
  const collapsed = text.replace(/\s+/g, " ").trim().replace(/[.;:,]$/, "");
  return collapsed.length > 120 ? `${collapsed.slice(0, 117)}…` : collapsed;
}

function listTerms(terms: ReadonlyArray<string>): string {
  const unique = [...new Set(terms)];
  const shown = unique.slice(0, 4).map((t) => `"${t}"`);
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

function inExcluded(token: { start: number; end: number }, excluded: ReadonlyArray<{ start: number; end: number }>): boolean {
  return excluded.some((range) => token.start < range.end && token.end > range.start);
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

function keyMatches(key: string, keys: ReadonlySet<string> | ReadonlyMap<string, number>): boolean {
  if (keys.has(key)) return true;
  if (key.length < 5 || isDigitCode(key.charCodeAt(0))) return false;
  for (const other of keys.keys()) if (isVariantKey(key, other)) return true;
  return false;
}

function keysOfWindow(window: ReadonlyArray<IndexedSentence>): Set<string> {
  const keys = new Set<string>();
  for (const sentence of window) for (const key of sentence.keys.keys()) keys.add(key);
  return keys;
}

// Parity of negators, skipping "not only", "no later than" and friends, so a
// double negation reads as positive.
export function negationParity(tokens: ReadonlyArray<Token>): { negated: boolean; cue: string | null } {
  let count = 0;
  let cue: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const lower = token.lower.replace(/’/g, "'");
    const isNegator = NEGATORS.has(lower) || lower.endsWith("n't");
    if (!isNegator) continue;
    const next = tokens[i + 1]?.lower ?? "";
    if (NON_NEGATING_PHRASES.some(([first, second]) => first === lower && second === next)) continue;
    if (lower === "no" && (next === "doubt" || next === "matter")) continue;
    // "…, but not for elderly users" narrows the scope; it does not negate the clause.
    const previous = tokens[i - 1]?.lower;
    if (lower === "not" && (previous === "but" || previous === "if") && i > 2) continue;
    count++;
    cue ??= token.raw;
  }
  return { negated: count % 2 === 1, cue };
}

function modalitiesOf(tokens: ReadonlyArray<Token>): Map<Modality, string> {
  const found = new Map<Modality, string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const next = tokens[i + 1]?.lower;
    let modality = MODAL_WORDS.get(token.lower);
    if ((token.lower === "have" || token.lower === "has" || token.lower === "need" || token.lower === "needs") && next === "to") modality = "obligation";
    if (modality && !found.has(modality)) found.set(modality, token.raw);
  }
  return found;
}

function sentenceText(index: SourceIndex, sentence: IndexedSentence): string {
  return (index.sources[sentence.sourceIndex]?.content ?? "").slice(sentence.start, sentence.end);
}

// Negators of the evidence sentence that govern a word the claim shares (within
// the next four words): a negation elsewhere in a long sentence belongs to
// another clause.
function evidenceNegation(tokens: ReadonlyArray<Token>, claimKeys: ReadonlySet<string>): { negated: boolean; cue: string | null } {
  const governing: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const single = negationParity(tokens.slice(i, i + 2));
    if (!single.negated || single.cue !== (tokens[i] as Token).raw) continue;
    const scope = tokens.slice(i + 1, i + 5);
    if (scope.some((t) => claimKeys.has(t.key))) governing.push(tokens[i] as Token);
  }
  return { negated: governing.length % 2 === 1, cue: governing[0]?.raw ?? null };
}

export interface ScoredCandidate {
  sentence: IndexedSentence;
  window: IndexedSentence[];
  sentenceCoverage: number;
  windowCoverage: number;
  rank: number;
}

export interface VerifyOptions {
  sourceFilter?: ReadonlySet<number>;
}

export function verifyClaim(
  output: string,
  claim: ExtractedClaim,
  index: SourceIndex,
  tokenize: Tokenizer,
  options: VerifyOptions = {},
): Verification {
  const noEvidence = (check: DecidingCheck, rationale: string, status: SupportStatus = "unsupported"): Verification => ({
    status, check, rationale, evidence: null, candidateCount: 0, coverage: 0, repair: null, missingTerms: [], errorSpans: [], features: null, score: null,
  });
  if (claim.language === "unsupported") {
    return noEvidence("language", "The claim is not in English, which the deterministic verifier cannot judge; a reviewer must check it.", "not_checked");
  }

  const claimTokens = tokenize(output, claim.start, claim.end).filter((t) => !inExcluded(t, claim.excluded));
  const contextTokens = claim.context === null ? [] : tokenize(claim.context).filter(isContentToken);
  const contextKeys = new Set(contextTokens.map((t) => t.key));
  const isAnswer = claim.role === "answer";

  if (isAnswer && /^(yes|no)$/i.test(claim.text.trim())) {
    return noEvidence("bare_yes_no", "A bare yes/no answer cannot be matched to source wording; a reviewer must compare it with the question.", "insufficient_context");
  }

  const terms: ClaimTerm[] = [];
  claimTokens.forEach((token, i) => {
    if (!isContentToken(token)) return;
    let weight = 1;
    if (FRAMING_KEYS.has(token.key)) weight = 0.25;
    else if (token.isCapitalized && i > 0) weight = 1.5;
    // Restating the question is not the answer; its words matter less.
    if (claim.role === "sentence" && contextKeys.has(token.key)) weight *= 0.5;
    terms.push({ token, weight });
  });
  if (terms.length === 0) {
    return noEvidence("no_evidence", "The claim has no content words to check against the sources.", "insufficient_context");
  }

  const query = new Map<string, number>();
  for (const term of terms) query.set(term.token.key, Math.max(query.get(term.token.key) ?? 0, term.weight));
  for (const token of contextTokens) if (!query.has(token.key)) query.set(token.key, isAnswer ? 0.8 : 0.3);
  const candidates = index.search(query, CANDIDATE_LIMIT, options.sourceFilter);
  if (candidates.length === 0) {
    const shown = terms.filter((t) => t.weight >= 1).map((t) => t.token.raw);
    return noEvidence("no_evidence", `No supplied source mentions ${listTerms(shown.length ? shown : terms.map((t) => t.token.raw))}.`);
  }

  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0);
  const claimKeys = new Set(terms.map((t) => t.token.key));
  const scored: ScoredCandidate[] = candidates.map((candidate, rank) => {
    const window = index.window(candidate.sentence);
    const neighbours = window.filter((s) => s !== candidate.sentence);
    let inSentence = 0;
    let inWindow = 0;
    for (const term of terms) {
      if (keyMatches(term.token.key, candidate.sentence.keys)) {
        inSentence += term.weight;
        inWindow += term.weight;
      } else if (neighbours.some((s) => keyMatches(term.token.key, s.keys))) {
        inWindow += term.weight;
      }
    }
    let contextCoverage = 0;
    if (isAnswer && contextTokens.length > 0) {
      contextCoverage = contextTokens.filter((t) => window.some((s) => s.keys.has(t.key))).length / contextTokens.length;
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
  const claimQuantities = extractQuantities(output, claim.start, claim.end).filter((q) => !inExcluded(q, claim.excluded));
  const valueIn = (quantity: Quantity, sentences: ReadonlyArray<IndexedSentence>): boolean =>
    sentences.some((s) => mayHoldValue(quantity, s, index) && index.quantitiesOf(s).some((e) => quantityMatches(quantity, e)));
  const valueShare = (c: ScoredCandidate): number => {
    if (claimQuantities.length === 0) return 0;
    return claimQuantities.filter((q) => valueIn(q, c.window)).length / claimQuantities.length;
  };
  const preference = new Map(scored.map((c) => [c, c.sentenceCoverage + 0.5 * c.windowCoverage + 0.3 * valueShare(c) - c.rank * 0.001]));
  scored.sort((a, b) => (preference.get(b) ?? 0) - (preference.get(a) ?? 0) || a.rank - b.rank);
  const best = scored[0] as ScoredCandidate;
  const bestText = sentenceText(index, best.sentence);
  const evidence: EvidenceQuote = { sourceIndex: best.sentence.sourceIndex, start: best.sentence.start, end: best.sentence.end };
  const sourceTitle = index.sources[best.sentence.sourceIndex]?.title ?? "the source";
  const windowKeys = keysOfWindow(best.window);
  const coverage = Math.min(1, best.windowCoverage);
  const sentenceTokens = index.tokensOf(best.sentence);

  // Every check runs; the first that fires (in this order, most specific
  // first) gives the rule verdict and its rationale, and every one that fired
  // is a feature of the learned decision.
  const findings: Finding[] = [];
  const found = (finding: Finding): void => {
    findings.push(finding);
  };

  // Values: a number in the claim must occur in the evidence; a different value
  // of the same kind there is a contradiction.
  for (const quantity of claimQuantities) {
    let conflict: Quantity | undefined;
    if (valueIn(quantity, best.window)) {
      // Slot comparison: an ordinal or count of the same noun in a sentence the
      // claim follows closely ("the third quarter" against "the second
      // quarter") outweighs the value turning up in a neighbouring sentence.
      if (quantity.unit === null || (quantity.kind !== "ordinal" && quantity.kind !== "count")) continue;
      if (best.sentenceCoverage < THRESHOLDS.slotValueCoverage || valueIn(quantity, [best.sentence])) continue;
      conflict = conflictingValue(quantity, claimQuantities, index.quantitiesOf(best.sentence));
      if (!conflict) continue;
    }
    conflict ??= conflictingValue(quantity, claimQuantities, index.quantitiesOf(best.sentence));
    if (conflict && best.windowCoverage >= THRESHOLDS.partial * 0.8) {
      const sourceContent = index.sources[best.sentence.sourceIndex]?.content ?? "";
      const sourceValue = sourceContent.slice(conflict.start, conflict.end);
      found({
        status: "contradicted",
        check: "value_conflict",
        rationale: `${sourceTitle} states ${sourceValue}, but the claim says ${quantity.raw}.`,
        errorSpan: { start: quantity.start, end: quantity.end },
        repair: {
          outputStart: quantity.start,
          outputEnd: quantity.end,
          sourceIndex: best.sentence.sourceIndex,
          sourceStart: conflict.start,
          sourceEnd: conflict.end,
        },
      });
      break;
    }
    if (!valueOccursAnywhere(quantity, index)) {
      const nearest = index.quantitiesOf(best.sentence)[0];
      const hint = nearest ? ` The closest source statement gives ${nearest.raw}.` : "";
      found({
        status: "unsupported",
        check: "value_missing",
        rationale: `No supplied source states ${quantity.raw}.${hint}`,
        missingTerms: [quantity.raw],
        errorSpan: { start: quantity.start, end: quantity.end },
      });
      break;
    }
  }

  const strongMatch = best.sentenceCoverage >= 0.6;

  // Polarity.
  const claimPolarity = negationParity(claimTokens);
  const evidencePolarity = evidenceNegation(sentenceTokens, claimKeys);
  const antonymHit = findAntonym(claimTokens, sentenceTokens);
  if (strongMatch && claimPolarity.negated !== evidencePolarity.negated && !antonymHit) {
    const rationale = claimPolarity.negated
      ? `The claim negates what ${sourceTitle} affirms ("${claimPolarity.cue}" has no counterpart in: "${quote(bestText)}").`
      : `${sourceTitle} negates this ("${evidencePolarity.cue}" in: "${quote(bestText)}"), but the claim affirms it.`;
    const cueToken = claimPolarity.negated ? claimTokens.find((t) => t.raw === claimPolarity.cue) : undefined;
    found({ status: "contradicted", check: "negation", rationale, errorSpan: cueToken ? { start: cueToken.start, end: cueToken.end } : null });
  }
  // A long claim rarely matches one sentence strongly; then the negated word
  // itself is compared: "does not assure competitive prices" against a source
  // that assures them.
  // On a strong match clause parity has been compared already; only the
  // contrastive cues it leaves out ("…, but not X", "excluding X") are compared word by word.
  const flipped = best.sentenceCoverage >= 0.4 ? findLocalNegationFlip(claimTokens, sentenceTokens, strongMatch) : null;
  if (flipped && !antonymHit) {
    const rationale = flipped.negatedInClaim
      ? `The claim negates "${flipped.word}" ("${flipped.cue}"), but ${sourceTitle} affirms it: "${quote(bestText)}".`
      : `${sourceTitle} negates "${flipped.word}" ("${flipped.cue}" in: "${quote(bestText)}"), but the claim affirms it.`;
    found({ status: "contradicted", check: "negated_word", rationale, errorSpan: spanOfWord(claimTokens, flipped.negatedInClaim ? flipped.cue : flipped.word) });
  }
  const negatedPhrase = flipped || antonymHit ? null : findNegatedPhraseConflict(claimTokens, index, options.sourceFilter);
  if (negatedPhrase) {
    const text = sentenceText(index, negatedPhrase.sentence);
    found({
      evidence: { sourceIndex: negatedPhrase.sentence.sourceIndex, start: negatedPhrase.sentence.start, end: negatedPhrase.sentence.end },
      status: "contradicted",
      check: "negated_word",
      rationale: `The claim negates "${negatedPhrase.word}" ("${negatedPhrase.cue}"), but ${index.sources[negatedPhrase.sentence.sourceIndex]?.title ?? "the source"} affirms it: "${quote(text)}".`,
      errorSpan: spanOfWord(claimTokens, negatedPhrase.cue),
    });
  }
  if (antonymHit && best.sentenceCoverage >= THRESHOLDS.antonymCoverage && claimPolarity.negated === evidencePolarity.negated) {
    found({
      status: "contradicted",
      check: "antonym",
      rationale: `The claim says "${antonymHit.claimWord}" where ${sourceTitle} says "${antonymHit.sourceWord}".`,
      errorSpan: spanOfWord(claimTokens, antonymHit.claimWord),
    });
  }

  const prefixed = findPrefixNegation(claimTokens, sentenceTokens, windowKeys);
  if (prefixed && best.sentenceCoverage >= 0.5) {
    found({
      status: "contradicted",
      check: "antonym",
      rationale: `The claim says "${prefixed.claimWord}" where ${sourceTitle} says "${prefixed.sourceWord}".`,
      errorSpan: spanOfWord(claimTokens, prefixed.claimWord),
    });
  }

  const exclusive = findExclusiveConflict(terms, best.sentence, sentenceTokens);
  if (exclusive && best.sentenceCoverage >= 0.4) {
    found({
      status: "contradicted",
      check: "exclusive_value",
      rationale: `${sourceTitle} says "${exclusive.sourceWord}", not "${exclusive.claimWord}".`,
      errorSpan: spanOfWord(claimTokens, exclusive.claimWord),
    });
  }

  // Modality: "must" where the source says "may" changes the rule.
  const claimModes = modalitiesOf(claimTokens);
  const evidenceModes = modalitiesOf(sentenceTokens);
  if (strongMatch && claimModes.has("obligation") && evidenceModes.has("permission") && !evidenceModes.has("obligation")) {
    found({
      status: "contradicted",
      check: "modality",
      rationale: `The claim makes it an obligation ("${claimModes.get("obligation")}") where ${sourceTitle} only permits it ("${evidenceModes.get("permission")}").`,
      errorSpan: spanOfWord(claimTokens, claimModes.get("obligation") ?? ""),
    });
  }
  if (strongMatch && claimModes.has("permission") && evidenceModes.has("obligation") && !evidenceModes.has("permission") && claimPolarity.negated !== evidencePolarity.negated) {
    found({
      status: "contradicted",
      check: "modality",
      rationale: `The claim and ${sourceTitle} disagree on whether this is allowed ("${claimModes.get("permission")}" against "${evidenceModes.get("obligation")}").`,
      errorSpan: spanOfWord(claimTokens, claimModes.get("permission") ?? ""),
    });
  }

  // Coverage of the claim's words.
  const missing = terms.filter((t) => !keyMatches(t.token.key, windowKeys));
  // A framing word absent from the source is rewording, not a new fact.
  const novel = missing.filter((t) => !index.occursLoosely(t.token.key) && !FRAMING_KEYS.has(t.token.key));
  // Capitalized past the first word: a name, not a sentence start.
  const novelEntities = novel.filter((t) => t.token.isCapitalized && t.weight > 1);
  // Words that restate the user's question carry no new fact; the share of new
  // words is taken over the rest, the part that answers.
  const answersQuestion = claim.role === "sentence" && claim.context !== null;
  const assertingTerms = answersQuestion ? terms.filter((t) => !contextKeys.has(t.token.key)) : terms;
  const assertingWeight = assertingTerms.reduce((sum, t) => sum + t.weight, 0) || totalWeight;
  const novelWeight = novel.reduce((sum, t) => sum + t.weight, 0) / assertingWeight;
  const missingNames = missing.map((t) => t.token.raw);
  const spansOf = (list: ReadonlyArray<ClaimTerm>): TextRange[] => list.map((t) => ({ start: t.token.start, end: t.token.end }));

  if (isAnswer) {
    const answerTerms = terms.filter((t) => !contextKeys.has(t.token.key));
    const answerMissing = answerTerms.filter((t) => !keyMatches(t.token.key, windowKeys));
    const absent = answerMissing.filter((t) => !index.occursLoosely(t.token.key));
    if (answerTerms.length > 0 && answerMissing.length === 0) {
      found({ status: "supported", check: "answer_found", rationale: `${sourceTitle} gives this answer: "${quote(bestText)}".` });
    } else if (absent.length > 0) {
      found({
        status: "unsupported",
        check: "answer_missing",
        rationale: `No supplied source mentions ${listTerms(absent.map((t) => t.token.raw))}, so this answer is not supported.`,
        missingTerms: absent.map((t) => t.token.raw),
        errorSpans: spansOf(absent),
      });
    } else {
      found({
        status: "insufficient_context",
        check: "answer_missing",
        rationale: `The sources mention ${listTerms(answerMissing.map((t) => t.token.raw))} but not in the passage that answers the question.`,
        missingTerms: answerMissing.map((t) => t.token.raw),
      });
    }
  }

  if (novelEntities.length > 0) {
    found({
      status: "unsupported",
      check: "entity_missing",
      rationale: `No supplied source mentions ${listTerms(novelEntities.map((t) => t.token.raw))}.`,
      missingTerms: novelEntities.map((t) => t.token.raw),
      errorSpans: spansOf(novelEntities),
    });
  }
  // A short answer should be drawn from the sources, so any new word in it
  // counts; longer prose paraphrases, so only a substantial share of new words does.
  const isShortAnswer = answersQuestion && claimTokens.length <= THRESHOLDS.shortAnswerWords;
  const novelShareLimit = isShortAnswer ? 0 : THRESHOLDS.novelShareForUnsupported;
  if (novel.length > 0 && novelWeight >= novelShareLimit) {
    found({
      status: "unsupported",
      check: isShortAnswer ? "answer_missing" : "novel_terms",
      rationale: `No supplied source mentions ${listTerms(novel.map((t) => t.token.raw))}.`,
      missingTerms: novel.map((t) => t.token.raw),
      errorSpans: spansOf(novel),
    });
  }

  if (coverage >= THRESHOLDS.supported) {
    const scope = findScopeGap(claimTokens, best.window, index);
    if (scope) {
      found({
        status: "partially_supported",
        check: "scope",
        rationale: `${sourceTitle} supports the statement but not its scope: it does not say "${scope}".`,
        missingTerms: [scope],
        errorSpan: spanOfWord(claimTokens, scope.split(" ")[0] ?? scope),
      });
    }
    if ((claimModes.has("certainty")) && (evidenceModes.has("possibility") || evidenceModes.has("permission")) && !evidenceModes.has("certainty")) {
      found({
        status: "partially_supported",
        check: "hedge",
        rationale: `The claim is certain ("${claimModes.get("certainty")}") where ${sourceTitle} hedges ("${evidenceModes.get("possibility") ?? evidenceModes.get("permission")}").`,
        errorSpan: spanOfWord(claimTokens, claimModes.get("certainty") ?? ""),
      });
    }
    const rationale = missing.length === 0
      ? `${sourceTitle} states this: "${quote(bestText)}".`
      : `${sourceTitle} states this in other words: "${quote(bestText)}".`;
    found({ status: "supported", check: "coverage", rationale });
  } else if (coverage >= THRESHOLDS.partial) {
    found({
      status: "partially_supported",
      check: "coverage",
      rationale: `${sourceTitle} covers part of this claim but not ${listTerms(missingNames)}.`,
      missingTerms: missingNames,
      errorSpans: spansOf(missing),
    });
  } else if (coverage >= THRESHOLDS.topical) {
    found({
      status: "insufficient_context",
      check: "coverage",
      rationale: `${sourceTitle} discusses the topic but neither confirms nor denies ${listTerms(missingNames)}.`,
      missingTerms: missingNames,
      errorSpans: spansOf(missing),
    });
  } else {
    found({
      status: "unsupported",
      check: "coverage",
      evidence: null,
      rationale: `No supplied source supports this claim; the closest passage does not mention ${listTerms(missingNames)}.`,
      missingTerms: missingNames,
      errorSpans: spansOf(missing),
    });
  }

  const alignment: Alignment = {
    claim, claimTokens, terms, contextKeys, scored, best, sentenceTokens, windowKeys, index,
    missing, novel, novelEntities, novelWeight, claimQuantities,
  };
  const features = extractFeatures(alignment, findings);
  const ruleVerdict = findings[0] as Finding;
  const decided = decide(features, ruleVerdict, findings, alignment, { sourceTitle, bestText: quote(bestText) });
  return {
    status: decided.status,
    check: decided.check,
    rationale: decided.rationale,
    evidence: decided.evidence === undefined ? evidence : decided.evidence,
    candidateCount: candidates.length,
    coverage,
    repair: decided.repair ?? null,
    missingTerms: decided.missingTerms ?? [],
    errorSpans: decided.errorSpans,
    features,
    score: decided.score,
  };
}

function spanOfWord(tokens: ReadonlyArray<Token>, word: string): TextRange | null {
  const first = word.split(/[\s-]+/)[0] ?? word;
  const token = tokens.find((t) => t.raw === first || t.lower === first.toLowerCase());
  return token ? { start: token.start, end: token.end } : null;
}

// The evidence value a claim value contradicts: of the same kind, different,
// and not the counterpart of another of the claim's values: in "$6.90 per
// share and earned $3.1 billion", the source's $3.1 billion answers the second
// value, so it cannot contradict the first.
function conflictingValue(quantity: Quantity, claimQuantities: ReadonlyArray<Quantity>, evidence: ReadonlyArray<Quantity>): Quantity | undefined {
  return evidence.find((e) => {
    if (!comparable(quantity, e) || quantityMatches(quantity, e)) return false;
    if (claimQuantities.some((other) => other !== quantity && quantityMatches(other, e))) return false;
    return true;
  });
}

// A value written in digits can only match a sentence holding those digits or
// a written-out number. Scaled, decimal, ranged and duration values are let
// through, and so are durations, ordinals ("Q2" = "second quarter") and dates.
function mayHoldValue(quantity: Quantity, sentence: IndexedSentence, index: SourceIndex): boolean {
  const digits = /\d[\d.,]*/.exec(quantity.raw);
  if (!digits || quantity.high !== null || quantity.precision > 0) return true;
  if (quantity.kind === "duration" || quantity.kind === "ordinal" || quantity.kind === "date") return true;
  const written = normalizeNumberText(digits[0]);
  if (Number(written) !== quantity.value) return true;
  return sentence.keys.has(written) || index.hasNumberWords(sentence);
}

function valueOccursAnywhere(quantity: Quantity, index: SourceIndex): boolean {
  const key = normalizeNumberText(String(quantity.kind === "duration" || quantity.kind === "date" ? "" : quantity.value));
  const keys = new Set<string>();
  const digits = /\d[\d.,]*/.exec(quantity.raw);
  if (digits) keys.add(normalizeNumberText(digits[0]));
  if (key !== "") keys.add(key);
  const seen = new Set<number>();
  for (const k of keys) {
    for (const id of [...index.sentencesContaining(k), ...index.sentencesWithGluedNumber(k)]) {
      if (seen.has(id)) continue;
      seen.add(id);
      const sentence = index.sentences[id];
      if (sentence && index.quantitiesOf(sentence).some((e) => sameNumber(quantity, e))) return true;
    }
  }
  // Written-out numbers in the source ("twelve") are not in the posting lists.
  return index.sentencesWithNumberWords.some((id) => {
    const sentence = index.sentences[id];
    return sentence !== undefined && index.quantitiesOf(sentence).some((e) => sameNumber(quantity, e));
  });
}

// An opposite counts only next to a word both texts share ("reduce costs"
// against "increase costs"), not anywhere in the sentence: the claim's word and
// the source's opposite each have the shared word within three content words,
// and the source does not also pair the claim's own word with it.
function findAntonym(
  claimTokens: ReadonlyArray<Token>,
  sentenceTokens: ReadonlyArray<Token>,
): { claimWord: string; sourceWord: string } | null {
  const claim = claimTokens.filter(isContentToken);
  const tokens = sentenceTokens.filter(isContentToken);
  for (let c = 0; c < claim.length; c++) {
    const term = claim[c] as Token;
    const opposites = ANTONYMS.get(term.key);
    if (!opposites) continue;
    const nearby = claim.slice(Math.max(0, c - 3), c + 4).filter((t) => t !== term);
    // A claim that names both sides ("from growth to decline") states no opposite.
    if (nearby.some((t) => opposites.has(t.key))) continue;
    const claimNear = new Set(nearby.filter((t) => !ANTONYMS.has(t.key)).map((t) => t.key));
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (!opposites.has(token.key)) continue;
      for (let j = Math.max(0, i - 3); j < Math.min(tokens.length, i + 4); j++) {
        const shared = tokens[j] as Token;
        if (j === i || !claimNear.has(shared.key)) continue;
        // The source pairs the claim's own word with the shared word too.
        if (tokens.slice(Math.max(0, j - 3), j + 4).some((t) => t.key === term.key)) continue;
        return { claimWord: term.raw, sourceWord: token.raw };
      }
    }
  }
  return null;
}

// Content words governed by a negator: the first content word among the next
// three tokens of each negator.
const EXCLUDERS: ReadonlySet<string> = new Set(["excluding", "except"]);

// With `contrastiveOnly`, only the cues clause parity leaves out: "excluding
// X", "except X" and "…, but not X" deny X without negating the clause.
function negatedWords(tokens: ReadonlyArray<Token>, contrastiveOnly = false): Map<string, { cue: string; word: string }> {
  const found = new Map<string, { cue: string; word: string }>();
  for (let i = 0; i < tokens.length; i++) {
    const pair = negationParity(tokens.slice(i, i + 2));
    const token = tokens[i] as Token;
    const contrastive = EXCLUDERS.has(token.lower) || (token.lower === "not" && tokens[i - 1]?.lower === "but");
    if (contrastiveOnly ? !contrastive : !contrastive && (!pair.negated || pair.cue !== token.raw)) continue;
    const governed = tokens.slice(i + 1, i + 4).find((t) => isContentToken(t) && !NEGATORS.has(t.lower));
    if (governed && !found.has(governed.key)) found.set(governed.key, { cue: token.raw, word: governed.raw });
  }
  return found;
}

// The next four content words after each occurrence of `key`.
function governedKeys(tokens: ReadonlyArray<Token>, key: string): Set<string> {
  const near = new Set<string>();
  const content = tokens.filter(isContentToken);
  content.forEach((token, i) => {
    if (token.key !== key) return;
    for (const t of content.slice(i + 1, i + 5)) if (t.key !== key) near.add(t.key);
  });
  return near;
}

// A negated phrase aligned on its own: in a long claim the best sentence may
// match another part, so "does not assure competitive prices" is looked up by
// its own words. The source must use the word un-negated with at least two of
// the words it governs in the claim.
function findNegatedPhraseConflict(
  claimTokens: ReadonlyArray<Token>,
  index: SourceIndex,
  sourceFilter: ReadonlySet<number> | undefined,
): { word: string; cue: string; sentence: IndexedSentence } | null {
  for (const [key, { cue, word }] of negatedWords(claimTokens)) {
    const governed = governedKeys(claimTokens, key);
    if (governed.size < THRESHOLDS.negatedPhraseShared) continue;
    const query = new Map<string, number>([[key, 2]]);
    for (const k of governed) query.set(k, 1);
    for (const candidate of index.search(query, 3, sourceFilter)) {
      const tokens = index.tokensOf(candidate.sentence);
      if (!tokens.some((t) => t.key === key) || negatedWords(tokens).has(key)) continue;
      let shared = 0;
      for (const k of governedKeys(tokens, key)) if (governed.has(k)) shared++;
      if (shared >= THRESHOLDS.negatedPhraseShared) return { word, cue, sentence: candidate.sentence };
    }
  }
  return null;
}

// Content keys in the four tokens after each occurrence of `key`: what the word governs.
function neighbourKeys(tokens: ReadonlyArray<Token>, key: string): Set<string> {
  const near = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.key !== key) return;
    for (const t of tokens.slice(i + 1, i + 5)) if (t.key !== key && isContentToken(t)) near.add(t.key);
  });
  return near;
}

// The same word negated on one side only, and about the same thing: both
// sides share a word it governs ("not using the voice feature" says nothing
// about "using cheaper materials").
function findLocalNegationFlip(
  claimTokens: ReadonlyArray<Token>,
  sentenceTokens: ReadonlyArray<Token>,
  contrastiveOnly = false,
): { word: string; cue: string; negatedInClaim: boolean } | null {
  const claimNegated = negatedWords(claimTokens, contrastiveOnly);
  const sourceNegated = negatedWords(sentenceTokens, contrastiveOnly);
  const sharesContext = (key: string): boolean => {
    const inSource = neighbourKeys(sentenceTokens, key);
    for (const k of neighbourKeys(claimTokens, key)) if (inSource.has(k)) return true;
    return false;
  };
  for (const [key, { cue, word }] of claimNegated) {
    if (sourceNegated.has(key)) continue;
    if (sentenceTokens.some((t) => t.key === key) && sharesContext(key)) return { word, cue, negatedInClaim: true };
  }
  for (const [key, { cue, word }] of sourceNegated) {
    if (claimNegated.has(key)) continue;
    if (claimTokens.some((t) => t.key === key) && sharesContext(key)) return { word, cue, negatedInClaim: false };
  }
  return null;
}

const NEGATIVE_PREFIXES = ["non", "un", "in", "im", "ir", "il", "dis"];

// "inefficient" against "efficient", "non-exclusive" against "exclusive", in
// either direction: one text negates the other's word with a prefix.
function findPrefixNegation(
  claimTokens: ReadonlyArray<Token>,
  sentenceTokens: ReadonlyArray<Token>,
  windowKeys: ReadonlySet<string>,
): { claimWord: string; sourceWord: string } | null {
  const baseOf = (tokens: ReadonlyArray<Token>, i: number): { base: string; shown: string } | null => {
    const token = tokens[i] as Token;
    if (token.lower === "non" && tokens[i + 1] && tokens[i + 1]?.start === token.end + 1) {
      const next = tokens[i + 1] as Token;
      return { base: next.key, shown: `${token.raw}-${next.raw}` };
    }
    for (const prefix of NEGATIVE_PREFIXES) {
      if (token.lower.startsWith(prefix) && token.lower.length - prefix.length >= 5) {
        return { base: porterStem(token.lower.slice(prefix.length)), shown: token.raw };
      }
    }
    return null;
  };
  const claimKeys = new Set(claimTokens.map((t) => t.key));
  for (let i = 0; i < claimTokens.length; i++) {
    const negated = baseOf(claimTokens, i);
    const token = claimTokens[i] as Token;
    if (!negated || windowKeys.has(token.key) || claimKeys.has(negated.base) && token.lower === "non") continue;
    const hit = sentenceTokens.find((t) => t.key === negated.base);
    if (hit) return { claimWord: negated.shown, sourceWord: hit.raw };
  }
  for (let i = 0; i < sentenceTokens.length; i++) {
    const negated = baseOf(sentenceTokens, i);
    if (!negated) continue;
    const token = sentenceTokens[i] as Token;
    const hit = claimTokens.find((t) => t.key === negated.base);
    if (hit && !claimKeys.has(token.key) && !claimTokens.some((t) => t.lower === "non" && t.end + 1 === hit.start)) {
      return { claimWord: hit.raw, sourceWord: negated.shown };
    }
  }
  return null;
}

function findExclusiveConflict(terms: ReadonlyArray<ClaimTerm>, sentence: IndexedSentence, tokens: ReadonlyArray<Token>): { claimWord: string; sourceWord: string } | null {
  for (const term of terms) {
    const word = SYNONYMS.get(term.token.lower) ?? term.token.lower;
    const members = EXCLUSIVE_CLASS_KEYS.find((set) => set.has(word));
    if (!members) continue;
    // Judged on the sentence alone: a neighbouring sentence may describe
    // someone else ("… a Japanese author.Roberto Bolaño … a Chilean novelist").
    if (sentence.keys.has(term.token.key)) continue;
    const hit = tokens.find((t) => {
      const other = SYNONYMS.get(t.lower) ?? t.lower;
      return other !== word && members.has(other);
    });
    if (hit) return { claimWord: term.token.raw, sourceWord: hit.raw };
  }
  return null;
}

// A universal or exclusive word ("any", "all", "only") the evidence does not
// repeat: the claim asserts a wider scope than the source.
function findScopeGap(claimTokens: ReadonlyArray<Token>, window: ReadonlyArray<IndexedSentence>, index: SourceIndex): string | null {
  const evidenceWords = new Set<string>();
  for (const sentence of window) for (const token of index.tokensOf(sentence)) evidenceWords.add(token.lower);
  for (let i = 0; i < claimTokens.length; i++) {
    const token = claimTokens[i] as Token;
    if (!UNIVERSAL_QUANTIFIERS.has(token.lower)) continue;
    if (token.lower === "only" && claimTokens[i - 1]?.lower === "not") continue;
    if (evidenceWords.has(token.lower)) continue;
    const limited = [...evidenceWords].some((w) => LIMITING_QUANTIFIERS.has(w));
    const next = claimTokens[i + 1];
    const phrase = next && isContentToken(next) ? `${token.raw} ${next.raw}` : token.raw;
    if (limited || token.lower === "only" || token.lower === "all" || token.lower === "any" || token.lower === "every") return phrase;
  }
  return null;
}

