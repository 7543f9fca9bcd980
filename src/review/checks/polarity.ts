import { sentenceText } from "../alignment.ts";
import { THRESHOLDS } from "../thresholds.ts";
import { quote, spansOfWord, type Finding } from "./finding.ts";
import type { CheckContext } from "./context.ts";
import { evidenceNegation, findLocalNegationFlip, findNegatedPhraseConflict, negationParity } from "./negation.ts";
import { findAntonym, findPrefixNegation } from "./opposites.ts";

// Polarity: the claim says the opposite of its evidence, by a negation
// (negation, negated_word) or an opposite word (antonym). The three read one
// another: an antonym explains a polarity difference, so it silences the
// negation checks.
export function polarityChecks({ alignment, sourceTitle, bestText, sourceFilter }: CheckContext): Finding[] {
  const { claimTokens, sentenceTokens, claimKeys, best, index, windowKeys } = alignment;
  const findings: Finding[] = [];
  const strongMatch = best.sentenceCoverage >= THRESHOLDS.strongMatch;
  const quoted = quote(bestText);

  const claimPolarity = negationParity(claimTokens);
  const evidencePolarity = evidenceNegation(sentenceTokens, claimKeys);
  const antonymHit = findAntonym(claimTokens, sentenceTokens);
  if (strongMatch && claimPolarity.negated !== evidencePolarity.negated && !antonymHit) {
    const rationale = claimPolarity.negated
      ? `The claim negates what ${sourceTitle} affirms ("${claimPolarity.cue}" has no counterpart in: "${quoted}").`
      : `${sourceTitle} negates this ("${evidencePolarity.cue}" in: "${quoted}"), but the claim affirms it.`;
    findings.push({ status: "contradicted", check: "negation", rationale, errorSpans: claimPolarity.negated ? spansOfWord(claimTokens, claimPolarity.cue ?? "") : [] });
  }
  // A long claim rarely matches one sentence strongly; then the negated word
  // itself is compared: "does not assure competitive prices" against a source
  // that assures them. On a strong match clause parity has been compared
  // already; only the contrastive cues it leaves out ("…, but not X",
  // "excluding X") are compared word by word.
  const flipped = best.sentenceCoverage >= THRESHOLDS.negatedWordCoverage ? findLocalNegationFlip(claimTokens, sentenceTokens, strongMatch) : null;
  if (flipped && !antonymHit) {
    const rationale = flipped.negatedInClaim
      ? `The claim negates "${flipped.word}" ("${flipped.cue}"), but ${sourceTitle} affirms it: "${quoted}".`
      : `${sourceTitle} negates "${flipped.word}" ("${flipped.cue}" in: "${quoted}"), but the claim affirms it.`;
    findings.push({ status: "contradicted", check: "negated_word", rationale, errorSpans: spansOfWord(claimTokens, flipped.negatedInClaim ? flipped.cue : flipped.word) });
  }
  const negatedPhrase = flipped || antonymHit ? null : findNegatedPhraseConflict(claimTokens, index, sourceFilter);
  if (negatedPhrase) {
    const text = sentenceText(index, negatedPhrase.sentence);
    findings.push({
      evidence: { sourceIndex: negatedPhrase.sentence.sourceIndex, start: negatedPhrase.sentence.start, end: negatedPhrase.sentence.end },
      status: "contradicted",
      check: "negated_word",
      rationale: `The claim negates "${negatedPhrase.word}" ("${negatedPhrase.cue}"), but ${index.sources[negatedPhrase.sentence.sourceIndex]?.title ?? "the source"} affirms it: "${quote(text)}".`,
      errorSpans: spansOfWord(claimTokens, negatedPhrase.cue),
    });
  }
  if (antonymHit && best.sentenceCoverage >= THRESHOLDS.antonymCoverage && claimPolarity.negated === evidencePolarity.negated) {
    findings.push({
      status: "contradicted",
      check: "antonym",
      rationale: `The claim says "${antonymHit.claimWord}" where ${sourceTitle} says "${antonymHit.sourceWord}".`,
      errorSpans: spansOfWord(claimTokens, antonymHit.claimWord),
    });
  }
  const prefixed = findPrefixNegation(claimTokens, sentenceTokens, windowKeys);
  if (prefixed && best.sentenceCoverage >= THRESHOLDS.prefixAntonymCoverage) {
    findings.push({
      status: "contradicted",
      check: "antonym",
      rationale: `The claim says "${prefixed.claimWord}" where ${sourceTitle} says "${prefixed.sourceWord}".`,
      errorSpans: spansOfWord(claimTokens, prefixed.claimWord),
    });
  }
  return findings;
}
