import type { ClaimType } from "../schemas/enums.ts";
import type { FoundCitation } from "./citations.ts";
import { judgeLanguage, type LanguageJudgement } from "./language.ts";
import { splitSentences, type TextRange } from "./text.ts";

// Claim extraction: sentences of the output, split into the parts that each
// state their own fact, minus everything that asserts nothing.

export type ClaimRole = "sentence" | "clause" | "appended" | "answer";

export interface ExtractedClaim extends TextRange {
  text: string;
  normalizedText: string;
  sentence: TextRange;
  role: ClaimRole;
  claimType: ClaimType;
  importance: number;
  extractionConfidence: number;
  citations: FoundCitation[];
  // Stretches inside the claim that are citation markers, not content.
  excluded: TextRange[];
  // What frames the claim: the user's question for an answer, or the clause an
  // appended "including …" part extends. Used to find evidence, not judged.
  context: string | null;
  // The sentence before, when the claim opens with a pronoun ("It was
  // designed by …"): what "it" names helps find the evidence; it is not judged.
  antecedent: string | null;
  language: LanguageJudgement;
}

const GREETING = /^(hi|hello|hey|dear|greetings|good (morning|afternoon|evening)|thanks|thank you|cheers|best regards|regards|kind regards|sincerely)\b/i;
const OFFER_OF_HELP =
  /^(let me know|please let me know|feel free|i hope (this|that) helps|hope (this|that) helps|if you have any|if you need|happy to help|i('d| would) be happy|i am happy|i'm happy|would you like|do you want|don't hesitate|do not hesitate|i can help|let me help|i can also)/i;
const META_TALK =
  /^(sure|certainly|of course|okay|ok|absolutely|great question|good question|no problem|understood|got it)\b[!.,]?\s*$|^(as an ai|i am an ai|i'm an ai|as a language model|i (cannot|can't) browse|here('s| is| are)\b|below (is|are)\b|the following\b|in summary[,:]?$|to summarize[,:]?$|in conclusion[,:]?$|summary:?$|answer:?$)/i;

const OPENS_WITH_PRONOUN = /^\s*(?:it|its|he|his|she|her|they|their|this|these|that|those|the (?:company|band|film|album|team|city|group|book|show|series|game|firm|song))\b/i;
const CLAUSE_SPLIT = /;\s+|,\s+(?=(?:and|but|while|whereas|yet)\s)/g;
const APPENDED_SPLIT = /,\s+(?=(?:including|such as|especially|particularly|notably|plus)\s)/g;
const CLAUSE_SUBJECT_START =
  /^(?:and|but|while|whereas|yet)\s+(?:also\s+)?(?:the|a|an|this|that|these|those|it|its|they|their|he|his|she|her|we|our|you|i|there|[A-Z][\p{L}-]*)\b/u;
// CJK scripts write words without spaces: each ideograph counts as a word.
const EMPHASIS = ["**", "__", "*", "_"];
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}]+/gu;

// Counted without building the list of words.
function wordCount(text: string): number {
  let count = 0;
  WORD.lastIndex = 0;
  while (WORD.test(text)) count++;
  return count;
}

export function isNonClaim(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === "") return true;
  if (/\?["'”’)\]]*$/.test(trimmed)) return true;
  if (!/[\p{L}\p{N}]/u.test(trimmed)) return true;
  if (META_TALK.test(trimmed)) return true;
  if (OFFER_OF_HELP.test(trimmed)) return true;
  if (GREETING.test(trimmed) && wordCount(trimmed) <= 8) return true;
  return false;
}

export function classifyClaim(text: string): ClaimType {
  const lower = text.toLowerCase();
  if (/\b(must|shall|required|requires|mandatory|have to|has to|need to|needs to|prohibited|forbidden|not allowed|may not|must not)\b/.test(lower)) return "normative";
  if (/\b(can|may|cannot|can't|allowed|permitted|eligible|entitled|able to)\b/.test(lower)) return "permission";
  if (/\b(should|recommend\w*|advis(e|ed|able)|we suggest|best practice|encouraged to)\b/.test(lower)) return "recommendation";
  if (/\b(because|due to|caus(e|es|ed|ing)|leads? to|led to|results? in|resulted in|as a result|owing to|thanks to|therefore)\b/.test(lower)) return "causal";
  if (/^(according to|as stated in|as described in|as noted in|as per)\b/.test(lower)) return "citation";
  return "factual";
}

function scoreImportance(text: string, claimType: ClaimType, role: ClaimRole): number {
  let score = 2;
  if (/\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|ninety|hundred|thousand|million|billion|percent)\b/i.test(text)) score++;
  if (claimType === "permission" || claimType === "normative") score++;
  if (/\b(not|never|no|cannot|can't|won't|don't|doesn't)\b/i.test(text)) score++;
  if (role === "appended") score--;
  return Math.min(5, Math.max(1, score));
}

function trimClaimRange(output: string, start: number, end: number, citations: ReadonlyArray<FoundCitation>): TextRange {
  let s = start;
  let e = end;
  let changed = true;
  while (changed) {
    changed = false;
    // Leading bullets, emoji and stray punctuation are not part of the claim.
    // Markdown emphasis that opens and closes inside the claim ("**Refunds** take …") stays.
    while (s < e && !/[\p{L}\p{N}"“'‘$€£¥[]/u.test(output[s] ?? "")) {
      if (EMPHASIS.some((m) => output.startsWith(m, s) && output.slice(s + m.length, e).includes(m))) break;
      s++;
    }
    while (s < e && /["“]/.test(output[s] ?? "") && !output.slice(s + 1, e).includes(output[s] === "“" ? "”" : "\"")) s++;
    const conjunction = /^(?:and|but|while|whereas|yet)\s+/i.exec(output.slice(s, Math.min(e, s + 12)));
    if (conjunction) {
      s += conjunction[0].length;
      changed = true;
    }
    while (e > s && /[\s.,;:!*_…。！]/.test(output[e - 1] ?? "")) {
      if (EMPHASIS.some((m) => output.slice(e - m.length, e) === m && output.slice(s, e - m.length).includes(m))) break;
      e--;
    }
    const tail = output.slice(Math.max(s, e - 2), e);
    if (/(?:\p{Extended_Pictographic}|[\uFE0F\u200D])$/u.test(tail)) {
      e -= /[\uD800-\uDBFF][\uDC00-\uDFFF]$/.test(tail) ? 2 : 1;
      changed = true;
    }
    for (const citation of citations) {
      if (citation.end === e && citation.start >= s && /^[[(]/.test(citation.marker)) {
        e = citation.start;
        changed = true;
      }
    }
  }
  // Keep a closing quote or bracket only when its opener is inside the claim.
  const closers: ReadonlyArray<readonly [string, string]> = [["\"", "\""], ["”", "“"], [")", "("]];
  for (const [closer, opener] of closers) {
    if (output[e - 1] === closer) {
      const body = output.slice(s, e - 1);
      if (!body.includes(opener)) e--;
    }
  }
  return { start: s, end: e };
}

interface Part extends TextRange {
  role: ClaimRole;
  context: string | null;
}

// Splits only where each side can stand as its own statement: semicolons,
// ", and/but <subject> …", and appended ", including …" lists. "not only …
// but also …" has no comma before "but" and stays whole.
function splitParts(output: string, sentence: TextRange): Part[] {
  const text = output.slice(sentence.start, sentence.end);
  const cuts: Array<{ at: number; role: ClaimRole }> = [];
  for (const match of text.matchAll(CLAUSE_SPLIT)) {
    const at = match.index + match[0].length;
    const right = text.slice(at);
    const left = text.slice(0, match.index);
    const isSemicolon = match[0].startsWith(";");
    if (wordCount(left) < 3 || wordCount(right) < (isSemicolon ? 3 : 4)) continue;
    if (!isSemicolon && !CLAUSE_SUBJECT_START.test(right)) continue;
    cuts.push({ at, role: "clause" });
  }
  for (const match of text.matchAll(APPENDED_SPLIT)) {
    const at = match.index + match[0].length;
    if (wordCount(text.slice(0, match.index)) < 3 || wordCount(text.slice(at)) < 2) continue;
    cuts.push({ at, role: "appended" });
  }
  cuts.sort((a, b) => a.at - b.at);
  const parts: Part[] = [];
  let begin = 0;
  let role: ClaimRole = "sentence";
  for (const cut of cuts) {
    parts.push({ start: sentence.start + begin, end: sentence.start + cut.at, role, context: null });
    begin = cut.at;
    role = cut.role;
  }
  parts.push({ start: sentence.start + begin, end: sentence.end, role, context: null });
  if (parts.length > 1) {
    const first = parts[0];
    const head = first ? output.slice(first.start, first.end) : null;
    for (const part of parts.slice(1)) part.context = head;
    if (first) first.role = "clause";
  }
  return parts;
}

// A leading name in the sentence before: "The Eiffel Tower was finished …",
// "Marie Curie won …". Only a capitalised name counts, so "It" after "The
// company said …" stays unresolved rather than guessed.
const NAMED_SUBJECT = /^\s*((?:[Tt]he\s+)?(?!(?:The|This|That|These|Those|A|An|In|On|At|By|For|From|As|If|When|While|After|Before|During|However|But|And|Our|We|You|I|It|Its|He|She|They|There|Here)\b)[A-Z][\p{L}'’.-]*(?:\s+(?:of\s+|de\s+|von\s+|van\s+|the\s+)?[A-Z][\p{L}'’.-]*)*)(?=\s+\p{Ll})/u;
const LEADING_PRONOUN = /^(it|he|she|they)\b|^(its|his|her|their)\b/i;
const PERSONAL = /^(he|she|his|her)$/i;

/**
 * The proposition a reviewer reads and the judge is given: an appended
 * "including …" part with the clause it extends ("customers can request
 * refunds within 30 days, including international orders"), a claim opening
 * with "it"/"he"/"she"/"they" with the name the sentence before opens with.
 * The claim's offsets still slice the output exactly; only `normalized_text`
 * carries the reading.
 */
export function proposition(text: string, role: ClaimRole, head: string | null, antecedent: string | null): string {
  if (role === "appended" && head !== null) return `${head.replace(/[\s,;:.]+$/u, "")}, ${text}`;
  if (antecedent === null) return text;
  const pronoun = LEADING_PRONOUN.exec(text);
  const subject = NAMED_SUBJECT.exec(antecedent)?.[1];
  if (!pronoun || !subject) return text;
  const word = pronoun[0];
  // "He"/"she" need a person; a name that opens with "the" is a thing or a group.
  if (PERSONAL.test(word) && /^the\s/i.test(subject)) return text;
  if (/^it(s)?$/i.test(word) && !/^the\s/i.test(subject) && subject.split(/\s+/).length === 2) return text;
  const possessive = pronoun[2] !== undefined;
  return `${possessive ? `${subject}'s` : subject}${text.slice(word.length)}`;
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[“”]/g, "\"").replace(/[‘’]/g, "'").replace(/\s+/g, " ").trim();
}

// "Did you know that the museum opens at 9?" asserts that the museum opens at
// 9: a question built on "did you know / have you heard that" carries a claim
// a source must support. Other questions state nothing and are skipped.
const ASSERTING_QUESTION = /^(?:(?:yes|no|oh|well|wow|yeah|haha|hmm|sure|okay|ok|so)\b[,!.]?\s+)?(?:(?:did|do) you (?:know|realize|realise|hear)|have you heard|were you aware)\s+(?:that\s+)?(?!about\b|of\b|what\b|who\b|how\b|why\b|when\b|where\b|which\b|if\b|whether\b|anything\b|much\b)/i;

function assertedInQuestion(output: string, sentence: TextRange): TextRange | null {
  const text = output.slice(sentence.start, sentence.end);
  if (!/\?["'”’)\]]*\s*$/.test(text)) return null;
  const frame = ASSERTING_QUESTION.exec(text);
  if (!frame) return null;
  const end = sentence.start + text.replace(/\?["'”’)\]]*\s*$/, "").length;
  const start = sentence.start + frame[0].length;
  return wordCount(output.slice(start, end)) >= 3 ? { start, end } : null;
}

function looksLikeBareAnswer(output: string, question: string | null): boolean {
  if (question === null) return false;
  const words = wordCount(output);
  if (words === 0 || words > 12 || isNonClaim(output) && !/^(yes|no)\b/i.test(output.trim())) return false;
  return words <= 4 || !/[.!]["'”’)]*\s*$/.test(output.trim());
}

export function extractClaims(
  output: string,
  question: string | null,
  citations: ReadonlyArray<FoundCitation>,
): ExtractedClaim[] {
  if (looksLikeBareAnswer(output, question)) {
    const range = trimClaimRange(output, 0, output.length, citations);
    if (range.end > range.start) {
      const text = output.slice(range.start, range.end);
      const claimType = classifyClaim(text);
      return [{
        ...range,
        text,
        normalizedText: `${normalize(text)} (answer to: ${normalize(question ?? "")})`,
        sentence: range,
        role: "answer",
        claimType,
        importance: scoreImportance(text, claimType, "answer"),
        extractionConfidence: 0.75,
        citations: citations.slice(),
        excluded: citations.map((c) => ({ start: c.start, end: c.end })),
        context: question,
        antecedent: null,
        language: judgeLanguage(`${question ?? ""} ${text}`),
      }];
    }
  }
  const claims: ExtractedClaim[] = [];
  let previousSentence: string | null = null;
  for (const sentence of splitSentences(output)) {
    if (sentence.isHeading) continue;
    const sentenceText = output.slice(sentence.start, sentence.end);
    const antecedent = OPENS_WITH_PRONOUN.test(sentenceText) ? previousSentence : null;
    previousSentence = sentenceText;
    const asserted = assertedInQuestion(output, sentence);
    if (isNonClaim(sentenceText) && asserted === null) continue;
    const inSentence = citations.filter((c) => c.start >= sentence.start && c.end <= sentence.end);
    const parts = splitParts(output, asserted ?? sentence)
      .map((part) => ({ part, range: trimClaimRange(output, part.start, part.end, inSentence) }))
      .filter(({ range }) => range.end > range.start);
    const lastTextEnd = parts[parts.length - 1]?.range.end ?? sentence.end;
    const language = judgeLanguage(sentenceText);
    for (const { part, range } of parts) {
      const text = output.slice(range.start, range.end);
      if (isNonClaim(text) || wordCount(text) < 2) continue;
      // A marker after the sentence's last word cites the whole sentence; one
      // inside a part cites that part.
      const attached = inSentence.filter(
        (c) =>
          c.start >= lastTextEnd ||
          (c.start >= part.start && c.start < part.end) ||
          (c.start === sentence.start && !/^[[(]/.test(c.marker)),
      );
      const claimType = classifyClaim(text);
      const confidence = part.role === "sentence" ? 0.9 : 0.8;
      claims.push({
        ...range,
        text,
        normalizedText: normalize(proposition(text, part.role, part.role === "appended" ? part.context : null, part === parts[0]?.part ? antecedent : null)),
        sentence: { start: sentence.start, end: sentence.end },
        role: part.role,
        claimType,
        importance: scoreImportance(text, claimType, part.role),
        extractionConfidence: wordCount(text) > 45 ? confidence - 0.1 : confidence,
        citations: attached,
        excluded: inSentence.filter((c) => c.start < range.end && c.end > range.start).map((c) => ({ start: c.start, end: c.end })),
        context: part.context ?? question,
        antecedent: part.role === "appended" ? null : antecedent,
        language,
      });
    }
  }
  return claims;
}
