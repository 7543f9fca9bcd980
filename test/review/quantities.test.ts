import { describe, expect, it } from "vitest";
import { comparable, extractQuantities, quantityMatches, sameNumber, type Quantity } from "../../src/review/quantities.ts";

function only(text: string): Quantity {
  const found = extractQuantities(text);
  expect(found).toHaveLength(1);
  return found[0] as Quantity;
}

describe("value normalization", () => {
  it("reads amounts with scale words and symbols", () => {
    expect(only("$35M")).toMatchObject({ kind: "money", value: 35_000_000, unit: "usd" });
    expect(only("3.1 billion dollars")).toMatchObject({ kind: "money", value: 3_100_000_000 });
    expect(only("between $90 million and $100 million")).toMatchObject({ kind: "money", value: 90_000_000, high: 100_000_000 });
  });

  it("keeps $35M and 35% apart", () => {
    const money = only("$35M");
    const percent = only("35%");
    expect(percent.kind).toBe("percent");
    expect(comparable(money, percent)).toBe(false);
    expect(quantityMatches(money, percent)).toBe(false);
    expect(sameNumber(money, percent)).toBe(false);
  });

  it("normalizes durations, written-out numbers included", () => {
    expect(only("thirty days")).toMatchObject({ kind: "duration", value: 30 });
    expect(quantityMatches(only("two weeks"), only("14 days"))).toBe(true);
    expect(quantityMatches(only("a 30-day window"), only("no later than 30 days"))).toBe(true);
    expect(quantityMatches(only("60 days"), only("30 days"))).toBe(false);
    expect(comparable(only("60 days"), only("30 days"))).toBe(true);
  });

  it("matches a value inside a source range", () => {
    expect(quantityMatches(only("45 days"), only("30-60 days"))).toBe(true);
  });

  it("reads quarters both ways", () => {
    expect(quantityMatches(only("Q2"), only("the second quarter"))).toBe(true);
    expect(quantityMatches(only("Q3"), only("the second quarter"))).toBe(false);
  });

  it("accepts a rounded restatement at the claim's precision", () => {
    expect(quantityMatches(only("$3.1 billion"), only("$3.09 billion"))).toBe(true);
    expect(quantityMatches(only("$3.1 billion"), only("$3.3 billion"))).toBe(false);
  });

  it("emits the year of a full date", () => {
    const found = extractQuantities("born 9 September 1960");
    expect(found.map((q) => [q.kind, q.value])).toEqual([["date", 909], ["year", 1960]]);
  });

  it("reads dates written either way round, beside the verb 'may', and with a long s", () => {
    const kinds = (text: string) => extractQuantities(text).map((q) => [q.kind, q.raw]);
    expect(kinds("Refunds may start on May 2.")).toEqual([["date", "May 2"]]);
    expect(kinds("the 2nd of May, as customers may ask")).toEqual([["date", "2nd of May"]]);
    expect(kinds("Sept. 3")).toEqual([["date", "Sept. 3"]]);
    // The date pattern folds case as Unicode does ("ſ" is an "s").
    expect(kinds("auguſt 5")).toEqual([["date", "auguſt 5"]]);
    expect(kinds("customers may ask within 30 days")).toEqual([["duration", "30 days"]]);
  });

  it("does not read a pointer into the text or a sequencing 'first' as a value", () => {
    expect(extractQuantities("as stated in passage 2, see step 3 and source 1")).toEqual([]);
    expect(extractQuantities("it is important to first secure the evidence")).toEqual([]);
    expect(extractQuantities("as Passage ID 1 mentions")).toEqual([]);
    expect(extractQuantities("messages are first received by opinion leaders")).toEqual([]);
    expect(extractQuantities("they were among the first to adopt it")).toEqual([]);
    expect(extractQuantities("the second edition").map((q) => q.value)).toEqual([2]);
    // A real value next to such a word still counts.
    expect(extractQuantities("the first quarter of 2023").map((q) => q.kind)).toEqual(["ordinal", "year"]);
  });

  it("reports exact offsets", () => {
    const text = "Refunds within 30 days, up 40.6% year on year.";
    for (const q of extractQuantities(text)) expect(text.slice(q.start, q.end)).toBe(q.raw);
  });
});
