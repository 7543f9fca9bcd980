import { NUMBER_WORDS, extractQuantities, type Quantity } from "./quantities.ts";
import {
  newSpellingStamp,
  scanWords,
  setSpellingMemo,
  spellingAt,
  spellingById,
  spellingGeneration,
  spellingIdAt,
  spellingMemo,
  splitSentences,
  tokenOfSpelling,
  type Spelling,
  type Token,
  type Tokenizer,
} from "./text.ts";

// Evidence retrieval: every source sentence in one inverted index, scored with
// BM25 over canonical stems. A claim touches only the posting lists of its own
// terms, so cost grows with claims × matching sentences, never claims × all
// sentences.

// Two stems of one word that Porter left apart ("identif" / "identifi",
// "realiz" / "realis"): a long shared prefix missing at most two letters.
export function isVariantKey(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length < PREFIX_LENGTH || b.length < PREFIX_LENGTH) return false;
  const first = a.charCodeAt(0);
  if (first >= 48 && first <= 57) return false;
  const shorter = Math.min(a.length, b.length);
  if (Math.max(a.length, b.length) - shorter > 2) return false;
  let common = 0;
  while (common < shorter && a[common] === b[common]) common++;
  return common >= Math.max(PREFIX_LENGTH, shorter - 1);
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

export interface IndexedSource {
  id: string;
  title: string;
  citation_label: string | null;
  content: string;
}

export interface IndexedSentence {
  id: number;
  sourceIndex: number;
  start: number;
  end: number;
  // Content keys and their counts; `has` answers "does the sentence use this word".
  keys: ReadonlyMap<string, number>;
  length: number;
}

export interface Candidate {
  sentence: IndexedSentence;
  score: number;
}

const K1 = 1.2;
const B = 0.75;
const PREFIX_LENGTH = 5;
// A term in more than an eighth of all sentences (and in at least this many)
// is skipped for ranking when the claim has rarer terms.
const COMMON_TERM_MIN_DF = 64;
// Sentences at least this long keep their tokens for the run (tokensOf).
const CACHED_SENTENCE_CHARS = 400;

// A growable list of 32-bit integers: the index's working lists, kept off the
// JS heap so building them leaves nothing for the garbage collector to copy.
class IntBuffer {
  values: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.values = new Int32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  // A view, not a copy: copying the index's largest arrays once more cost
  // more than the unused tail they keep.
  trimmed(): Int32Array {
    return this.values.subarray(0, this.length);
  }
}

// A sentence's content keys and counts, read in place from the index's flat
// arrays (first-occurrence order, as a Map built from them would iterate): a
// Map per sentence was most of the index's allocation and, alive for the
// whole run, much of the garbage collector's work.
class SentenceKeys implements ReadonlyMap<string, number> {
  private readonly keyIdOf: ReadonlyMap<string, number>;
  private readonly keyNames: ReadonlyArray<string>;
  private readonly ids: Int32Array;
  private readonly counts: Int32Array;
  private readonly from: number;
  private readonly to: number;

  constructor(keyIdOf: ReadonlyMap<string, number>, keyNames: ReadonlyArray<string>, ids: Int32Array, counts: Int32Array, from: number, to: number) {
    this.keyIdOf = keyIdOf;
    this.keyNames = keyNames;
    this.ids = ids;
    this.counts = counts;
    this.from = from;
    this.to = to;
  }

  get size(): number {
    return this.to - this.from;
  }

