import { STOPWORDS, SYNONYMS } from "./lexicon.ts";
import { porterStem } from "./stem.ts";

// Every range is [start, end) in UTF-16 code units of the text it came from, so
// `text.slice(start, end)` is always the quoted substring.
export interface TextRange {
  start: number;
  end: number;
}

export interface SentenceRange extends TextRange {
  // A markdown heading or a line ending in ":" frames what follows; it states nothing.
  isHeading: boolean;
}

export interface Token {
  raw: string;
  lower: string;
  // Canonical stem used for matching: synonyms folded, then Porter-stemmed;
  // numbers without thousands separators.
  key: string;
  start: number;
  end: number;
  isNumber: boolean;
  isCapitalized: boolean;
}

const TITLE_ABBREVIATIONS = new Set([
  "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "v", "rev", "gen", "col", "lt", "sgt", "capt",
  "gov", "sen", "rep", "hon", "fig", "figs", "no", "nos", "vol", "pp", "approx", "dept", "cf", "ca", "mt", "ft",
]);
const MONTH_ABBREVIATIONS = new Set(["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]);
const SENTENCE_STARTERS = new Set([
  "the", "this", "that", "these", "those", "it", "its", "in", "he", "she", "they", "we", "i", "a", "an", "but",
  "however", "our", "their", "his", "her", "there", "on", "at", "for", "as", "if", "when", "after", "before",
]);
const CLOSING_PUNCTUATION = "\"'”’)]»";
const LIST_MARKER = /^(?:[-*+•▪◦‣]\s+|\d{1,3}[.)]\s+|[a-zA-Z][.)]\s+(?=[A-Z])|#{1,6}\s+|>\s*)/;

// ASCII fast paths first: these run once per character of every source.
function isLetter(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return /\p{L}/u.test(ch);
}
function isUpper(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  if (code < 128) return code >= 65 && code <= 90;
  return /\p{Lu}/u.test(ch);
}
function isLower(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  if (code < 128) return code >= 97 && code <= 122;
  return /\p{Ll}/u.test(ch);
}
function isSpace(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/u.test(ch);
}

// The run of letters and inner dots right before `index` ("U.S" in "U.S.").
function wordBefore(text: string, index: number): string {
  let i = index;
  while (i > 0 && (isLetter(text[i - 1]) || (text[i - 1] === "." && isLetter(text[i - 2])))) i--;
  return text.slice(i, index);
}

function wordAt(text: string, index: number): string {
  let i = index;
  while (i < text.length && isLetter(text[i])) i++;
  return text.slice(index, i);
}

function isSentenceEndAfterPeriod(text: string, periodIndex: number, nextIndex: number, caseless: boolean): boolean {
  const before = wordBefore(text, periodIndex);
  const lowerBefore = before.toLowerCase();
  const next = text[nextIndex];
  if (next !== undefined && ((isLower(next) && !caseless) || next === "," || next === ";")) return false;
  if (before.length === 1 && isUpper(before)) return false; // an initial: "C. V. Raman"
  if (TITLE_ABBREVIATIONS.has(lowerBefore)) return false;
  if (MONTH_ABBREVIATIONS.has(lowerBefore) && next !== undefined && /\d/.test(next)) return false;
  if (lowerBefore === "e.g" || lowerBefore === "i.e" || lowerBefore === "a.k.a") return false;
  if (before.includes(".")) {
    // "U.S. President" continues, "in the U.S. The company" ends.
    return SENTENCE_STARTERS.has(wordAt(text, nextIndex).toLowerCase());
  }
  return true;
}

// "series.American Pie": two paragraphs glued without a space. Only a lowercase
// word followed by a capitalised word counts, so "U.S.A" and "ASP.NET" do not.
function isGluedSentenceStart(text: string, periodIndex: number): boolean {
  const before = wordBefore(text, periodIndex);
  if (before.length < 2 || before.includes(".")) return false;
  const prev = text[periodIndex - 1];
  return (isLower(prev) || prev === ")" || prev === "\"") && isUpper(text[periodIndex + 1]) && isLower(text[periodIndex + 2]);
}

function trimRange(text: string, start: number, end: number): TextRange {
  let s = start;
  let e = end;
  while (s < e && isSpace(text[s])) s++;
  while (e > s && isSpace(text[e - 1])) e--;
  return { start: s, end: e };
}

function splitBlock(text: string, start: number, end: number, out: TextRange[]): void {
  let sentenceStart = start;
  // Chat written all in lower case ("i can imagine! the field was founded in
  // 1494.") starts its sentences in lower case too.
  const caseless = !/\p{Lu}/u.test(text.slice(start, end));
  for (let i = start; i < end; i++) {
    const ch = text[i];
    if (ch === "。" || ch === "！" || ch === "？") {
      out.push({ start: sentenceStart, end: i + 1 });
      sentenceStart = i + 1;
      continue;
    }
    if (ch !== "." && ch !== "!" && ch !== "?" && ch !== "…") continue;
    if (ch === "." && /\d/.test(text[i - 1] ?? "") && /\d/.test(text[i + 1] ?? "")) continue;
    let j = i + 1;
    while (j < end && ".!?…".includes(text[j] ?? "")) j++;
    while (j < end && CLOSING_PUNCTUATION.includes(text[j] ?? "")) j++;
    if (j >= end) break;
    let boundary = false;
    if (isSpace(text[j])) {
      let k = j;
      while (k < end && isSpace(text[k])) k++;
      boundary = ch === "." ? isSentenceEndAfterPeriod(text, i, k, caseless) : caseless || !isLower(text[k]);
    } else if (ch === "." && j === i + 1) {
      boundary = isGluedSentenceStart(text, i);
    }
    if (boundary) {
      out.push({ start: sentenceStart, end: j });
      sentenceStart = j;
      i = j - 1;
    }
  }
  out.push({ start: sentenceStart, end });
}

// Sentences of free text: lines are units (AI answers and transcripts put one
// thought per line) except hard-wrapped continuations; list markers and heading
// hashes are left out of the range.
export function splitSentences(text: string): SentenceRange[] {
  const blocks: Array<{ start: number; end: number; isHeading: boolean }> = [];
  let lineStart = 0;
  const pushLine = (start: number, end: number): void => {
    const trimmed = trimRange(text, start, end);
    if (trimmed.start >= trimmed.end) return;
    const line = text.slice(trimmed.start, trimmed.end);
    const marker = LIST_MARKER.exec(line);
    const isHashHeading = marker !== null && marker[0].startsWith("#");
    const contentStart = trimmed.start + (marker ? marker[0].length : 0);
    const previous = blocks[blocks.length - 1];
    const continues =
      previous !== undefined && !marker && !previous.isHeading && isLower(text[contentStart]) &&
      !/[.!?:;"')\]]$/.test(text.slice(previous.start, previous.end)) && previous.end === lastLineEnd;
    if (continues && previous) previous.end = trimmed.end;
    else blocks.push({ start: contentStart, end: trimmed.end, isHeading: isHashHeading });
    lastLineEnd = trimmed.end;
  };
  let lastLineEnd = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === "\n") {
      const blankBefore = text.slice(lineStart, i).trim() === "";
      if (blankBefore) lastLineEnd = -1;
      else pushLine(lineStart, i);
      lineStart = i + 1;
    }
  }
  const sentences: SentenceRange[] = [];
  for (const block of blocks) {
    const ranges: TextRange[] = [];
    splitBlock(text, block.start, block.end, ranges);
    for (const range of ranges) {
      const trimmed = trimRange(text, range.start, range.end);
      if (trimmed.start >= trimmed.end) continue;
      const isHeading = block.isHeading || (ranges.length === 1 && text[trimmed.end - 1] === ":");
      sentences.push({ ...trimmed, isHeading });
    }
  }
  return sentences;
}

