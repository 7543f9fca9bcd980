import { describe, expect, it } from "vitest";
import { SourceIndex } from "../../src/review/retrieve.ts";
import { createTokenizer, isContentToken } from "../../src/review/text.ts";

const tokenize = createTokenizer();

function indexOf(...contents: string[]): SourceIndex {
  return new SourceIndex(
    contents.map((content, i) => ({ id: `s${i}`, title: `Source ${i}`, citation_label: null, content })),
    tokenize,
  );
}

// A sentence's keys as a Map built from its tokens: what the index's flat
// arrays must read back as.
function keysFromTokens(index: SourceIndex, sentence: SourceIndex["sentences"][number]): Map<string, number> {
  const keys = new Map<string, number>();
  for (const token of index.tokensOf(sentence)) if (isContentToken(token)) keys.set(token.key, (keys.get(token.key) ?? 0) + 1);
  return keys;
}

describe("source index", () => {
  const index = indexOf(
    "Customers may request a refund within 30 days of purchase. Refunds are issued to the original payment method. The refund refund policy applies to refunds of twelve orders.",
    "Store credit does not expire. It can be used on any order, and orders placed online qualify.",
  );

  it("reads every sentence's keys back in first-occurrence order, with counts", () => {
    for (const sentence of index.sentences) {
      const expected = keysFromTokens(index, sentence);
      expect([...sentence.keys]).toEqual([...expected]);
      expect([...sentence.keys.keys()]).toEqual([...expected.keys()]);
      expect([...sentence.keys.values()]).toEqual([...expected.values()]);
      expect(sentence.keys.size).toBe(expected.size);
      for (const [key, count] of expected) {
        expect(sentence.keys.has(key)).toBe(true);
        expect(sentence.keys.get(key)).toBe(count);
      }
      expect(sentence.keys.has("nonexistentword")).toBe(false);
      const visited: Array<[string, number]> = [];
      sentence.keys.forEach((count, key) => visited.push([key, count]));
      expect(visited).toEqual([...expected]);
    }
  });

  it("lists each key's sentences in order and ranks the sentence that shares most", () => {
    const refund = tokenize("refunds")[0]?.key as string;
    expect(index.sentencesContaining(refund)).toEqual([0, 1, 2]);
    expect(index.occursAnywhere(refund)).toBe(true);
    expect(index.occursAnywhere("zebra")).toBe(false);
    expect(index.hasNumberWords(index.sentences[2]!)).toBe(true);
    expect(index.hasNumberWords(index.sentences[0]!)).toBe(false);
    const query = new Map(tokenize("store credit expire").map((t) => [t.key, 1] as const));
    const [best] = index.search(query, 3);
    expect(best?.sentence.sourceIndex).toBe(1);
    expect(best?.sentence.id).toBe(3);
  });

  it("gives a sentence the same tokens however often they are asked for", () => {
    const long = `${"The refund policy covers every order placed online or in store ".repeat(10)}.`;
    const withLong = indexOf("Refunds take 30 days.", long);
    for (const sentence of withLong.sentences) {
      const content = withLong.sources[sentence.sourceIndex]!.content;
      const expected = tokenize(content, sentence.start, sentence.end);
      expect(withLong.tokensOf(sentence)).toEqual(expected);
      expect(withLong.tokensOf(sentence)).toEqual(expected);
    }
  });

  it("reads tokens right when the spelling cache was cleared while indexing", () => {
    // 70,000 distinct words overflow the tokenizer's spelling cache mid-index,
    // so the spelling ids recorded before the clearing mean nothing.
    const words = Array.from({ length: 70_000 }, (_, i) => `V${i.toString(36)}z`);
    const content = `Refunds take 30 days. ${words.join(" ")}. Store credit never expires.`;
    const big = indexOf(content);
    expect(big.sentences).toHaveLength(3);
    for (const sentence of [big.sentences[0]!, big.sentences[2]!]) {
      expect(big.tokensOf(sentence)).toEqual(tokenize(content, sentence.start, sentence.end));
    }
    expect([...big.sentences[2]!.keys.keys()]).toEqual(tokenize("Store credit never expires.").filter(isContentToken).map((t) => t.key));
  });
});
