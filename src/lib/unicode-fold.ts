/**
 * Folding text so that spellings a person reads as the same compare equal.
 * The raw-content boundary and the credential scan both refuse by name or
 * shape; without folding, `AI_OUTPUT`, `ａｉ＿ｏｕｔｐｕｔ`, `aі_output` (Cyrillic і)
 * or a key split by U+200B would walk past them.
 */

/**
 * Characters that render as nothing: format controls (zero-width space and
 * joiners, soft hyphen, bidi overrides, BOM, tags), other controls, the
 * combining grapheme joiner, variation selectors and Hangul fillers.
 */
const INVISIBLE = /[\p{Cf}\p{Cc}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/gu;

export const withoutInvisible = (text: string): string => text.replace(INVISIBLE, "");

/**
 * Lower-case look-alikes of Latin letters from other scripts (Unicode's
 * confusables, the common subset). NFKC already folds full-width and
 * mathematical letters; these it leaves alone because they are real letters.
 */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: "a", в: "b", е: "e", ё: "e", һ: "h", і: "i", ї: "i", ј: "j", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c",
  т: "t", у: "y", х: "x", ѕ: "s", ԁ: "d", ԛ: "q", ԝ: "w", ү: "y", ӏ: "l", ɡ: "g",
  // Greek
  α: "a", β: "b", ε: "e", η: "n", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", ω: "w", ς: "s", σ: "o",
  // Latin variants
  ı: "i", ȷ: "j", ſ: "s", ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ł: "l", ℓ: "l",
};

/**
 * A field name reduced to what it says: NFKC, case-folded, accents and
 * invisible characters removed, look-alikes mapped to Latin, and every
 * separator (`_`, `-`, `.`, spaces, punctuation) dropped, so `aiOutput`,
 * `ai-output` and `AI_OUTPUT` all fold to `aioutput`.
 */
export function foldFieldName(name: string): string {
  return foldProse(name).replace(/[^\p{L}\p{N}]/gu, "");
}

/** Running text reduced the same way, separators kept (one space for each run of whitespace), for matching phrases. */
export function foldProse(text: string): string {
  const decomposed = withoutInvisible(text.normalize("NFKC")).toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
  let folded = "";
  for (const char of decomposed) folded += CONFUSABLES[char] ?? char;
  return folded.normalize("NFKC").replace(/\s+/g, " ");
}
