import type { Alignment } from "./alignment.ts";
import type { IndexedSentence, SourceIndex } from "./retrieve.ts";
import type { DecidingCheck, Finding } from "./checks/finding.ts";
import { hasLexicalEntry, lexicalRelation, type LexicalRelation } from "./lexical-relations.ts";
import { isContentToken, type Token } from "./text.ts";

// The learned decision's inputs: a few dozen named numbers read off a claim's
// alignment and the checks that fired. Each is bounded (shares in [0, 1],
// counts through log1p) so that one weight means the same thing on a one-line
// knowledge snippet and on a 50-page cited web page. The claim's length is
// deliberately absent: in labelled data it separates classes for reasons
// that have nothing to do with support (terse right answers, wordy wrong ones).

export const FEATURE_NAMES = [
  "coverage_sentence",
  "coverage_window",
  "coverage_sources",
  "novel_share",
  "novel_words",
  "novel_names",
  "missing_from_window",
  "found_elsewhere_only",
  "names_found_elsewhere_only",
  "pairs_in_window",
  "pairs_in_candidates",
  "order_kept",
  "copied_run",
  "all_words_in_window",
  "sentence_covers_all",
  "any_novel_word",
  "plain_sentence_share",
  "plain_novel_share",
  "question_share",
  "has_question",
  "is_fragment",
  "has_value",
  "check_value_conflict",
  "check_value_missing",
  "check_negation",
  "check_negated_word",
  "check_antonym",
  "check_exclusive_value",
  "check_modality",
  "check_entity_missing",
  "check_novel_terms",
  "check_answer_missing",
  "check_answer_found",
  "check_scope",
  "check_hedge",
  "first_person",
  "second_person",
  "opinion_words",
  "hedging_words",
  "source_size",
  "reworded_share",
  "more_specific_words",
  "opposite_words",
  "sibling_words",
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export type FeatureVector = Readonly<Record<FeatureName, number>>;

const FIRST_PERSON = new Set(["i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "i'm", "i've", "i'd", "i'll", "im", "ive"]);
const SECOND_PERSON = new Set(["you", "your", "yours", "you're", "youre", "you've", "yourself"]);
// Words that state a taste or a feeling rather than a fact a source could hold.
const OPINION = new Set([
  "love", "loved", "loves", "like", "liked", "likes", "enjoy", "enjoyed", "prefer", "favorite", "favourite", "fan", "hate",
  "think", "thought", "believe", "feel", "felt", "hope", "wish", "guess", "suppose", "awesome", "great", "cool", "amazing",
  "interesting", "fun", "funny", "wonderful", "beautiful", "boring", "nice", "best", "worst", "fascinating", "lovely", "sad",
]);
const HEDGES = new Set(["maybe", "probably", "perhaps", "might", "possibly", "apparently", "seems", "seem", "likely", "unsure", "sure"]);

const CHECK_FEATURES: ReadonlyArray<[DecidingCheck, FeatureName]> = [
  ["value_conflict", "check_value_conflict"],
  ["value_missing", "check_value_missing"],
  ["negation", "check_negation"],
  ["negated_word", "check_negated_word"],
  ["antonym", "check_antonym"],
  ["exclusive_value", "check_exclusive_value"],
  ["modality", "check_modality"],
  ["entity_missing", "check_entity_missing"],
  ["novel_terms", "check_novel_terms"],
  ["scope", "check_scope"],
  ["hedge", "check_hedge"],
];

// Claim word pairs (neighbouring content words) that some sentence of the
// evidence also uses close together: the words may all occur in the sources
// yet never in the combination the claim asserts. Keys as index key ids
// (-1: in no sentence), each sentence's read once into a reused buffer.
function pairShare(claimKeyIds: ReadonlyArray<number>, sentences: ReadonlyArray<IndexedSentence>, index: SourceIndex): number {
  if (claimKeyIds.length < 2) return 1;
  const pairs = claimKeyIds.length - 1;
  pairFound.fill(0, 0, pairs);
  let found = 0;
  for (const sentence of sentences) {
    if (found === pairs) break;
    const count = index.contentKeyIdsInto(sentence, EVIDENCE_WORDS, sentenceKeyIds);
    for (let i = 0; i < pairs; i++) {
      if (pairFound[i] === 0 && closeTogether(sentenceKeyIds, count, claimKeyIds[i] as number, claimKeyIds[i + 1] as number)) {
        pairFound[i] = 1;
        found++;
      }
    }
  }
  return found / pairs;
}

const PAIR_DISTANCE = 3;
// Bounds on the words these comparisons read, so that a pathological claim
// or a sentence without punctuation costs no more than a long real one: no
// statement has more content words, and the aligned part of a source
// sentence sits well inside the first few hundred.
const CLAIM_WORDS = 60;
const EVIDENCE_WORDS = 600;
const pairFound = new Uint8Array(CLAIM_WORDS);
const sentenceKeyIds = new Int32Array(EVIDENCE_WORDS);

function closeTogether(keys: Int32Array, count: number, a: number, b: number): boolean {
  for (let i = 0; i < count; i++) {
    if (keys[i] !== a) continue;
    for (let j = Math.max(0, i - PAIR_DISTANCE); j <= Math.min(count - 1, i + PAIR_DISTANCE); j++) if (j !== i && keys[j] === b) return true;
  }
  return false;
}

// Longest common subsequence of content words, over the claim's length: a
// claim that reuses the source's words in the source's order reads it.
function orderKept(claimKeys: ReadonlyArray<string>, sentenceKeys: ReadonlyArray<string>): number {
  if (claimKeys.length === 0) return 1;
  const m = sentenceKeys.length;
  let previous = new Uint16Array(m + 1);
  let current = new Uint16Array(m + 1);
  for (const key of claimKeys) {
    for (let j = 1; j <= m; j++) {
      current[j] = key === sentenceKeys[j - 1] ? (previous[j - 1] as number) + 1 : Math.max(previous[j] as number, current[j - 1] as number);
    }
    [previous, current] = [current, previous];
  }
  return (previous[m] as number) / claimKeys.length;
}

// The longest run of the claim's words (function words included) that the
// evidence has word for word, over the claim's length: copying versus composing.
function copiedRun(claimTokens: ReadonlyArray<Token>, evidence: ReadonlyArray<string>): number {
  if (claimTokens.length === 0) return 0;
  let longest = 0;
  // A plain scan of the evidence per claim word: both are bounded, and a map
  // of positions cost more to build than the scan it saves.
  for (let i = 0; i < claimTokens.length && claimTokens.length - i > longest; i++) {
    const lower = (claimTokens[i] as Token).lower;
    for (let at = 0; at < evidence.length; at++) {
      if (evidence[at] !== lower) continue;
      let n = 1;
      while (i + n < claimTokens.length && at + n < evidence.length && (claimTokens[i + n] as Token).lower === evidence[at + n]) n++;
      if (n > longest) longest = n;
    }
  }
  return longest / claimTokens.length;
}

function allWordsShare(claimTokens: ReadonlyArray<Token>, evidenceKeys: ReadonlyArray<string>): number {
  if (claimTokens.length === 0) return 1;
  const words = new Set(evidenceKeys);
  return claimTokens.filter((t) => words.has(t.key)).length / claimTokens.length;
}

// The share of the keys the sentence uses; keys as index key ids (-1: in no sentence).
function shareIn(keyIds: ReadonlyArray<number>, sentence: IndexedSentence, index: SourceIndex): number {
  if (keyIds.length === 0) return 1;
  let found = 0;
  for (const keyId of keyIds) if (keyId >= 0 && index.sentenceHasKeyId(sentence, keyId)) found++;
  return found / keyIds.length;
}

// How a claim word the evidence lacks relates to the evidence's words
// (WordNet): a synonym or a more specific source word supports it; a more
// general one, an opposite or a sibling ("lion" for "tiger") does not.
const RELATION_RANK: ReadonlyArray<LexicalRelation> = ["synonym", "hyponym", "antonym", "cohyponym", "hypernym"];
function strongestRelation(claimKey: string, evidenceKeys: ReadonlyArray<string>): LexicalRelation | null {
  // A word WordNet does not know relates to nothing (lexicalRelation's null).
  if (!hasLexicalEntry(claimKey)) return null;
  let best: LexicalRelation | null = null;
  for (const key of evidenceKeys) {
    const relation = lexicalRelation(claimKey, key);
    if (relation === null || relation === "same") continue;
    if (best === null || RELATION_RANK.indexOf(relation) < RELATION_RANK.indexOf(best)) best = relation;
  }
  return best;
}

function contentKeys(tokens: ReadonlyArray<Token>): string[] {
  return tokens.filter(isContentToken).map((t) => t.key);
}

function anyWord(tokens: ReadonlyArray<Token>, words: ReadonlySet<string>): number {
  return tokens.some((t) => words.has(t.lower.includes("’") ? t.lower.replace(/’/g, "'") : t.lower)) ? 1 : 0;
}

export function extractFeatures(alignment: Alignment, findings: ReadonlyArray<Finding>): FeatureVector {
  const { claim, claimTokens, terms, contextKeys, best, scored, index, missing, novel, novelEntities } = alignment;
  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0) || 1;
  const anywhereWeight = terms.filter((t) => index.occursLoosely(t.token.key)).reduce((sum, t) => sum + t.weight, 0);
  const elsewhereOnly = missing.filter((t) => index.occursLoosely(t.token.key));
  const claimKeys = terms.map((t) => t.token.key).slice(0, CLAIM_WORDS);
  const claimKeyIds = claimKeys.map((key) => index.keyIdOfKey(key));
  const boundedClaimTokens = claimTokens.slice(0, CLAIM_WORDS * 2);
  const candidateSentences = scored.flatMap((c) => c.window);
  const fired = new Set(findings.map((f) => f.check));
  const questionTerms = terms.filter((t) => contextKeys.has(t.token.key)).length;
  // Read off the index, only for a claim with words the window lacks.
  const windowWords = missing.length === 0 ? [] : best.window.flatMap((sentence) => index.contentKeysOf(sentence, EVIDENCE_WORDS));
  const relations = missing.slice(0, CLAIM_WORDS).map((t) => strongestRelation(t.token.key, windowWords));
  // The window's words (lower-case forms and keys), read off the index.
  const windowLowers: string[] = [];
  const windowWordKeys: string[] = [];
  for (const sentence of best.window) index.appendWordForms(sentence, EVIDENCE_WORDS, windowLowers, windowWordKeys);

  const vector: Record<FeatureName, number> = {
    coverage_sentence: Math.min(1, best.sentenceCoverage),
    coverage_window: Math.min(1, best.windowCoverage),
    coverage_sources: Math.min(1, anywhereWeight / totalWeight),
    novel_share: Math.min(1, alignment.novelWeight),
    novel_words: Math.log1p(novel.length),
    novel_names: Math.log1p(novelEntities.length),
    missing_from_window: Math.log1p(missing.length),
    found_elsewhere_only: Math.log1p(elsewhereOnly.length),
    names_found_elsewhere_only: Math.log1p(elsewhereOnly.filter((t) => t.token.isCapitalized && t.weight > 1).length),
    pairs_in_window: pairShare(claimKeyIds, best.window, index),
    pairs_in_candidates: pairShare(claimKeyIds, candidateSentences, index),
    order_kept: orderKept(claimKeys, contentKeys(alignment.sentenceTokens.slice(0, EVIDENCE_WORDS))),
    copied_run: copiedRun(boundedClaimTokens, windowLowers),
    all_words_in_window: allWordsShare(boundedClaimTokens, windowWordKeys),
    sentence_covers_all: best.sentenceCoverage >= 0.999 ? 1 : 0,
    any_novel_word: novel.length > 0 ? 1 : 0,
    // Unweighted and blind to the question: every content word counts once.
    plain_sentence_share: Math.max(...scored.map((c) => shareIn(claimKeyIds, c.sentence, index))),
    plain_novel_share: claimKeys.length === 0 ? 0 : claimKeys.filter((k) => !index.occursLoosely(k)).length / claimKeys.length,
    question_share: terms.length === 0 ? 0 : questionTerms / terms.length,
    has_question: claim.context !== null && claim.role !== "appended" ? 1 : 0,
    is_fragment: claim.role === "clause" || claim.role === "appended" ? 1 : 0,
    has_value: alignment.claimQuantities.length > 0 ? 1 : 0,
    check_value_conflict: 0,
    check_value_missing: 0,
    check_negation: 0,
    check_negated_word: 0,
    check_antonym: 0,
    check_exclusive_value: 0,
    check_modality: 0,
    check_entity_missing: 0,
    check_novel_terms: 0,
    check_answer_missing: findings.some((f) => f.check === "answer_missing" && f.status === "unsupported") ? 1 : 0,
    check_answer_found: fired.has("answer_found") ? 1 : 0,
    check_scope: 0,
    check_hedge: 0,
    first_person: anyWord(claimTokens, FIRST_PERSON),
    second_person: anyWord(claimTokens, SECOND_PERSON),
    opinion_words: anyWord(claimTokens, OPINION),
    hedging_words: anyWord(claimTokens, HEDGES),
    source_size: Math.min(1, Math.log1p(index.sentences.length) / 8),
    reworded_share: relations.length === 0 ? 1 : relations.filter((r) => r === "synonym" || r === "hyponym").length / relations.length,
    more_specific_words: Math.log1p(relations.filter((r) => r === "hypernym").length),
    opposite_words: Math.log1p(relations.filter((r) => r === "antonym").length),
    sibling_words: Math.log1p(relations.filter((r) => r === "cohyponym").length),
  };
  // Indexed, not destructured: destructuring each pair allocated an iterator.
  for (const pair of CHECK_FEATURES) if (fired.has(pair[0])) vector[pair[1]] = 1;
  return vector;
}
