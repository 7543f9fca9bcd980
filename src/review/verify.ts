import type { SupportStatus } from "../schemas/enums.ts";
import { alignClaim, sentenceText } from "./alignment.ts";
import { answerChecks, coverageCheck, entityMissingCheck, novelTermsCheck, scopeCheck } from "./checks/coverage.ts";
import { exclusiveValueCheck } from "./checks/exclusive-value.ts";
import { quote, type DecidingCheck, type EvidenceQuote, type Finding, type ValueRepair } from "./checks/finding.ts";
import type { Check } from "./checks/context.ts";
import { hedgeCheck, modalityCheck } from "./checks/modality.ts";
import { polarityChecks } from "./checks/polarity.ts";
import { valueChecks } from "./checks/values.ts";
import { decide } from "./decision.ts";
import type { ExtractedClaim } from "./extract-claims.ts";
import { extractFeatures, type FeatureVector } from "./features.ts";
import type { SourceIndex } from "./retrieve.ts";
import type { TextRange, Tokenizer } from "./text.ts";

// Verification of one claim: align it to its best evidence, run every check
// in order (most specific first; the first finding is the rule verdict), read
// the features off the alignment and the findings, and let the decision
// (decisive checks, then the learned model) set status, rationale and score.

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
  // claim is not supported; null when a claim was decided before alignment.
  features: FeatureVector | null;
  score: number | null;
}

export interface VerifyOptions {
  sourceFilter?: ReadonlySet<number>;
}

export const CHECKS: ReadonlyArray<Check> = [
  valueChecks,
  polarityChecks,
  exclusiveValueCheck,
  modalityCheck,
  answerChecks,
  entityMissingCheck,
  novelTermsCheck,
  scopeCheck,
  hedgeCheck,
  coverageCheck,
];

export function verifyClaim(
  output: string,
  claim: ExtractedClaim,
  index: SourceIndex,
  tokenize: Tokenizer,
  options: VerifyOptions = {},
): Verification {
  const aligned = alignClaim(output, claim, index, tokenize, options.sourceFilter);
  if (aligned.kind === "decided") {
    return {
      status: aligned.status, check: aligned.check, rationale: aligned.rationale, evidence: null, candidateCount: 0, coverage: 0,
      repair: null, missingTerms: [], errorSpans: [], features: null, score: null,
    };
  }
  const { alignment } = aligned;
  const bestText = sentenceText(index, alignment.best.sentence);
  const context = {
    output,
    alignment,
    sourceTitle: index.sources[alignment.best.sentence.sourceIndex]?.title ?? "the source",
    bestText,
    sourceFilter: options.sourceFilter,
  };
  const findings: Finding[] = CHECKS.flatMap((check) => check(context));
  const features = extractFeatures(alignment, findings);
  const decided = decide(features, findings[0] as Finding, findings, alignment, { sourceTitle: context.sourceTitle, bestText: quote(bestText) });
  return {
    status: decided.status,
    check: decided.check,
    rationale: decided.rationale,
    evidence: decided.evidence === undefined ? alignment.evidence : decided.evidence,
    candidateCount: aligned.candidateCount,
    coverage: alignment.coverage,
    repair: decided.repair ?? null,
    missingTerms: decided.missingTerms ?? [],
    errorSpans: decided.errorSpans,
    features,
    score: decided.score,
  };
}
