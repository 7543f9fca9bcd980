import { describe, expect, it } from "vitest";
import { DECISIVE_CHECKS, VERIFIER_MODEL, calibrated, decide, logitOf } from "../../src/review/decision.ts";
import { FEATURE_NAMES, type FeatureVector } from "../../src/review/features.ts";
import { verifyClaims } from "../../src/review/index.ts";
import { REFUND_POLICY, RUN_ID, review, type SourceSpec } from "./review-input.ts";

const KNOWLEDGE: SourceSpec = {
  title: "Knowledge",
  content:
    "The Eiffel Tower was completed in 1889 for the World's Fair in Paris. It was designed by the engineering firm of Gustave Eiffel. " +
    "The zoo keeps two lions and a bear.",
};

function featuresOf(output: string, sources: ReadonlyArray<SourceSpec> = [KNOWLEDGE], question: string | null = null): FeatureVector {
  const [first] = verifyClaims({
    ai_output: output,
    question,
    sources: sources.map((s, i) => ({ id: `s${i}`, title: s.title, content: s.content, citation_label: null, uri: null, media_type: "text/plain" })),
  });
  expect(first?.verification.features).not.toBeNull();
  return first?.verification.features as FeatureVector;
}

describe("alignment features", () => {
  it("read a copied sentence as fully covered, in order, with nothing new", () => {
    const f = featuresOf("The Eiffel Tower was completed in 1889 for the World's Fair.");
    expect(f.coverage_sentence).toBe(1);
    expect(f.novel_words).toBe(0);
    expect(f.order_kept).toBe(1);
    expect(f.pairs_in_window).toBe(1);
  });

  it("count names and words the sources never use", () => {
    const f = featuresOf("The Eiffel Tower was designed by Thomas Edison's company in London.");
    expect(f.novel_names).toBeCloseTo(Math.log1p(3));
    expect(f.check_entity_missing).toBe(1);
    expect(f.coverage_sources).toBeLessThan(0.7);
  });

  it("count a name in a source's title as mentioned, but not as evidence", () => {
    const review: SourceSpec = { title: "Popular Mechanics: the tower at night", content: "The Eiffel Tower was completed in 1889 for the World's Fair in Paris." };
    const f = featuresOf("Popular Mechanics reported that the Eiffel Tower was completed in 1889.", [review]);
    expect(f.check_entity_missing).toBe(0);
    expect(f.novel_names).toBe(0);
    // The same claim against an untitled page names something the sources never mention.
    expect(featuresOf("Popular Mechanics reported that the Eiffel Tower was completed in 1889.", [{ ...review, title: "Source document" }]).check_entity_missing).toBe(1);
    // A title is not a passage: what only the title says is found elsewhere, not in the evidence.
    expect(featuresOf("Popular Mechanics reported that the Eiffel Tower was completed in 1889.", [review]).coverage_sentence).toBeLessThan(1);
  });

  it("see words that occur in the sources but not in the passage the claim matches", () => {
    const page: SourceSpec = {
      title: "Guide",
      content: "The zoo keeps two lions and a bear. The cafe sells coffee. The shop sells maps. The tower was designed by Gustave Eiffel.",
    };
    const f = featuresOf("The zoo keeps two lions designed by Gustave Eiffel.", [page]);
    expect(f.found_elsewhere_only).toBeGreaterThanOrEqual(Math.log1p(3));
    expect(f.novel_words).toBe(0);
  });

  it("mark personal statements and opinions", () => {
    const f = featuresOf("I love the Eiffel Tower, I visited it twice.", [KNOWLEDGE], "Have you been to Paris?");
    expect(f.first_person).toBe(1);
    expect(f.opinion_words).toBe(1);
    expect(f.has_question).toBe(1);
    expect(featuresOf("The zoo keeps two lions.").first_person).toBe(0);
  });

  it("relate a missing word to the evidence through WordNet", () => {
    expect(featuresOf("The zoo keeps two tigers and a bear.").sibling_words).toBeGreaterThan(0);
    expect(featuresOf("The zoo keeps two lions and a bear.").sibling_words).toBe(0);
  });

  it("are bounded, so one weight means the same on a snippet and on a long page", () => {
    const long: SourceSpec = { title: "Page", content: Array.from({ length: 400 }, (_, i) => `Line ${i} mentions the zoo and its ${i} animals.`).join(" ") };
    for (const f of [featuresOf("The zoo keeps two tigers and a bear."), featuresOf("The zoo keeps many animals in cages.", [long])]) {
      for (const name of FEATURE_NAMES) {
        expect(Number.isFinite(f[name])).toBe(true);
        expect(f[name]).toBeGreaterThanOrEqual(0);
        expect(f[name]).toBeLessThanOrEqual(Math.log1p(50));
      }
    }
  });
});

