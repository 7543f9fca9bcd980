import type { DecidingCheck } from "./checks/finding.ts";

// `confidence` is how often the check that decided a claim's status agreed
// with human labels: for a flagged claim, that it overlaps a labelled error;
// for a supported claim, that it overlaps none. Measured with `npm run eval`
// on the SummEdits tune half (claim level) plus HaluEval-QA dev, pooled, with
// add-one smoothing: (agreeing + 1) / (claims + 2). A check that never fired
// on labelled data keeps a 0.5 prior; statuses between the poles
// (partially_supported, insufficient_context, not_checked) have no label to
// agree with and carry 0.5 as well. Re-measure when a check changes
// (docs/engine.md has the table these numbers come from).
export const CONFIDENCE_BY_CHECK: Readonly<Record<DecidingCheck, { positive: number; negative: number }>> = {
  value_conflict: { positive: 0.5, negative: 0.88 }, // 14/15
  value_missing: { positive: 0.5, negative: 0.77 }, // 16/25 + 16/16
  negation: { positive: 0.5, negative: 0.93 }, // 7/7 + 5/5
  negated_word: { positive: 0.5, negative: 0.75 }, // 1/1 + 1/1
  antonym: { positive: 0.5, negative: 0.83 }, // 4/4
  exclusive_value: { positive: 0.5, negative: 0.9 }, // 3/3 + 5/5
  modality: { positive: 0.5, negative: 0.5 }, // never fired on labelled data
  entity_missing: { positive: 0.5, negative: 0.95 }, // 13/14 + 26/26
  novel_terms: { positive: 0.5, negative: 0.38 }, // 2/6: paraphrase often looks like a new fact
  scope: { positive: 0.5, negative: 0.5 },
  hedge: { positive: 0.5, negative: 0.5 },
  coverage: { positive: 0.79, negative: 0.5 }, // supported: 131/162 + 0/4
  answer_found: { positive: 0.95, negative: 0.5 }, // 92/96
  answer_missing: { positive: 0.5, negative: 0.97 }, // 41/41 + 5/5
  bare_yes_no: { positive: 0.5, negative: 0.5 },
  language: { positive: 0.5, negative: 0.5 },
  no_evidence: { positive: 0.5, negative: 0.67 }, // 1/1
  learned: { positive: 0.5, negative: 0.5 }, // the model's own calibrated score is used instead
};
