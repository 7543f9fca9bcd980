import { describe, expect, it } from "vitest";
import { decodeNumbers, encodeNumbers } from "../../src/review/lexical-relations-codec.ts";
import { hasLexicalEntry, lexicalRelation, relatedKeys } from "../../src/review/lexical-relations.ts";
import { createTokenizer } from "../../src/review/text.ts";

const tokenize = createTokenizer();

// Keys exactly as the engine computes them for running text.
function keyOf(word: string): string {
  const [token] = tokenize(word);
  if (!token) throw new Error(`no token in ${word}`);
  return token.key;
}

// "The claim says X; the source says Y."
function relation(claimWord: string, sourceWord: string): ReturnType<typeof lexicalRelation> {
  return lexicalRelation(keyOf(claimWord), keyOf(sourceWord));
}

describe("lexical relations from WordNet", () => {
  it("calls words the engine already folds together the same", () => {
    expect(relation("car", "automobile")).toBe("same");
    expect(relation("Cars", "automobiles")).toBe("same");
    expect(relation("purchased", "bought")).toBe("same");
  });

  it("finds synonyms that share a sense", () => {
    expect(relation("couch", "sofa")).toBe("synonym");
    expect(relation("lawsuit", "suit")).toBe("synonym");
    expect(relation("sofas", "couches")).toBe("synonym");
  });

  it("reads hypernyms from the claim's side: the source word is more general", () => {
    expect(relation("dog", "animal")).toBe("hypernym");
    expect(relation("dogs", "carnivores")).toBe("hypernym");
    expect(relation("shareholder", "investor")).toBe("hypernym");
  });

  it("reads hyponyms from the claim's side: the source word is more specific", () => {
    expect(relation("animal", "dog")).toBe("hyponym");
    expect(relation("investors", "shareholders")).toBe("hyponym");
  });

  it("finds antonyms, in both directions and through inflections and folding", () => {
    expect(relation("increase", "decrease")).toBe("antonym");
    expect(relation("decreased", "increased")).toBe("antonym");
    expect(relation("hot", "cold")).toBe("antonym");
    expect(relation("husband", "wife")).toBe("antonym");
    // "huge" is a satellite of "large": its antonym comes through the head.
    expect(relation("huge", "small")).toBe("antonym");
    expect(relation("small", "huge")).toBe("antonym");
  });

  it("finds co-hyponyms under a shared, not too general hypernym", () => {
    expect(relation("dog", "wolf")).toBe("cohyponym");
    expect(relation("lion", "tiger")).toBe("cohyponym");
    expect(relation("doctor", "nurse")).toBe("cohyponym");
  });

  it("relates nothing it should not", () => {
    expect(relation("dog", "invoice")).toBeNull();
    expect(relation("teacher", "banana")).toBeNull();
    expect(lexicalRelation("zzzqx", "dog")).toBeNull();
    expect(lexicalRelation("", "")).toBe("same");
    expect(hasLexicalEntry(keyOf("dog"))).toBe(true);
    expect(hasLexicalEntry("zzzqx")).toBe(false);
  });

  it("lists related keys consistently with lexicalRelation, strongest first", () => {
    const dog = keyOf("dog");
    const related = relatedKeys(dog);
    expect(related).toContainEqual({ key: keyOf("animal"), relation: "hypernym" });
    expect(related).toContainEqual({ key: keyOf("puppy"), relation: "hyponym" });
    expect(related).toContainEqual({ key: keyOf("wolf"), relation: "cohyponym" });
    for (const { key, relation: r } of related) expect(lexicalRelation(dog, key)).toBe(r);
    expect(relatedKeys(dog)).toEqual(related);
    expect(relatedKeys("zzzqx")).toEqual([]);
  });

  it("packs numbers losslessly into an escape-free string", () => {
    const numbers = [0, 1, 31, 32, 1023, 1024, 65_535, 2 ** 31 - 1];
    const packed = encodeNumbers(numbers);
    expect(packed).not.toMatch(/["\\]/);
    expect([...decodeNumbers(packed)]).toEqual(numbers);
    expect(() => encodeNumbers([-1])).toThrow(RangeError);
  });
});
