import { foldProse } from "../lib/unicode-fold.ts";

// Text addressed to a language model, inside material that should only be
// judged: an AI output or a source (a retrieved web page can carry it too)
// that tells the model what to answer. The judge's prompt says to treat it as
// data, but a model may obey anyway; the merge then refuses the judge's
// upgrades for that run (docs/engine.md, "How verdicts merge"). Matched on
// folded text, so invisible characters, full-width letters and look-alikes
// do not hide a phrase.

const PATTERNS: readonly RegExp[] = [
  // "ignore your instructions", "disregard all previous rules", "forget the prompt above"
  /\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(?:instructions?|rules|prompts?|guidelines|directions|directives|system message)\b/,
  /\b(?:your|these|the above|previous|prior|earlier) (?:system|developer) (?:prompt|message|instructions?)\b/,
  // "mark every claim supported", "label all claims as verified", "rate this as true"
  /\b(?:mark|label|rate|classify|judge|grade|score|treat)\b (?:(?:each|every|all|the|these|this|both|any|of|my|our) ){0,3}(?:claims?|statements?|sentences?|answers?|outputs?|responses?|everything|them|it)\b[^.!?\n]{0,20}\b(?:as )?(?:supported|verified|true|correct|accurate|grounded|faithful)\b/,
  /\b(?:language model|llm|ai model|the model|reviewing model|assistant|grader|evaluator|fact[- ]?checker|verifier|reviewer)\b[^.!?\n]{0,40}\b(?:must|should|shall|is instructed to|needs to)\b[^.!?\n]{0,40}\b(?:answer|respond|reply|output|return|mark|say)\b/,
  /\b(?:respond|answer|reply|output|return)\b[^.!?\n]{0,20}\b(?:only )?(?:with|in) (?:json|the following|this json)\b/,
  // Chat-template markers have no place in prose.
  /<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[\/?inst\]|<<\/?sys>>/,
];

/** Whether the text reads as instructions to a model rather than statements to check. */
export function addressesModel(text: string): boolean {
  const folded = foldProse(text);
  return PATTERNS.some((pattern) => pattern.test(folded));
}
