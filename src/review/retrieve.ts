import { extractQuantities, type Quantity } from "./quantities.ts";
import { isContentToken, splitSentences, type Token, type Tokenizer } from "./text.ts";

// Evidence retrieval: every source sentence in one inverted index, scored with
// BM25 over canonical stems. A claim touches only the posting lists of its own
// terms, so cost grows with claims × matching sentences, never claims × all
// sentences.

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
  tokens: Token[];
  keys: ReadonlySet<string>;
  length: number;
}

export interface Candidate {
  sentence: IndexedSentence;
  score: number;
}

const K1 = 1.2;
const B = 0.75;
const PREFIX_LENGTH = 5;

export class SourceIndex {
  readonly sources: ReadonlyArray<IndexedSource>;
  readonly sentences: IndexedSentence[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly termFrequencies = new Map<string, number[]>();
  // Every key and 5-letter key prefix in any source: answers "does this word
  // occur anywhere?" in constant time.
  private readonly vocabulary = new Set<string>();
  private readonly prefixes = new Set<string>();
  private readonly quantityCache = new Map<number, Quantity[]>();
  private readonly averageLength: number;

  constructor(sources: ReadonlyArray<IndexedSource>, tokenize: Tokenizer) {
    this.sources = sources;
    let totalLength = 0;
    sources.forEach((source, sourceIndex) => {
      for (const range of splitSentences(source.content)) {
        const tokens = tokenize(source.content, range.start, range.end);
        const id = this.sentences.length;
        const counts = new Map<string, number>();
        let length = 0;
        for (const token of tokens) {
          if (!isContentToken(token)) continue;
          length++;
          counts.set(token.key, (counts.get(token.key) ?? 0) + 1);
        }
        for (const [key, count] of counts) {
          let list = this.postings.get(key);
          let tfs = this.termFrequencies.get(key);
          if (!list || !tfs) {
            list = [];
            tfs = [];
            this.postings.set(key, list);
            this.termFrequencies.set(key, tfs);
            this.vocabulary.add(key);
            if (key.length >= PREFIX_LENGTH) this.prefixes.add(key.slice(0, PREFIX_LENGTH));
          }
          list.push(id);
          tfs.push(count);
        }
        totalLength += length;
        this.sentences.push({ id, sourceIndex, start: range.start, end: range.end, tokens, keys: new Set(counts.keys()), length });
      }
    });
    this.averageLength = this.sentences.length === 0 ? 1 : Math.max(1, totalLength / this.sentences.length);
  }

  inverseDocumentFrequency(key: string): number {
    const df = this.postings.get(key)?.length ?? 0;
    const n = this.sentences.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  occursAnywhere(key: string): boolean {
    return this.vocabulary.has(key);
  }

  occursLoosely(key: string): boolean {
    return this.vocabulary.has(key) || (key.length >= PREFIX_LENGTH + 1 && this.prefixes.has(key.slice(0, PREFIX_LENGTH)));
  }

  sentencesContaining(key: string): ReadonlyArray<number> {
    return this.postings.get(key) ?? [];
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
    const scores = new Map<number, number>();
    for (const [key, weight] of query) {
      const list = this.postings.get(key);
      const tfs = this.termFrequencies.get(key);
      if (!list || !tfs) continue;
      const idf = this.inverseDocumentFrequency(key) * weight;
      for (let i = 0; i < list.length; i++) {
        const id = list[i] as number;
        const sentence = this.sentences[id] as IndexedSentence;
        if (sourceFilter && !sourceFilter.has(sentence.sourceIndex)) continue;
        const tf = tfs[i] as number;
        const norm = tf + K1 * (1 - B + (B * sentence.length) / this.averageLength);
        scores.set(id, (scores.get(id) ?? 0) + (idf * tf * (K1 + 1)) / norm);
      }
    }
    const top: Candidate[] = [];
    for (const [id, score] of scores) {
      if (top.length < limit || score > (top[top.length - 1]?.score ?? 0)) {
        const candidate = { sentence: this.sentences[id] as IndexedSentence, score };
        let at = top.length;
        while (at > 0 && (top[at - 1] as Candidate).score < score) at--;
        // Ties keep index order, so the earlier sentence wins deterministically.
        while (at < top.length && (top[at] as Candidate).score === score && (top[at] as Candidate).sentence.id < id) at++;
        top.splice(at, 0, candidate);
        if (top.length > limit) top.pop();
      }
    }
    return top;
  }
}