  private indexOf(key: string): number {
    const keyId = this.keyIdOf.get(key);
    if (keyId === undefined) return -1;
    for (let at = this.from; at < this.to; at++) if (this.ids[at] === keyId) return at;
    return -1;
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  get(key: string): number | undefined {
    const at = this.indexOf(key);
    return at < 0 ? undefined : this.counts[at];
  }

  forEach(callback: (value: number, key: string, map: ReadonlyMap<string, number>) => void, thisArg?: unknown): void {
    for (let at = this.from; at < this.to; at++) callback.call(thisArg, this.counts[at] as number, this.keyNames[this.ids[at] as number] as string, this);
  }

  // Alignment walks a candidate's keys once per claim word it lacks, so the
  // list is built once.
  private keyList: string[] | null = null;

  keys(): MapIterator<string> {
    if (this.keyList === null) {
      this.keyList = [];
      for (let at = this.from; at < this.to; at++) this.keyList.push(this.keyNames[this.ids[at] as number] as string);
    }
    return this.keyList.values() as unknown as MapIterator<string>;
  }

  values(): MapIterator<number> {
    return Array.from(this.counts.subarray(this.from, this.to)).values() as unknown as MapIterator<number>;
  }

  entries(): MapIterator<[string, number]> {
    const entries: Array<[string, number]> = [];
    for (let at = this.from; at < this.to; at++) entries.push([this.keyNames[this.ids[at] as number] as string, this.counts[at] as number]);
    return entries.values() as unknown as MapIterator<[string, number]>;
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }
}

class Sentence implements IndexedSentence {
  readonly id: number;
  readonly sourceIndex: number;
  readonly start: number;
  readonly end: number;
  readonly length: number;
  private readonly owner: SourceIndex;
  private cachedKeys: ReadonlyMap<string, number> | null = null;

  constructor(owner: SourceIndex, id: number, sourceIndex: number, start: number, end: number, length: number) {
    this.owner = owner;
    this.id = id;
    this.sourceIndex = sourceIndex;
    this.start = start;
    this.end = end;
    this.length = length;
  }

  get keys(): ReadonlyMap<string, number> {
    if (this.cachedKeys === null) this.cachedKeys = this.owner.keysOfSentence(this.id);
    return this.cachedKeys;
  }
}

export class SourceIndex {
  readonly sources: ReadonlyArray<IndexedSource>;
  readonly sentences: IndexedSentence[] = [];
  // Content keys interned to ids: postings, per-sentence counts and lookups
  // work on integers in flat typed arrays, not on a Map and two arrays per key.
  private readonly keyIdOf = new Map<string, number>();
  private readonly keyNames: string[] = [];
  // key id → its postings: sentence ids (ascending) and term frequencies at
  // postingIds/postingTfs[postingStart[id] .. postingStart[id + 1]).
  private readonly postingStart: Int32Array;
  private readonly postingIds: Int32Array;
  private readonly postingTfs: Int32Array;
  // sentence id → its content keys in first-occurrence order, with counts, at
  // sentenceKeyIds/sentenceKeyCounts[sentenceKeyStart[id] .. sentenceKeyStart[id + 1]).
  private readonly sentenceKeyStart: Int32Array;
  private readonly sentenceKeyIds: Int32Array;
  private readonly sentenceKeyCounts: Int32Array;
  // Every 5-letter key prefix in any source: with the postings' keys, answers
  // "does this word occur anywhere?" in constant time.
  private readonly keysByPrefix = new Map<string, string[]>();
  private readonly quantityCache = new Map<number, Quantity[]>();
  private readonly matchingKeyIdsMemo = new Map<string, number[]>();
  private readonly tokenCache = new Map<number, Token[]>();
  // Per word of every sentence (sentence id → sentenceWordStart[id] ..): its
  // spelling id under spellingGeneration, start and end.
  private readonly spellingGeneration: number;
  private readonly wordSpellings: Int32Array;
  private readonly wordStarts: Int32Array;
  private readonly wordEnds: Int32Array;
  // Per word: its key id, or -1 for a word that is not content.
  private readonly wordKeyIds: Int32Array;
  private readonly sentenceWordStart: Int32Array;
  private readonly tokenize: Tokenizer;
  // Sentences with a written-out number ("twelve"), which posting lists of
  // digit keys cannot find.
  readonly sentencesWithNumberWords: number[] = [];
  private readonly numberWordSentences: Uint8Array;
  // Words that start with digits but are not numbers ("5bn", "30-day" is two
  // words, "10m"): their leading number → sentence ids, so a value written
  // "$5bn" in a source is found from a claim's "$5 billion".
  private readonly glued = new Map<string, number[]>();
  private readonly averageLength: number;
  // Reused score accumulator and touched list: one allocation per run, not per claim.
  private scratch = new Float64Array(0);
  private lengthNorm = new Float64Array(0);
  private touched = new Int32Array(0);
  private topIds = new Int32Array(0);
  private topScores = new Float64Array(0);