describe("the learned decision", () => {
  it("is fitted on exactly the features the engine computes", () => {
    expect(VERIFIER_MODEL.features).toEqual([...FEATURE_NAMES]);
    expect(VERIFIER_MODEL.weights).toHaveLength(FEATURE_NAMES.length);
    for (const check of DECISIVE_CHECKS) expect(VERIFIER_MODEL.decisive[check]).toBeGreaterThan(0.5);
  });

  it("scores a copied claim as supported and a reply of new facts as unsupported", () => {
    const question = "What do you know about the Eiffel Tower?";
    const copied = logitOf(featuresOf("The Eiffel Tower was completed in 1889 for the World's Fair.", [KNOWLEDGE], question));
    const invented = logitOf(featuresOf("The tower hosts jazz concerts every summer.", [KNOWLEDGE], question));
    expect(copied).toBeLessThan(VERIFIER_MODEL.threshold);
    expect(invented).toBeGreaterThanOrEqual(VERIFIER_MODEL.threshold);
    expect(calibrated(invented)).toBeGreaterThan(calibrated(copied));
    const claim = review("The tower hosts jazz concerts every summer.", [KNOWLEDGE], { question }).claims[0];
    expect(claim?.support_status).toBe("unsupported");
    expect(claim?.verification_result?.rationale).toBe('No supplied source mentions "hosts", "jazz", "concerts" and "summer".');
    expect(claim?.verification_result?.confidence).toBeCloseTo(calibrated(invented), 2);
  });

  it("names the words that drove a verdict only the model reached", () => {
    const output = "The tower hosts jazz concerts.";
    const token = (raw: string) => ({ token: { raw, lower: raw, key: raw, start: output.indexOf(raw), end: output.indexOf(raw) + raw.length, isNumber: false, isCapitalized: false }, weight: 1 });
    const novel = [token("jazz"), token("concerts")];
    const alignment = { missing: novel, novel, novelEntities: [], index: { occursLoosely: () => false } } as unknown as Parameters<typeof decide>[3];
    const features = Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])) as Record<string, number>;
    Object.assign(features, { novel_share: 1, novel_words: Math.log1p(2), plain_novel_share: 1, any_novel_word: 1 });
    const supported = { status: "supported" as const, check: "coverage" as const, rationale: "Knowledge states this." };
    const decision = decide(features as FeatureVector, supported, [supported], alignment, { sourceTitle: "Knowledge", bestText: "The tower" });
    expect(logitOf(features as FeatureVector)).toBeGreaterThanOrEqual(VERIFIER_MODEL.threshold);
    expect(decision.status).toBe("unsupported");
    expect(decision.check).toBe("learned");
    expect(decision.rationale).toContain('No supplied source mentions "jazz" and "concerts".');
    expect(decision.errorSpans).toEqual([{ start: 16, end: 20 }, { start: 21, end: 29 }]);
  });

  it("leaves a precise check's verdict, rationale and repair in place", () => {
    const claim = review("Customers may request a refund within 60 days of purchase.", [REFUND_POLICY]).claims[0];
    expect(claim?.support_status).toBe("contradicted");
    expect(claim?.verification_result?.metadata.check).toBe("value_conflict");
    expect(claim?.verification_result?.rationale).toBe("Refund policy states 30 days, but the claim says 60 days.");
    expect(claim?.verification_result?.metadata.error_spans).toEqual([{ start: 38, end: 45, text: "60 days" }]);
    expect(claim?.verification_result?.confidence).toBe(VERIFIER_MODEL.decisive.value_conflict);
  });

  it("turns a rule's flag the model does not back into an open question, not a verdict", () => {
    const features = featuresOf("The Eiffel Tower was completed in 1889 for the World's Fair.");
    const finding = { status: "unsupported" as const, check: "novel_terms" as const, rationale: 'No supplied source mentions "fair".' };
    const alignment = { missing: [], novel: [], novelEntities: [], index: null } as unknown as Parameters<typeof decide>[3];
    const decision = decide(features, finding, [finding], alignment, { sourceTitle: "Knowledge", bestText: "…" });
    expect(decision.status).toBe("insufficient_context");
    expect(decision.rationale).toBe('Possibly not supported: No supplied source mentions "fair".');
  });

  it("reports a confidence between 0 and 1 for every claim, the same on every run", () => {
    const output = "The Eiffel Tower was completed in 1889. It hosts a jazz festival. The zoo keeps two lions.";
    const first = review(output, [KNOWLEDGE]);
    const again = review(output, [KNOWLEDGE]);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    for (const v of first.verification_results) {
      expect(v.confidence).toBeGreaterThanOrEqual(0);
      expect(v.confidence).toBeLessThanOrEqual(1);
      expect(v.verifier_model).toBe(`kivo-checks-and-${VERIFIER_MODEL.version}`);
    }
    expect(first.claims.map((c) => c.id)).toEqual([`${RUN_ID}_claim_1`, `${RUN_ID}_claim_2`, `${RUN_ID}_claim_3`]);
  });
});