export type Tokenizer = (text: string, offset?: number, end?: number) => Token[];

// Stemming dominates indexing time and vocabularies repeat across runs, so
// keys are memoized; the memo is a pure function's cache, bounded by clearing.
const KEY_CACHE_LIMIT = 50_000;
// Synonyms folded on stems too, so every inflection ("utilizing", "utilises")
// lands where the listed form does.
const STEM_SYNONYMS: ReadonlyMap<string, string> = new Map(
  [...SYNONYMS].map(([word, canonical]) => [porterStem(word), porterStem(canonical)] as const).filter(([a, b]) => a !== b),
);
const keyCache = new Map<string, string>();

function keyOf(lower: string): string {
  let key = keyCache.get(lower);
  if (key === undefined) {
    const base = lower.replace(/['’]s$/, "").replace(/['’]/g, "");
    const stem = porterStem(SYNONYMS.get(base) ?? base);
    key = STEM_SYNONYMS.get(stem) ?? stem;
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(lower, key);
  }
  return key;
}

const NON_ASCII_WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
const NON_ASCII_LETTER = /^[\p{L}\p{M}]$/u;

// Length of the word character at `index` (2 for a letter outside the BMP), or 0.
function wordCharLength(text: string, index: number, lettersOnly: boolean): number {
  const code = text.charCodeAt(index);
  if (code < 128) {
    const isLetter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
    return isLetter || (!lettersOnly && code >= 48 && code <= 57) ? 1 : 0;
  }
  if (Number.isNaN(code)) return 0;
  const point = text.codePointAt(index) ?? 0;
  const char = String.fromCodePoint(point);
  return (lettersOnly ? NON_ASCII_LETTER : NON_ASCII_WORD_CHAR).test(char) ? char.length : 0;
}

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 48 && code <= 57;
}