  constructor(sources: ReadonlyArray<IndexedSource>, tokenize: Tokenizer) {
    this.sources = sources;
    this.tokenize = tokenize;
    let totalChars = 0;
    for (const source of sources) totalChars += source.content.length;
    // Per key id: the sentence that last used it and where its count sits in flatCounts.
    const lastSentence = new IntBuffer(1024);
    const countAt = new IntBuffer(1024);
    const documentFrequency = new IntBuffer(1024);
    // Each sentence's keys in first-occurrence order, with counts; keyStarts[id] is where sentence id begins.
    const flatKeyIds = new IntBuffer(totalChars >> 3);
    const flatCounts = new IntBuffer(totalChars >> 3);
    const keyStarts = new IntBuffer(totalChars >> 6);
    keyStarts.push(0);
    // Every word's spelling id and place, so tokensOf reads a sentence back
    // without scanning and hashing it again.
    const wordSpellings = new IntBuffer(totalChars >> 3);
    const wordStarts = new IntBuffer(totalChars >> 3);
    const wordEnds = new IntBuffer(totalChars >> 3);
    const wordKeyIds = new IntBuffer(totalChars >> 3);
    const wordsStart = new IntBuffer(totalChars >> 6);
    wordsStart.push(0);
    const generationAtStart = spellingGeneration();
    const numberWordIds: number[] = [];
    let totalLength = 0;
    let id = 0;
    let length = 0;
    let hasNumberWord = false;
    let content = "";
    // Per spelling, this index's key id (-1 when the word is not content) and
    // whether it is a written-out number, packed as keyId * 2 + flag.
    const stamp = newSpellingStamp();
    const spellingValue = (spelling: Spelling): number => {
      let keyId = -1;
      if (spelling.isContent) {
        const known = this.keyIdOf.get(spelling.key);
        if (known !== undefined) keyId = known;
        else {
          keyId = this.keyNames.length;
          this.keyIdOf.set(spelling.key, keyId);
          this.keyNames.push(spelling.key);
          lastSentence.push(-1);
          countAt.push(0);
          documentFrequency.push(0);
          if (spelling.key.length >= PREFIX_LENGTH) {
            const prefix = spelling.key.slice(0, PREFIX_LENGTH);
            const keys = this.keysByPrefix.get(prefix);
            if (keys) keys.push(spelling.key);
            else this.keysByPrefix.set(prefix, [spelling.key]);
          }
        }
      }
      return keyId * 2 + (NUMBER_WORDS.has(spelling.lower) ? 1 : 0);
    };
    const visit = (start: number, end: number, isNumber: boolean): void => {
      const spellingId = spellingIdAt(content, start, end, isNumber);
      wordSpellings.push(spellingId >= 0 ? spellingId : isNumber ? -2 : -1);
      wordStarts.push(start);
      wordEnds.push(end);
      let value: number | undefined;
      if (spellingId < 0) value = spellingValue(spellingAt(content, start, end, isNumber));
      else {
        value = spellingMemo(spellingId, stamp);
        if (value === undefined) {
          value = spellingValue(spellingById(spellingId));
          setSpellingMemo(spellingId, stamp, value);
        }
      }
      if ((value & 1) === 1) hasNumberWord = true;
      if (!isNumber && isDigitCode(content.charCodeAt(start))) {
        let j = start;
        while (j < end && isDigitCode(content.charCodeAt(j))) j++;
        const lead = String(Number(content.slice(start, j)));
        const ids = this.glued.get(lead);
        if (ids === undefined) this.glued.set(lead, [id]);
        else if (ids[ids.length - 1] !== id) ids.push(id);
      }
      const keyId = value >> 1;
      wordKeyIds.push(keyId);
      if (keyId < 0) return;
      length++;
      if (lastSentence.values[keyId] !== id) {
        lastSentence.values[keyId] = id;
        countAt.values[keyId] = flatKeyIds.length;
        documentFrequency.values[keyId] = (documentFrequency.values[keyId] as number) + 1;
        flatKeyIds.push(keyId);
        flatCounts.push(1);
      } else {
        const at = countAt.values[keyId] as number;
        flatCounts.values[at] = (flatCounts.values[at] as number) + 1;
      }
    };
    sources.forEach((source, sourceIndex) => {
      content = source.content;
      for (const range of splitSentences(content)) {
        id = this.sentences.length;
        length = 0;
        hasNumberWord = false;
        // Keys only: full tokens are built later, for the few candidate sentences.
        scanWords(content, range.start, range.end, visit);
        keyStarts.push(flatKeyIds.length);
        wordsStart.push(wordSpellings.length);
        if (hasNumberWord) {
          this.sentencesWithNumberWords.push(id);
          numberWordIds.push(id);
        }
        totalLength += length;
        this.sentences.push(new Sentence(this, id, sourceIndex, range.start, range.end, length));
      }
    });
    // Ids recorded across a clearing of the spelling cache are void: tokensOf then tokenises.
    this.spellingGeneration = spellingGeneration() === generationAtStart ? generationAtStart : -1;
    this.wordSpellings = wordSpellings.trimmed();
    this.wordStarts = wordStarts.trimmed();
    this.wordEnds = wordEnds.trimmed();
    this.wordKeyIds = wordKeyIds.trimmed();
    this.sentenceWordStart = wordsStart.trimmed();
    this.sentenceKeyStart = keyStarts.trimmed();
    this.sentenceKeyIds = flatKeyIds.trimmed();
    this.sentenceKeyCounts = flatCounts.trimmed();
    this.numberWordSentences = new Uint8Array(this.sentences.length);
    for (const sentence of numberWordIds) this.numberWordSentences[sentence] = 1;
    // Postings by counting sort: sentences are visited in id order, so each list ascends.
    const keyCount = this.keyNames.length;
    this.postingStart = new Int32Array(keyCount + 1);
    for (let k = 0; k < keyCount; k++) this.postingStart[k + 1] = (this.postingStart[k] as number) + (documentFrequency.values[k] as number);
    const pairs = this.sentenceKeyIds.length;
    this.postingIds = new Int32Array(pairs);
    this.postingTfs = new Int32Array(pairs);
    const cursor = this.postingStart.slice(0, keyCount);
    for (let sentence = 0; sentence < this.sentences.length; sentence++) {
      for (let at = this.sentenceKeyStart[sentence] as number, stop = this.sentenceKeyStart[sentence + 1] as number; at < stop; at++) {
        const keyId = this.sentenceKeyIds[at] as number;
        const slot = cursor[keyId] as number;
        cursor[keyId] = slot + 1;
        this.postingIds[slot] = sentence;
        this.postingTfs[slot] = this.sentenceKeyCounts[at] as number;
      }
    }
    this.averageLength = this.sentences.length === 0 ? 1 : Math.max(1, totalLength / this.sentences.length);
  }

