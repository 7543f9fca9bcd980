import type { ClaimTerm } from "../alignment.ts";
import { EXCLUSIVE_CLASSES, SYNONYMS } from "../lexicon.ts";
import type { IndexedSentence } from "../retrieve.ts";
import { THRESHOLDS } from "../thresholds.ts";
import type { Token } from "../text.ts";
import { spansOfWord, type Finding } from "./finding.ts";
import type { CheckContext } from "./context.ts";

// A value from a closed class (nationality, party, weekday, colour, role, work
// type) that differs in the evidence sentence: "a French film" against "a
// Peruvian film".

const EXCLUSIVE_CLASS_KEYS: ReadonlyArray<ReadonlySet<string>> = EXCLUSIVE_CLASSES.map(
  (members) => new Set([...members].map((word) => SYNONYMS.get(word) ?? word)),
);

export function exclusiveValueCheck({ alignment, sourceTitle }: CheckContext): Finding[] {
  const { terms, best, sentenceTokens, claimTokens } = alignment;
  const exclusive = findExclusiveConflict(terms, best.sentence, sentenceTokens);
  if (!exclusive || best.sentenceCoverage < THRESHOLDS.exclusiveValueCoverage) return [];
  return [{
    status: "contradicted",
    check: "exclusive_value",
    rationale: `${sourceTitle} says "${exclusive.sourceWord}", not "${exclusive.claimWord}".`,
    errorSpans: spansOfWord(claimTokens, exclusive.claimWord),
  }];
}

function findExclusiveConflict(terms: ReadonlyArray<ClaimTerm>, sentence: IndexedSentence, tokens: ReadonlyArray<Token>): { claimWord: string; sourceWord: string } | null {
  for (const term of terms) {
    const word = SYNONYMS.get(term.token.lower) ?? term.token.lower;
    let members: ReadonlySet<string> | undefined;
    for (const set of EXCLUSIVE_CLASS_KEYS) {
      if (set.has(word)) {
        members = set;
        break;
      }
    }
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

