import { SYNONYMS, buildAntonymIndex } from "../lexicon.ts";
import { porterStem } from "../stem.ts";
import { isContentToken, type Token } from "../text.ts";

// Opposite words: listed antonym pairs next to a shared word, and one text
// negating the other's word with a prefix ("inefficient" / "efficient").

const ANTONYMS = buildAntonymIndex((word) => porterStem(SYNONYMS.get(word) ?? word));

// An opposite counts only next to a word both texts share ("reduce costs"
// against "increase costs"), not anywhere in the sentence: the claim's word and
// the source's opposite each have the shared word within three content words,
// and the source does not also pair the claim's own word with it.
export function findAntonym(
  claimTokens: ReadonlyArray<Token>,
  sentenceTokens: ReadonlyArray<Token>,
): { claimWord: string; sourceWord: string } | null {
  const claim = claimTokens.filter(isContentToken);
  const tokens = sentenceTokens.filter(isContentToken);
  for (let c = 0; c < claim.length; c++) {
    const term = claim[c] as Token;
    const opposites = ANTONYMS.get(term.key);
    if (!opposites) continue;
    const nearby = claim.slice(Math.max(0, c - 3), c + 4).filter((t) => t !== term);
    // A claim that names both sides ("from growth to decline") states no opposite.
    if (nearby.some((t) => opposites.has(t.key))) continue;
    const claimNear = new Set(nearby.filter((t) => !ANTONYMS.has(t.key)).map((t) => t.key));
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (!opposites.has(token.key)) continue;
      for (let j = Math.max(0, i - 3); j < Math.min(tokens.length, i + 4); j++) {
        const shared = tokens[j] as Token;
        if (j === i || !claimNear.has(shared.key)) continue;
        // The source pairs the claim's own word with the shared word too.
        if (tokens.slice(Math.max(0, j - 3), j + 4).some((t) => t.key === term.key)) continue;
        return { claimWord: term.raw, sourceWord: token.raw };
      }
    }
  }
  return null;
}

const NEGATIVE_PREFIXES = ["non", "un", "in", "im", "ir", "il", "dis"];

// "inefficient" against "efficient", "non-exclusive" against "exclusive", in
// either direction: one text negates the other's word with a prefix.
export function findPrefixNegation(
  claimTokens: ReadonlyArray<Token>,
  sentenceTokens: ReadonlyArray<Token>,
  windowKeys: ReadonlySet<string>,
): { claimWord: string; sourceWord: string } | null {
  const baseOf = (tokens: ReadonlyArray<Token>, i: number): { base: string; shown: string } | null => {
    const token = tokens[i] as Token;
    if (token.lower === "non" && tokens[i + 1] && tokens[i + 1]?.start === token.end + 1) {
      const next = tokens[i + 1] as Token;
      return { base: next.key, shown: `${token.raw}-${next.raw}` };
    }
    for (const prefix of NEGATIVE_PREFIXES) {
      if (token.lower.startsWith(prefix) && token.lower.length - prefix.length >= 5) {
        return { base: porterStem(token.lower.slice(prefix.length)), shown: token.raw };
      }
    }
    return null;
  };
  const claimKeys = new Set(claimTokens.map((t) => t.key));
  for (let i = 0; i < claimTokens.length; i++) {
    const negated = baseOf(claimTokens, i);
    const token = claimTokens[i] as Token;
    if (!negated || windowKeys.has(token.key) || claimKeys.has(negated.base) && token.lower === "non") continue;
    const hit = sentenceTokens.find((t) => t.key === negated.base);
    if (hit) return { claimWord: negated.shown, sourceWord: hit.raw };
  }
  for (let i = 0; i < sentenceTokens.length; i++) {
    const negated = baseOf(sentenceTokens, i);
    if (!negated) continue;
    const token = sentenceTokens[i] as Token;
    const hit = claimTokens.find((t) => t.key === negated.base);
    if (hit && !claimKeys.has(token.key) && !claimTokens.some((t) => t.lower === "non" && t.end + 1 === hit.start)) {
      return { claimWord: hit.raw, sourceWord: negated.shown };
    }
  }
  return null;
}