  // The sentence's content keys and counts, in the order they first occur.
  keysOfSentence(sentenceId: number): ReadonlyMap<string, number> {
    const from = this.sentenceKeyStart[sentenceId] ?? 0;
    const to = this.sentenceKeyStart[sentenceId + 1] ?? from;
    return new SentenceKeys(this.keyIdOf, this.keyNames, this.sentenceKeyIds, this.sentenceKeyCounts, from, to);
  }

  // The keys of the sentence's content words among its first `words` words,
  // in order: what the content tokens of tokensOf(sentence).slice(0, words)
  // hold, read off the index without building a token. `sentence` is one of
  // this index's sentences.
  contentKeysOf(sentence: IndexedSentence, words: number): string[] {
    const keys: string[] = [];
    const from = this.sentenceWordStart[sentence.id] as number;
    const stop = Math.min(this.sentenceWordStart[sentence.id + 1] as number, from + words);
    for (let at = from; at < stop; at++) {
      const keyId = this.wordKeyIds[at] as number;
      if (keyId >= 0) keys.push(this.keyNames[keyId] as string);
    }
    return keys;
  }

  // contentKeysOf as key ids, written to `into` from its start (which must
  // hold `words`); returns how many.
  contentKeyIdsInto(sentence: IndexedSentence, words: number, into: Int32Array): number {
    let count = 0;
    const from = this.sentenceWordStart[sentence.id] as number;
    const stop = Math.min(this.sentenceWordStart[sentence.id + 1] as number, from + words);
    for (let at = from; at < stop; at++) {
      const keyId = this.wordKeyIds[at] as number;
      if (keyId >= 0) into[count++] = keyId;
    }
    return count;
  }

