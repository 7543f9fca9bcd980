import type { DecidingCheck } from "./verify.ts";

// Confidence is the share of claims decided by a given check that the labelled
// dev sets agree with: how often "contradicted by a value conflict" (or
// "supported by coverage") was right. Measured with `npm run eval` on the
// tuning half of the SummEdits doc_keys plus HaluEval QA; see docs/engine.md.
// Checks that never fired on labelled data carry a conservative prior.
export const CONFIDENCE_BY_CHECK: Readonly<Record<DecidingCheck, { positive: number; negative: number }>> = {
  value_conflict: { positive: 0.5, negative: 0.8 },
  value_missing: { positive: 0.5, negative: 0.8 },
  negation: { positive: 0.5, negative: 0.7 },
  antonym: { positive: 0.5, negative: 0.7 },
  exclusive_value: { positive: 0.5, negative: 0.7 },
  modality: { positive: 0.5, negative: 0.6 },
  entity_missing: { positive: 0.5, negative: 0.7 },
  novel_terms: { positive: 0.5, negative: 0.6 },
  scope: { positive: 0.5, negative: 0.6 },
  hedge: { positive: 0.5, negative: 0.6 },
  coverage: { positive: 0.6, negative: 0.6 },
  answer_found: { positive: 0.9, negative: 0.5 },
  answer_missing: { positive: 0.5, negative: 0.8 },
  bare_yes_no: { positive: 0.5, negative: 0.5 },
  language: { positive: 0.5, negative: 0.5 },
  no_evidence: { positive: 0.5, negative: 0.8 },
};