// Words are runs of letters, marks and digits, with inner apostrophes
// ("don't"); numbers keep their separators ("7,585", "3.5"). A hand scanner:
// the equivalent Unicode regex dominated indexing time. `visit` gets each
// word's range and whether it is a number.
export function scanWords(text: string, offset: number, end: number, visit: (start: number, end: number, isNumber: boolean) => void): void {
  let i = offset;
  while (i < end) {
    if (wordCharLength(text, i, false) === 0) {
      i++;
      continue;
    }
    const start = i;
    // Dotted acronyms ("U.S.", "e.g.") are one word, so "U.S." is not two stray letters.
    if (text[i + 1] === "." && text[i + 3] === "." && i + 3 < end && (i === offset || wordCharLength(text, i - 1, false) === 0)) {
      let j = i;
      while (j + 1 < end && text[j + 1] === "." && wordCharLength(text, j, true) === 1) j += 2;
      if (j - i >= 4) {
        i = j;
        visit(start, i, false);
        continue;
      }
    }
    let allDigits = true;
    while (i < end) {
      const n = wordCharLength(text, i, false);
      if (n === 0) break;
      if (!isDigitAt(text, i)) allDigits = false;
      i += n;
    }
    if (allDigits) {
      while (i + 1 < end && (text[i] === "." || text[i] === ",") && isDigitAt(text, i + 1)) {
        i++;
        while (i < end && isDigitAt(text, i)) i++;
      }
    } else {
      while (i + 1 < end && (text[i] === "'" || text[i] === "’") && wordCharLength(text, i + 1, true) > 0) {
        i++;
        while (i < end) {
          const n = wordCharLength(text, i, true);
          if (n === 0) break;
          i += n;
        }
      }
    }
    visit(start, i, allDigits);
  }
}

export function keyOfWord(lower: string, isNumber: boolean): string {
  if (isNumber) return normalizeNumberText(lower);
  return lower.includes(".") ? lower.replace(/\./g, "") : keyOf(lower);
}

export function createTokenizer(): Tokenizer {
  return (text, offset = 0, end = text.length) => {
    const tokens: Token[] = [];
    scanWords(text, offset, end, (start, stop, isNumber) => {
      const raw = text.slice(start, stop);
      const lower = raw.toLowerCase();
      const initial = raw[0] ?? "";
      tokens.push({ raw, lower, key: keyOfWord(lower, isNumber), start, end: stop, isNumber, isCapitalized: initial !== initial.toLowerCase() });
    });
    return tokens;
  };
}

export function normalizeNumberText(raw: string): string {
  const cleaned = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(raw) ? raw.replace(/,/g, "") : raw.replace(/,/g, ".");
  const value = Number(cleaned);
  return Number.isFinite(value) ? String(value) : raw;
}

// `raw` lets an all-capitals acronym count even when it spells a stopword ("US", "IT").
export function isContentWord(lower: string, isNumber: boolean, raw: string = lower): boolean {
  if (isNumber) return true;
  if (lower.length < 2 && !isDigitAt(lower, 0)) return false;
  if (!STOPWORDS.has(lower)) return true;
  return raw.length >= 2 && raw === raw.toUpperCase() && raw !== lower;
}

export function isContentToken(token: Token): boolean {
  return isContentWord(token.lower, token.isNumber, token.raw);
}

export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
