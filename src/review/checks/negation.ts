import { NEGATORS, NON_NEGATING_PHRASES } from "../lexicon.ts";
import type { IndexedSentence, SourceIndex } from "../retrieve.ts";
import { THRESHOLDS } from "../thresholds.ts";
import { isContentToken, type Token } from "../text.ts";

// Reading negation: clause parity, the negators that govern a shared word,
// and single words negated on one side only.

// Parity of negators, skipping "not only", "no later than" and friends, so a
// double negation reads as positive.
function isNegatorWord(lowerWord: string): boolean {
  const lower = lowerWord.includes("’") ? lowerWord.replace(/’/g, "'") : lowerWord;
  return NEGATORS.has(lower) || lower.endsWith("n't");
}

export function negationParity(tokens: ReadonlyArray<Token>): { negated: boolean; cue: string | null } {
  let count = 0;
  let cue: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (!isNegatorWord(token.lower)) continue;
    const lower = token.lower.replace(/’/g, "'");
    const next = tokens[i + 1]?.lower ?? "";
    if (NON_NEGATING_PHRASES.some(([first, second]) => first === lower && second === next)) continue;
    if (lower === "no" && (next === "doubt" || next === "matter")) continue;
    // "…, but not for elderly users" narrows the scope; it does not negate the clause.
    const previous = tokens[i - 1]?.lower;
    if (lower === "not" && (previous === "but" || previous === "if") && i > 2) continue;
    count++;
    cue ??= token.raw;
  }
  return { negated: count % 2 === 1, cue };
}

// Negators of the evidence sentence that govern a word the claim shares (within
// the next four words): a negation elsewhere in a long sentence belongs to
// another clause.
export function evidenceNegation(tokens: ReadonlyArray<Token>, claimKeys: ReadonlySet<string>): { negated: boolean; cue: string | null } {
  const governing: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    // Only a negator can be the cue; most words are not, so skip the pair test.
    if (!isNegatorWord((tokens[i] as Token).lower)) continue;
    const single = negationParity(tokens.slice(i, i + 2));
    if (!single.negated || single.cue !== (tokens[i] as Token).raw) continue;
    const scope = tokens.slice(i + 1, i + 5);
    if (scope.some((t) => claimKeys.has(t.key))) governing.push(tokens[i] as Token);
  }
  return { negated: governing.length % 2 === 1, cue: governing[0]?.raw ?? null };
}

// Content words governed by a negator: the first content word among the next
// three tokens of each negator.
const EXCLUDERS: ReadonlySet<string> = new Set(["excluding", "except"]);

// With `contrastiveOnly`, only the cues clause parity leaves out: "excluding
// X", "except X" and "…, but not X" deny X without negating the clause.
function negatedWords(tokens: ReadonlyArray<Token>, contrastiveOnly = false): Map<string, { cue: string; word: string }> {
  const found = new Map<string, { cue: string; word: string }>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    const contrastive = EXCLUDERS.has(token.lower) || (token.lower === "not" && tokens[i - 1]?.lower === "but");
    if (!contrastive && !isNegatorWord(token.lower)) continue;
    const pair = negationParity(tokens.slice(i, i + 2));
    if (contrastiveOnly ? !contrastive : !contrastive && (!pair.negated || pair.cue !== token.raw)) continue;
    const governed = tokens.slice(i + 1, i + 4).find((t) => isContentToken(t) && !NEGATORS.has(t.lower));
    if (governed && !found.has(governed.key)) found.set(governed.key, { cue: token.raw, word: governed.raw });
  }
  return found;
}

// The next four content words after each occurrence of `key`.
function governedKeys(tokens: ReadonlyArray<Token>, key: string): Set<string> {
  const near = new Set<string>();
  const content = tokens.filter(isContentToken);
  content.forEach((token, i) => {
    if (token.key !== key) return;
    for (const t of content.slice(i + 1, i + 5)) if (t.key !== key) near.add(t.key);
  });
  return near;
}

// A negated phrase aligned on its own: in a long claim the best sentence may
// match another part, so "does not assure competitive prices" is looked up by
// its own words. The source must use the word un-negated with at least two of
// the words it governs in the claim.
export function findNegatedPhraseConflict(
  claimTokens: ReadonlyArray<Token>,
  index: SourceIndex,
  sourceFilter: ReadonlySet<number> | undefined,
): { word: string; cue: string; sentence: IndexedSentence } | null {
  for (const [key, { cue, word }] of negatedWords(claimTokens)) {
    const governed = governedKeys(claimTokens, key);
    if (governed.size < THRESHOLDS.negatedPhraseShared) continue;
    const query = new Map<string, number>([[key, 2]]);
    for (const k of governed) query.set(k, 1);
    for (const candidate of index.search(query, 3, sourceFilter)) {
      const tokens = index.tokensOf(candidate.sentence);
      if (!tokens.some((t) => t.key === key) || negatedWords(tokens).has(key)) continue;
      let shared = 0;
      for (const k of governedKeys(tokens, key)) if (governed.has(k)) shared++;
      if (shared >= THRESHOLDS.negatedPhraseShared) return { word, cue, sentence: candidate.sentence };
    }
  }
  return null;
}

// Content keys in the four tokens after each occurrence of `key`: what the word governs.
function neighbourKeys(tokens: ReadonlyArray<Token>, key: string): Set<string> {
  const near = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.key !== key) return;
    for (const t of tokens.slice(i + 1, i + 5)) if (t.key !== key && isContentToken(t)) near.add(t.key);
  });
  return near;
}

// The same word negated on one side only, and about the same thing: both
// sides share a word it governs ("not using the voice feature" says nothing
// about "using cheaper materials").
export function findLocalNegationFlip(
  claimTokens: ReadonlyArray<Token>,
  sentenceTokens: ReadonlyArray<Token>,
  contrastiveOnly = false,
): { word: string; cue: string; negatedInClaim: boolean } | null {
  const claimNegated = negatedWords(claimTokens, contrastiveOnly);
  const sourceNegated = negatedWords(sentenceTokens, contrastiveOnly);
  const sharesContext = (key: string): boolean => {
    const inSource = neighbourKeys(sentenceTokens, key);
    for (const k of neighbourKeys(claimTokens, key)) if (inSource.has(k)) return true;
    return false;
  };
  for (const [key, { cue, word }] of claimNegated) {
    if (sourceNegated.has(key)) continue;
    if (sentenceTokens.some((t) => t.key === key) && sharesContext(key)) return { word, cue, negatedInClaim: true };
  }
  for (const [key, { cue, word }] of sourceNegated) {
    if (claimNegated.has(key)) continue;
    if (claimTokens.some((t) => t.key === key) && sharesContext(key)) return { word, cue, negatedInClaim: false };
  }
  return null;
}
