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

// One distinct spelling of a word and what every reader derives from it.
export interface Spelling {
  raw: string;
  lower: string;
  key: string;
  isNumber: boolean;
  isCapitalized: boolean;
  // Not a stopword or a stray letter (isContentWord).
  isContent: boolean;
}

function spellingOf(raw: string, isNumber: boolean): Spelling {
  const lower = raw.toLowerCase();
  const initial = raw[0] ?? "";
  return {
    raw,
    lower,
    key: keyOfWord(lower, isNumber),
    isNumber,
    isCapitalized: initial !== initial.toLowerCase(),
    isContent: isContentWord(lower, isNumber, raw),
  };
}

// Sources and outputs repeat their words, so each word is looked up by its
// characters in place: no substring, lowercasing or stemming per occurrence,
// only per distinct spelling. Open addressing over FNV-1a hashes of the UTF-16
// code units; slots hold [hash, id + 1] and the spellings' characters sit in
// one pool, so a lookup touches two small arrays, not objects. A pure
// function's cache, bounded by clearing; words longer than
// SPELLING_MAX_LENGTH are not kept, so a hostile packet cannot make it hold
// much text.
const SPELLING_LIMIT = 65_536;
const SPELLING_MAX_LENGTH = 48;
let slots = new Int32Array(2 * 4096);
let slotMask = 4096 - 1;
let pool = new Uint16Array(32_768);
let poolUsed = 0;
let entryStart = new Int32Array(2048);
let entryLength = new Int32Array(2048);
// A per-run memo for one reader at a time (SourceIndex keeps its key ids here):
// a value counts only while its stamp is the reader's.
let entryStamp = new Int32Array(2048);
let entryValue = new Int32Array(2048);
let spellings: Spelling[] = [];
let lastStamp = 0;
// Counts clearings: an id read under one generation means nothing under another.
let generation = 0;

export function spellingGeneration(): number {
  return generation;
}

function clearSpellings(): void {
  generation++;
  slots = new Int32Array(2 * 4096);
  slotMask = 4096 - 1;
  poolUsed = 0;
  spellings = [];
  entryStamp.fill(0);
}

function growEntries(): void {
  const grow = (from: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
    const to = new Int32Array(from.length * 2);
    to.set(from);
    return to;
  };
  entryStart = grow(entryStart);
  entryLength = grow(entryLength);
  entryStamp = grow(entryStamp);
  entryValue = grow(entryValue);
}

function growSlots(): void {
  const old = slots;
  slots = new Int32Array(old.length * 2);
  slotMask = slots.length / 2 - 1;
  for (let at = 0; at < old.length; at += 2) {
    if (old[at + 1] === 0) continue;
    let slot = (old[at] as number) & slotMask;
    while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & slotMask;
    slots[2 * slot] = old[at] as number;
    slots[2 * slot + 1] = old[at + 1] as number;
  }
}

// The id of the word at text[start, end), or -1 for a word too long to keep
// (read it with spellingOf instead). Ids last until the next call.
export function spellingIdAt(text: string, start: number, end: number, isNumber: boolean): number {
  const length = end - start;
  if (length > SPELLING_MAX_LENGTH) return -1;
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash |= 0;
  let slot = hash & slotMask;
  for (;;) {
    const entry = (slots[2 * slot + 1] as number) - 1;
    if (entry < 0) break;
    if (slots[2 * slot] === hash && entryLength[entry] === length) {
      const at = (entryStart[entry] as number) - start;
      let i = start;
      while (i < end && pool[at + i] === text.charCodeAt(i)) i++;
      if (i === end) return entry;
    }
    slot = (slot + 1) & slotMask;
  }
  if (spellings.length >= SPELLING_LIMIT) {
    clearSpellings();
    slot = hash & slotMask;
  }
  const entry = spellings.length;
  if (entry === entryStart.length) growEntries();
  if (poolUsed + length > pool.length) {
    const grown = new Uint16Array(Math.max(pool.length * 2, poolUsed + length));
    grown.set(pool.subarray(0, poolUsed));
    pool = grown;
  }
  for (let i = start; i < end; i++) pool[poolUsed + i - start] = text.charCodeAt(i);
  entryStart[entry] = poolUsed;
  entryLength[entry] = length;
  entryStamp[entry] = 0;
  poolUsed += length;
  spellings.push(spellingOf(text.slice(start, end), isNumber));
  slots[2 * slot] = hash;
  slots[2 * slot + 1] = entry + 1;
  if (spellings.length * 2 > slotMask + 1) growSlots();
  return entry;
}

export function spellingById(id: number): Spelling {
  return spellings[id] as Spelling;
}

export function spellingAt(text: string, start: number, end: number, isNumber: boolean): Spelling {
  const id = spellingIdAt(text, start, end, isNumber);
  return id < 0 ? spellingOf(text.slice(start, end), isNumber) : (spellings[id] as Spelling);
}

// A stamp no reader has used: a SourceIndex takes one per construction.
export function newSpellingStamp(): number {
  if (lastStamp === 0x7fffffff) {
    entryStamp.fill(0);
    lastStamp = 0;
  }
  return ++lastStamp;
}

// The value a reader memoised for a spelling under its stamp, or undefined.
export function spellingMemo(id: number, stamp: number): number | undefined {
  return entryStamp[id] === stamp ? entryValue[id] : undefined;
}

export function setSpellingMemo(id: number, stamp: number, value: number): void {
  entryStamp[id] = stamp;
  entryValue[id] = value;
}

// The token for a word whose spelling id (spellingIdAt) was recorded earlier
// in the same generation; -1 and -2 stand for a long word and a long number.
export function tokenOfSpelling(id: number, text: string, start: number, end: number): Token {
  const spelling = id < 0 ? spellingOf(text.slice(start, end), id === -2) : (spellings[id] as Spelling);
  return {
    raw: spelling.raw,
    lower: spelling.lower,
    key: spelling.key,
    start,
    end,
    isNumber: spelling.isNumber,
    isCapitalized: spelling.isCapitalized,
  };
}

export function createTokenizer(): Tokenizer {
  return (text, offset = 0, end = text.length) => {
    const tokens: Token[] = [];
    scanWords(text, offset, end, (start, stop, isNumber) => {
      const spelling = spellingAt(text, start, stop, isNumber);
      tokens.push({
        raw: spelling.raw,
        lower: spelling.lower,
        key: spelling.key,
        start,
        end: stop,
        isNumber: spelling.isNumber,
        isCapitalized: spelling.isCapitalized,
      });
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
