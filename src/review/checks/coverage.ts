import { keyMatches, type ClaimTerm } from "../alignment.ts";
import { LIMITING_QUANTIFIERS, UNIVERSAL_QUANTIFIERS } from "../lexicon.ts";
import type { IndexedSentence, SourceIndex } from "../retrieve.ts";
import { THRESHOLDS } from "../thresholds.ts";
import { isContentToken, type TextRange, type Token } from "../text.ts";
import { listTerms, quote, spansOfWord, type Finding } from "./finding.ts";
import type { CheckContext } from "./context.ts";

// Coverage: how much of the claim its evidence holds, and what is new.

const spansOf = (terms: ReadonlyArray<ClaimTerm>): TextRange[] => terms.map((t) => ({ start: t.token.start, end: t.token.end }));

// A short answer to a question: every answer word must be in a passage that
// matches the question.
export function answerChecks({ alignment, sourceTitle, bestText }: CheckContext): Finding[] {
  const { isAnswer, terms, contextKeys, windowKeys, index } = alignment;
  if (!isAnswer) return [];
  const answerTerms = terms.filter((t) => !contextKeys.has(t.token.key));
  const answerMissing = answerTerms.filter((t) => !keyMatches(t.token.key, windowKeys));
  const absent = answerMissing.filter((t) => !index.occursLoosely(t.token.key));
  if (answerTerms.length > 0 && answerMissing.length === 0) {
    return [{ status: "supported", check: "answer_found", rationale: `${sourceTitle} gives this answer: "${quote(bestText)}".` }];
  }
  if (absent.length > 0) {
    return [{
      status: "unsupported",
      check: "answer_missing",
      rationale: `No supplied source mentions ${listTerms(absent.map((t) => t.token.raw))}, so this answer is not supported.`,
      missingTerms: absent.map((t) => t.token.raw),
      errorSpans: spansOf(absent),
    }];
  }
  return [{
    status: "insufficient_context",
    check: "answer_missing",
    rationale: `The sources mention ${listTerms(answerMissing.map((t) => t.token.raw))} but not in the passage that answers the question.`,
    missingTerms: answerMissing.map((t) => t.token.raw),
  }];
}

export function entityMissingCheck({ alignment }: CheckContext): Finding[] {
  const { novelEntities } = alignment;
  if (novelEntities.length === 0) return [];
  return [{
    status: "unsupported",
    check: "entity_missing",
    rationale: `No supplied source mentions ${listTerms(novelEntities.map((t) => t.token.raw))}.`,
    missingTerms: novelEntities.map((t) => t.token.raw),
    errorSpans: spansOf(novelEntities),
  }];
}

// A short answer should be drawn from the sources, so any new word in it
// counts; longer prose paraphrases, so only a substantial share of new words does.
export function novelTermsCheck({ alignment }: CheckContext): Finding[] {
  const { novel, novelWeight, answersQuestion, claimTokens } = alignment;
  const isShortAnswer = answersQuestion && claimTokens.length <= THRESHOLDS.shortAnswerWords;
  const limit = isShortAnswer ? 0 : THRESHOLDS.novelShareForUnsupported;
  if (novel.length === 0 || novelWeight < limit) return [];
  return [{
    status: "unsupported",
    check: isShortAnswer ? "answer_missing" : "novel_terms",
    rationale: `No supplied source mentions ${listTerms(novel.map((t) => t.token.raw))}.`,
    missingTerms: novel.map((t) => t.token.raw),
    errorSpans: spansOf(novel),
  }];
}

// A universal or exclusive word the evidence does not repeat, on a claim the
// evidence otherwise covers.
export function scopeCheck({ alignment, sourceTitle }: CheckContext): Finding[] {
  const { coverage, claimTokens, best, index } = alignment;
  if (coverage < THRESHOLDS.supported) return [];
  const scope = findScopeGap(claimTokens, best.window, index);
  if (!scope) return [];
  return [{
    status: "partially_supported",
    check: "scope",
    rationale: `${sourceTitle} supports the statement but not its scope: it does not say "${scope}".`,
    missingTerms: [scope],
    errorSpans: spansOfWord(claimTokens, scope),
  }];
}

// The band the claim's covered share falls in; always one finding, so every
// claim has a rule verdict.
export function coverageCheck({ alignment, sourceTitle, bestText }: CheckContext): Finding[] {
  const { coverage, missing } = alignment;
  const missingNames = missing.map((t) => t.token.raw);
  if (coverage >= THRESHOLDS.supported) {
    const rationale = missing.length === 0
      ? `${sourceTitle} states this: "${quote(bestText)}".`
      : `${sourceTitle} states this in other words: "${quote(bestText)}".`;
    return [{ status: "supported", check: "coverage", rationale }];
  }
  if (coverage >= THRESHOLDS.partial) {
    return [{
      status: "partially_supported",
      check: "coverage",
      rationale: `${sourceTitle} covers part of this claim but not ${listTerms(missingNames)}.`,
      missingTerms: missingNames,
      errorSpans: spansOf(missing),
    }];
  }
  if (coverage >= THRESHOLDS.topical) {
    return [{
      status: "insufficient_context",
      check: "coverage",
      rationale: `${sourceTitle} discusses the topic but neither confirms nor denies ${listTerms(missingNames)}.`,
      missingTerms: missingNames,
      errorSpans: spansOf(missing),
    }];
  }
  return [{
    status: "unsupported",
    check: "coverage",
    evidence: null,
    rationale: `No supplied source supports this claim; the closest passage does not mention ${listTerms(missingNames)}.`,
    missingTerms: missingNames,
    errorSpans: spansOf(missing),
  }];
}

// A universal or exclusive word ("any", "all", "only") the evidence does not
// repeat: the claim asserts a wider scope than the source.
function findScopeGap(claimTokens: ReadonlyArray<Token>, window: ReadonlyArray<IndexedSentence>, index: SourceIndex): string | null {
  // Built only for a claim with a quantifier: most have none.
  let evidenceWords: Set<string> | null = null;
  for (let i = 0; i < claimTokens.length; i++) {
    const token = claimTokens[i] as Token;
    if (!UNIVERSAL_QUANTIFIERS.has(token.lower)) continue;
    if (evidenceWords === null) {
      evidenceWords = new Set<string>();
      for (const sentence of window) for (const evidenceToken of index.tokensOf(sentence)) evidenceWords.add(evidenceToken.lower);
    }
    if (token.lower === "only" && claimTokens[i - 1]?.lower === "not") continue;
    if (evidenceWords.has(token.lower)) continue;
    const limited = [...evidenceWords].some((w) => LIMITING_QUANTIFIERS.has(w));
    const next = claimTokens[i + 1];
    const phrase = next && isContentToken(next) ? `${token.raw} ${next.raw}` : token.raw;
    if (limited || token.lower === "only" || token.lower === "all" || token.lower === "any" || token.lower === "every") return phrase;
  }
  return null;
}

