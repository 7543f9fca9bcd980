import { describe, expect, it } from "vitest";
import { MAX_VALUES_PER_TEXT, extractQuantities } from "../../src/review/quantities.ts";
import { porterStem } from "../../src/review/stem.ts";
import { review } from "./review-input.ts";

// Text no person writes but any caller can send. Speed is measured by
// `npm run bench -- engine` (adversarial section); these pin the behaviour.
describe("hostile text", () => {
  it("stems a run of thousands of y without recursing once per letter", () => {
    expect(porterStem("y".repeat(20_000))).toBe("y".repeat(20_000));
    // Porter's y rules still hold on ordinary words.
    expect(["happy", "sky", "toys", "crying", "syzygy", "saying"].map(porterStem)).toEqual(["happi", "sky", "toi", "cry", "syzygi", "sai"]);
  });

  it("reviews a source that is one run of y", () => {
    const result = review("Refunds take 30 days.", [{ title: "Noise", content: "y".repeat(12_000) }, { title: "Policy", content: "Refunds take 30 days." }]);
    expect(result.claims[0]?.support_status).toBe("supported");
  });

  it("reads at most a bounded number of values from one text", () => {
    const values = extractQuantities("$1$".repeat(20_000));
    expect(values.length).toBe(MAX_VALUES_PER_TEXT);
    expect(values.every((v, i) => i === 0 || v.start >= (values[i - 1]?.end ?? 0))).toBe(true);
  });

  it("still reviews a packet made of thousands of currency values", () => {
    const result = review("$1$".repeat(2_000), [{ title: "Ledger", content: "$1$".repeat(10_000) }]);
    expect(result.claim_count).toBe(1);
    expect(result.verification_results).toHaveLength(1);
  });
});
