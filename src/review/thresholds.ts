// Every number the explicit checks compare against, in one place. The
// coverage bands and shares were tuned on SummEdits dev before the learned
// decision existed; they now shape each check's finding (status and
// rationale), which the learned decision (decision.ts) may overrule.
export const THRESHOLDS = {
  // Candidate evidence sentences judged per claim (BM25 order).
  candidateLimit: 5,
  // Coverage bands of the claim's weighted content words in the evidence window.
  supported: 0.8,
  partial: 0.5,
  topical: 0.25,
  // Share of a statement's weighted content that is new before it counts as unsupported.
  novelShareForUnsupported: 0.35,
  // A reply to a question up to this many words is held to the sources word by word.
  shortAnswerWords: 25,
  // Sentence coverage at which the evidence says the same thing, so polarity and modality compare.
  strongMatch: 0.6,
  // Window coverage at which a different value of the same kind is a conflict, not another topic.
  valueConflictCoverage: 0.4,
  // Sentence coverage at which an ordinal or count slot is compared against the aligned sentence.
  slotValueCoverage: 0.7,
  // Sentence coverage at which a word negated on one side only is compared.
  negatedWordCoverage: 0.4,
  // Content words a negated phrase must share with a source sentence to be looked up on its own.
  negatedPhraseShared: 2,
  antonymCoverage: 0.3,
  prefixAntonymCoverage: 0.5,
  exclusiveValueCoverage: 0.4,
  // Values of one claim that are checked; a claim listing more is a table, not a statement.
  claimValues: 50,
  // Words of the evidence sentence the checks read: a "sentence" longer than
  // this is a page without punctuation, and what a claim aligns to sits near
  // its start; reading all of it for every claim made cost quadratic.
  evidenceTokens: 1000,
} as const;
