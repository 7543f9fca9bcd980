import { MODAL_WORDS, type Modality } from "../lexicon.ts";
import { THRESHOLDS } from "../thresholds.ts";
import type { Token } from "../text.ts";
import { spansOfWord, type Finding } from "./finding.ts";
import type { CheckContext } from "./context.ts";
import { evidenceNegation, negationParity } from "./negation.ts";

// Modality: "must" where the source says "may" changes the rule (modality,
// contradicted); "will" where the source says "may" overstates it (hedge,
// partially supported, judged only on a claim the evidence otherwise covers).

export function modalityCheck({ alignment, sourceTitle }: CheckContext): Finding[] {
  const { claimTokens, sentenceTokens, claimKeys, best } = alignment;
  if (best.sentenceCoverage < THRESHOLDS.strongMatch) return [];
  const claimModes = modalitiesOf(claimTokens);
  const evidenceModes = modalitiesOf(sentenceTokens);
  const findings: Finding[] = [];
  if (claimModes.has("obligation") && evidenceModes.has("permission") && !evidenceModes.has("obligation")) {
    findings.push({
      status: "contradicted",
      check: "modality",
      rationale: `The claim makes it an obligation ("${claimModes.get("obligation")}") where ${sourceTitle} only permits it ("${evidenceModes.get("permission")}").`,
      errorSpans: spansOfWord(claimTokens, claimModes.get("obligation") ?? ""),
    });
  }
  const polarityDiffers = negationParity(claimTokens).negated !== evidenceNegation(sentenceTokens, claimKeys).negated;
  if (claimModes.has("permission") && evidenceModes.has("obligation") && !evidenceModes.has("permission") && polarityDiffers) {
    findings.push({
      status: "contradicted",
      check: "modality",
      rationale: `The claim and ${sourceTitle} disagree on whether this is allowed ("${claimModes.get("permission")}" against "${evidenceModes.get("obligation")}").`,
      errorSpans: spansOfWord(claimTokens, claimModes.get("permission") ?? ""),
    });
  }
  return findings;
}

export function hedgeCheck({ alignment, sourceTitle }: CheckContext): Finding[] {
  const { claimTokens, sentenceTokens, coverage } = alignment;
  if (coverage < THRESHOLDS.supported) return [];
  const claimModes = modalitiesOf(claimTokens);
  const evidenceModes = modalitiesOf(sentenceTokens);
  if (!claimModes.has("certainty") || !(evidenceModes.has("possibility") || evidenceModes.has("permission")) || evidenceModes.has("certainty")) return [];
  return [{
    status: "partially_supported",
    check: "hedge",
    rationale: `The claim is certain ("${claimModes.get("certainty")}") where ${sourceTitle} hedges ("${evidenceModes.get("possibility") ?? evidenceModes.get("permission")}").`,
    errorSpans: spansOfWord(claimTokens, claimModes.get("certainty") ?? ""),
  }];
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