  // Ids of this index's keys that keyMatches (alignment.ts) accepts for
  // `key`: the key itself and its variant stems (isVariantKey), which share
  // its first PREFIX_LENGTH letters. Found once per claim word, they let the
  // checks ask a sentence for a word without walking its keys as strings.
  matchingKeyIds(key: string): ReadonlyArray<number> {
    // Memoised: the prefix buckets grow with the vocabulary, and checks and
    // features ask about the same claim words again.
    let ids = this.matchingKeyIdsMemo.get(key);
    if (ids === undefined) {
      ids = this.findMatchingKeyIds(key);
      this.matchingKeyIdsMemo.set(key, ids);
    }
    return ids;
  }

  private findMatchingKeyIds(key: string): number[] {
    const ids: number[] = [];
    const exact = this.keyIdOf.get(key);
    if (exact !== undefined) ids.push(exact);
    if (key.length < PREFIX_LENGTH || isDigitCode(key.charCodeAt(0))) return ids;
    const similar = this.keysByPrefix.get(key.slice(0, PREFIX_LENGTH));
    if (similar === undefined) return ids;
    for (const other of similar) if (other !== key && isVariantKey(key, other)) ids.push(this.keyIdOf.get(other) as number);
    return ids;
  }

  // The key's id in this index, or -1 when no sentence uses it.
  keyIdOfKey(key: string): number {
    return this.keyIdOf.get(key) ?? -1;
  }

  // sentence.keys.has(key) for one of this index's sentences, without
  // building the sentence's key view (which then stays alive for the run).
  sentenceHasKey(sentence: IndexedSentence, key: string): boolean {
    const keyId = this.keyIdOf.get(key);
    return keyId !== undefined && this.sentenceHasKeyId(sentence, keyId);
  }

  sentenceHasKeyId(sentence: IndexedSentence, keyId: number): boolean {
    const ids = this.sentenceKeyIds;
    const stop = this.sentenceKeyStart[sentence.id + 1] as number;
    for (let at = this.sentenceKeyStart[sentence.id] as number; at < stop; at++) if (ids[at] === keyId) return true;
    return false;
  }

  // Whether one of this index's sentences uses any of these key ids.
  sentenceHasAnyKey(sentence: IndexedSentence, keyIds: ReadonlyArray<number>): boolean {
    const ids = this.sentenceKeyIds;
    const stop = this.sentenceKeyStart[sentence.id + 1] as number;
    for (let at = this.sentenceKeyStart[sentence.id] as number; at < stop; at++) {
      const id = ids[at] as number;
      for (let k = 0; k < keyIds.length; k++) if (keyIds[k] === id) return true;
    }
    return false;
  }

  // Adds the sentence's content keys to `keys`, in first-occurrence order.
  addKeysOf(sentence: IndexedSentence, keys: Set<string>): void {
    const stop = this.sentenceKeyStart[sentence.id + 1] as number;
    for (let at = this.sentenceKeyStart[sentence.id] as number; at < stop; at++) keys.add(this.keyNames[this.sentenceKeyIds[at] as number] as string);
  }

  private documentFrequencyOf(keyId: number | undefined): number {
    return keyId === undefined ? 0 : (this.postingStart[keyId + 1] as number) - (this.postingStart[keyId] as number);
  }

