import { NUMBER_WORDS, extractQuantities, type Quantity } from "./quantities.ts";
import { isContentWord, keyOfWord, scanWords, splitSentences, type Token, type Tokenizer } from "./text.ts";

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

interface IndexWord {
  // Null for a word that is not content (a stopword, a stray letter).
  key: string | null;
  isNumberWord: boolean;
}

// Per distinct spelling: sources repeat their words, so the lowercasing,
// stopword test and stemming run once per spelling. Bounded by clearing.
const INDEX_WORD_CACHE_LIMIT = 100_000;
const indexWordCache = new Map<string, IndexWord>();

function indexWord(raw: string, isNumber: boolean): IndexWord {
  let word = indexWordCache.get(raw);
  if (word === undefined) {
    const lower = raw.toLowerCase();
    word = {
      key: isContentWord(lower, isNumber, raw) ? keyOfWord(lower, isNumber) : null,
      isNumberWord: NUMBER_WORDS.has(lower),
    };
    if (indexWordCache.size >= INDEX_WORD_CACHE_LIMIT) indexWordCache.clear();
    indexWordCache.set(raw, word);
  }
  return word;
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

export class SourceIndex {
  readonly sources: ReadonlyArray<IndexedSource>;
  readonly sentences: IndexedSentence[] = [];
  // key → sentence ids and term frequencies, in sentence order.
  private readonly postings = new Map<string, { ids: number[]; tfs: number[] }>();
  // Every 5-letter key prefix in any source: with the postings' keys, answers
  // "does this word occur anywhere?" in constant time.
  private readonly keysByPrefix = new Map<string, string[]>();
  private readonly quantityCache = new Map<number, Quantity[]>();
  private readonly tokenCache = new Map<number, Token[]>();
  private readonly tokenize: Tokenizer;
  // Sentences with a written-out number ("twelve"), which posting lists of
  // digit keys cannot find.
  readonly sentencesWithNumberWords: number[] = [];
  private readonly numberWordSentences = new Set<number>();
  // Words that start with digits but are not numbers ("5bn", "30-day" is two
  // words, "10m"): their leading number → sentence ids, so a value written
  // "$5bn" in a source is found from a claim's "$5 billion".
  private readonly glued = new Map<string, number[]>();
  private readonly averageLength: number;
  // Reused score accumulator: one allocation per run, not per claim.
  private scratch = new Float64Array(0);
  private lengthNorm = new Float64Array(0);

  constructor(sources: ReadonlyArray<IndexedSource>, tokenize: Tokenizer) {
    this.sources = sources;
    this.tokenize = tokenize;
    let totalLength = 0;
    sources.forEach((source, sourceIndex) => {
      const content = source.content;
      for (const range of splitSentences(content)) {
        const id = this.sentences.length;
        const counts = new Map<string, number>();
        let length = 0;
        let hasNumberWord = false;
        // Keys only: full tokens are built later, for the few candidate sentences.
        scanWords(content, range.start, range.end, (start, end, isNumber) => {
          const word = indexWord(content.slice(start, end), isNumber);
          if (word.isNumberWord) hasNumberWord = true;
          if (!isNumber && isDigitCode(content.charCodeAt(start))) {
            let j = start;
            while (j < end && isDigitCode(content.charCodeAt(j))) j++;
            const lead = String(Number(content.slice(start, j)));
            const ids = this.glued.get(lead);
            if (ids === undefined) this.glued.set(lead, [id]);
            else if (ids[ids.length - 1] !== id) ids.push(id);
          }
          if (word.key === null) return;
          length++;
          counts.set(word.key, (counts.get(word.key) ?? 0) + 1);
        });
        for (const [key, count] of counts) {
          let posting = this.postings.get(key);
          if (!posting) {
            posting = { ids: [], tfs: [] };
            this.postings.set(key, posting);
            if (key.length >= PREFIX_LENGTH) {
              const prefix = key.slice(0, PREFIX_LENGTH);
              const keys = this.keysByPrefix.get(prefix);
              if (keys) keys.push(key);
              else this.keysByPrefix.set(prefix, [key]);
            }
          }
          posting.ids.push(id);
          posting.tfs.push(count);
        }
        if (hasNumberWord) {
          this.sentencesWithNumberWords.push(id);
          this.numberWordSentences.add(id);
        }
        totalLength += length;
        this.sentences.push({ id, sourceIndex, start: range.start, end: range.end, keys: counts, length });
      }
    });
    this.averageLength = this.sentences.length === 0 ? 1 : Math.max(1, totalLength / this.sentences.length);
  }

  inverseDocumentFrequency(key: string): number {
    const df = this.postings.get(key)?.ids.length ?? 0;
    const n = this.sentences.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  occursAnywhere(key: string): boolean {
    return this.postings.has(key);
  }

  occursLoosely(key: string): boolean {
    if (this.postings.has(key)) return true;
    if (key.length < PREFIX_LENGTH) return false;
    return (this.keysByPrefix.get(key.slice(0, PREFIX_LENGTH)) ?? []).some((other) => isVariantKey(key, other));
  }

  hasNumberWords(sentence: IndexedSentence): boolean {
    return this.numberWordSentences.has(sentence.id);
  }

  sentencesContaining(key: string): ReadonlyArray<number> {
    return this.postings.get(key)?.ids ?? [];
  }

  // Sentences with a word that starts with this number and goes on in letters ("5bn").
  sentencesWithGluedNumber(key: string): ReadonlyArray<number> {
    return this.glued.get(key) ?? [];
  }

  tokensOf(sentence: IndexedSentence): Token[] {
    let tokens = this.tokenCache.get(sentence.id);
    if (!tokens) {
      tokens = this.tokenize(this.sources[sentence.sourceIndex]?.content ?? "", sentence.start, sentence.end);
      this.tokenCache.set(sentence.id, tokens);
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
    for (const id of [sentence.id - 1, sentence.id, sentence.id + 1]) {
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
      for (const sentence of this.sentences) this.lengthNorm[sentence.id] = K1 * (1 - B + (B * sentence.length) / this.averageLength);
    }
    const scores = this.scratch;
    const lengthNorm = this.lengthNorm;
    const touched: number[] = [];
    // Common terms barely change the ranking but have the longest posting
    // lists; coverage is judged separately, on the candidates' own words.
    const terms = [...query].map(([key, weight]) => ({ key, weight, df: this.postings.get(key)?.ids.length ?? 0 })).filter((t) => t.df > 0);
    const commonDf = Math.max(COMMON_TERM_MIN_DF, n / 8);
    const hasRareTerm = terms.some((t) => t.df <= commonDf);
    for (const { key, weight, df } of terms) {
      if (hasRareTerm && df > commonDf) continue;
      const { ids: list, tfs } = this.postings.get(key) as { ids: number[]; tfs: number[] };
      const idf = this.inverseDocumentFrequency(key) * weight;
      for (let i = 0; i < list.length; i++) {
        const id = list[i] as number;
        const tf = tfs[i] as number;
        if (scores[id] === 0) touched.push(id);
        scores[id] = (scores[id] as number) + (idf * tf * (K1 + 1)) / (tf + (lengthNorm[id] as number));
      }
    }
    const top: Candidate[] = [];
    for (const id of touched) {
      const score = scores[id] as number;
      scores[id] = 0;
      const sentence = this.sentences[id] as IndexedSentence;
      if (sourceFilter && !sourceFilter.has(sentence.sourceIndex)) continue;
      if (top.length >= limit && score <= (top[top.length - 1] as Candidate).score) continue;
      let at = top.length;
      while (at > 0 && (top[at - 1] as Candidate).score < score) at--;
      // Ties keep index order, so the earlier sentence wins deterministically.
      while (at < top.length && (top[at] as Candidate).score === score && (top[at] as Candidate).sentence.id < id) at++;
      top.splice(at, 0, { sentence, score });
      if (top.length > limit) top.pop();
    }
    return top;
  }
}