  inverseDocumentFrequency(key: string): number {
    const df = this.documentFrequencyOf(this.keyIdOf.get(key));
    const n = this.sentences.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  occursAnywhere(key: string): boolean {
    return this.keyIdOf.has(key);
  }

  // The key or a variant stem of it occurs in some sentence, or the key in a
  // source's title: a page titled "Popular Mechanics: …" mentions Popular
  // Mechanics, so a claim naming it names nothing new (the title is not
  // evidence for anything else, so it is not indexed as a sentence).
  occursLoosely(key: string): boolean {
    return this.keyIdOf.has(key) || this.matchingKeyIds(key).length > 0 || this.titleKeys().has(key);
  }

  // Built on first use: most reviews never ask about a word the sentences lack.
  private titleKeySet: Set<string> | null = null;
  private titleKeys(): ReadonlySet<string> {
    if (this.titleKeySet === null) {
      this.titleKeySet = new Set();
      for (const source of this.sources) for (const token of this.tokenize(source.title)) this.titleKeySet.add(token.key);
    }
    return this.titleKeySet;
  }

  hasNumberWords(sentence: IndexedSentence): boolean {
    return this.numberWordSentences[sentence.id] === 1;
  }

  sentencesContaining(key: string): ReadonlyArray<number> {
    const keyId = this.keyIdOf.get(key);
    if (keyId === undefined) return [];
    return Array.from(this.postingIds.subarray(this.postingStart[keyId], this.postingStart[keyId + 1]));
  }

  // Sentences with a word that starts with this number and goes on in letters ("5bn").
  sentencesWithGluedNumber(key: string): ReadonlyArray<number> {
    return this.glued.get(key) ?? [];
  }

  // A short sentence is tokenised again each time it is asked for: that costs
  // less than keeping its tokens alive for the rest of the run, where the
  // garbage collector copies and promotes every one of them (measured: caching
  // all made a large packet ~10% slower). A long one is kept, so claims that
  // keep aligning to one page-long "sentence" cannot make the cost quadratic.
  tokensOf(sentence: IndexedSentence): Token[] {
    const content = this.sources[sentence.sourceIndex]?.content ?? "";
    if (sentence.end - sentence.start < CACHED_SENTENCE_CHARS) return this.readTokens(sentence, content);
    let tokens = this.tokenCache.get(sentence.id);
    if (!tokens) {
      tokens = this.readTokens(sentence, content);
      this.tokenCache.set(sentence.id, tokens);
    }
    return tokens;
  }

  // Appends the lower-case form and the key of each of the sentence's first
  // `words` words: the `lower` and `key` of tokensOf(sentence).slice(0,
  // words), without building tokens for a comparison that reads only those.
  appendWordForms(sentence: IndexedSentence, words: number, lowers: string[], keys: string[]): void {
    if (this.spellingGeneration !== spellingGeneration() || this.sentences[sentence.id] !== sentence) {
      for (const token of this.tokensOf(sentence).slice(0, words)) {
        lowers.push(token.lower);
        keys.push(token.key);
      }
      return;
    }
    const content = this.sources[sentence.sourceIndex]?.content ?? "";
    const from = this.sentenceWordStart[sentence.id] as number;
    const stop = Math.min(this.sentenceWordStart[sentence.id + 1] as number, from + words);
    for (let at = from; at < stop; at++) {
      const spellingId = this.wordSpellings[at] as number;
      const spelling = spellingId >= 0 ? spellingById(spellingId) : tokenOfSpelling(spellingId, content, this.wordStarts[at] as number, this.wordEnds[at] as number);
      lowers.push(spelling.lower);
      keys.push(spelling.key);
    }
  }

  // The sentence's tokens from the words recorded while indexing: what the
  // tokenizer gives for the sentence's range, without scanning it again.
  private readTokens(sentence: IndexedSentence, content: string): Token[] {
    if (this.spellingGeneration !== spellingGeneration() || this.sentences[sentence.id] !== sentence) {
      return this.tokenize(content, sentence.start, sentence.end);
    }
    const tokens: Token[] = [];
    const stop = this.sentenceWordStart[sentence.id + 1] as number;
    for (let at = this.sentenceWordStart[sentence.id] as number; at < stop; at++) {
      tokens.push(tokenOfSpelling(this.wordSpellings[at] as number, content, this.wordStarts[at] as number, this.wordEnds[at] as number));
    }
    return tokens;
  }

  quantitiesOf(sentence: IndexedSentence): Quantity[] {
    let quantities = this.quantityCache.get(sentence.id);
    if (!quantities) {
      const content = this.sources[sentence.sourceIndex]?.content ?? "";
      quantities = extractQuantities(content, sentence.start, sentence.end);
      this.quantityCache.set(sentence.id, quantities);
    }
    return quantities;
  }

  // The sentence with its neighbours in the same source: a summary sentence
  // often draws on two adjacent source sentences.
  window(sentence: IndexedSentence): IndexedSentence[] {
    const out: IndexedSentence[] = [];
    for (let id = sentence.id - 1; id <= sentence.id + 1; id++) {
      const neighbour = this.sentences[id];
      if (neighbour && neighbour.sourceIndex === sentence.sourceIndex) out.push(neighbour);
    }
    return out;
  }

  search(query: ReadonlyMap<string, number>, limit: number, sourceFilter?: ReadonlySet<number>): Candidate[] {
    const n = this.sentences.length;
    if (this.scratch.length < n) {
      this.scratch = new Float64Array(n);
      this.lengthNorm = new Float64Array(n);
      this.touched = new Int32Array(n);
      for (const sentence of this.sentences) this.lengthNorm[sentence.id] = K1 * (1 - B + (B * sentence.length) / this.averageLength);
    }
    const scores = this.scratch;
    const lengthNorm = this.lengthNorm;
    const postingIds = this.postingIds;
    const postingTfs = this.postingTfs;
    let touched = this.touched;
    let touchedCount = 0;
    // Common terms barely change the ranking but have the longest posting
    // lists; coverage is judged separately, on the candidates' own words.
    const commonDf = Math.max(COMMON_TERM_MIN_DF, n / 8);
    let hasRareTerm = false;
    query.forEach((_weight, key) => {
      const df = this.documentFrequencyOf(this.keyIdOf.get(key));
      if (df > 0 && df <= commonDf) hasRareTerm = true;
    });
    query.forEach((weight, key) => {
      const keyId = this.keyIdOf.get(key);
      const df = this.documentFrequencyOf(keyId);
      if (df === 0 || (hasRareTerm && df > commonDf)) return;
      const idf = this.inverseDocumentFrequency(key) * weight;
      for (let at = this.postingStart[keyId as number] as number, stop = this.postingStart[(keyId as number) + 1] as number; at < stop; at++) {
        const id = postingIds[at] as number;
        const tf = postingTfs[at] as number;
        if (scores[id] === 0) {
          // A term whose contribution rounds to zero can touch a sentence twice.
          if (touchedCount === touched.length) {
            const grown = new Int32Array(touched.length * 2 + 16);
            grown.set(touched);
            touched = grown;
            this.touched = grown;
          }
          touched[touchedCount++] = id;
        }
        scores[id] = (scores[id] as number) + (idf * tf * (K1 + 1)) / (tf + (lengthNorm[id] as number));
      }
    });
    // The best `limit` so far as parallel lists, best first: a candidate
    // object is made only for the ones returned.
    const topIds = this.topIds.length > limit ? this.topIds : (this.topIds = new Int32Array(limit + 1));
    const topScores = this.topScores.length > limit ? this.topScores : (this.topScores = new Float64Array(limit + 1));
    let topCount = 0;
    for (let t = 0; t < touchedCount; t++) {
      const id = touched[t] as number;
      const score = scores[id] as number;
      scores[id] = 0;
      if (topCount >= limit && score <= (topScores[topCount - 1] as number)) continue;
      if (sourceFilter && !sourceFilter.has((this.sentences[id] as IndexedSentence).sourceIndex)) continue;
      // Below every kept score that is not lower; an equal score touched
      // earlier stays ahead (touch order, deterministic).
      let at = topCount;
      while (at > 0 && (topScores[at - 1] as number) < score) {
        topScores[at] = topScores[at - 1] as number;
        topIds[at] = topIds[at - 1] as number;
        at--;
      }
      topScores[at] = score;
      topIds[at] = id;
      if (topCount < limit) topCount++;
    }
    const top: Candidate[] = [];
    for (let at = 0; at < topCount; at++) top.push({ sentence: this.sentences[topIds[at] as number] as IndexedSentence, score: topScores[at] as number });
    return top;
  }
}
