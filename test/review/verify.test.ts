import { describe, expect, it } from "vitest";
import type { Claim } from "../../src/schemas/review-artifacts.ts";
import { review, type SourceSpec } from "./review-input.ts";

const POLICY: SourceSpec = {
  title: "Plan guide",
  content:
    "Customers on the Pro plan can export reports. Admins may export audit logs. Refunds are not available for digital goods. " +
    "Revenue increased 5% in 2023. Jane Smith leads the security team. The plan is cheap and durable. " +
    "Refund requests must be filed within 30 days of purchase. Yukio Mishima was a Japanese author.",
};

function only(output: string, sources: ReadonlyArray<SourceSpec> = [POLICY], question: string | null = null): Claim {
  const result = review(output, sources, { question });
  expect(result.claims).toHaveLength(1);
  return result.claims[0] as Claim;
}

describe("verification checks", () => {
  it("contradicts a conflicting value and names both values", () => {
    const claim = only("Refund requests must be filed within 45 days of purchase.");
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.rationale).toMatch(/30 days.*45 days/);
  });

  it("accepts 'no later than 30 days' for 'within 30 days'", () => {
    expect(only("Refund requests must be filed no later than 30 days after purchase.").support_status).toBe("supported");
  });

  it("does not take $35M for 35%", () => {
    const claim = only("Revenue increased by $5M in 2023.");
    expect(claim.support_status).toBe("unsupported");
    expect(claim.verification_result?.rationale).toContain("$5M");
  });

  it("catches a dropped negation", () => {
    const claim = only("Refunds are available for digital goods.");
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.rationale).toContain('"not"');
  });

  it("reads a double negation as positive", () => {
    // "not true that … not available" says refunds are available, which the policy denies.
    expect(only("It is not true that refunds are not available for digital goods.").support_status).toBe("contradicted");
    expect(only("It is not the case that the plan is not cheap and durable.").support_status).toBe("supported");
  });

  it("compares a negated word on its own when a long claim matches no sentence closely", () => {
    const transcript: SourceSpec = { title: "Call transcript", content: "The agent said: I assure you competitive prices with quality service. Our plans include dental coverage." };
    const claim = only("The agent reviewed every option with the caller in detail and cannot assure competitive prices for the family.", [transcript]);
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.rationale).toContain('"assure"');
    const unscripted = only("The agent reviewed options in detail, not using a script, and assured competitive prices.", [transcript]);
    // "not using a script" negates nothing the transcript says: only the unsourced words are in question.
    expect([unscripted.support_status, unscripted.verification_result?.metadata.check]).toEqual(["insufficient_context", "novel_terms"]);
  });

  it("does not read 'not only … but also' as a negation", () => {
    expect(only("The plan is not only cheap but also durable.").support_status).toBe("supported");
  });

  it("contradicts an antonym and names both words", () => {
    const claim = only("Revenue decreased 5% in 2023.");
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.rationale).toContain('"decreased"');
    expect(claim.verification_result?.rationale).toContain('"increased"');
  });

  it("contradicts an obligation where the source only permits", () => {
    const claim = only("Admins must export audit logs.");
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.metadata.check).toBe("modality");
  });

  it("marks a universal claim over a narrower source as partially supported", () => {
    const claim = only("All customers can export reports.");
    expect(claim.support_status).toBe("partially_supported");
    expect(claim.verification_result?.rationale).toContain("All customers");
  });

  it("flags a name the sources never mention", () => {
    const claim = only("John Doe leads the security team.");
    expect(claim.support_status).toBe("unsupported");
    expect(claim.verification_result?.rationale).toContain('"Doe"');
  });

  it("does not ask the sources for a unit conversion in brackets", () => {
    const spec: SourceSpec = { title: "Spec sheet", content: "The round weighs 10 kg and leaves the barrel at Mach 7." };
    expect(only("The round weighs 10 kg (23 lb) and leaves the barrel at Mach 7.", [spec]).support_status).toBe("supported");
    // Without the value it restates, a bracketed value is a claim like any other.
    const bracketed = only("The round weighs (23 lb) and leaves the barrel at Mach 7.", [spec]);
    expect([bracketed.support_status, bracketed.verification_result?.metadata.check]).toEqual(["unsupported", "value_missing"]);
  });

  it("does not take a capital after a colon for a name", () => {
    const guide: SourceSpec = { title: "Design guide", content: "Static timing analysis ensures the design meets the timing requirements of the target FPGA." };
    const claim = only("Static timing analysis (STA): Perform it to ensure the design meets the timing requirements of the target FPGA.", [guide]);
    // "STA" is a name the guide never uses; "Perform" only starts the sentence after the colon.
    expect(claim.verification_result?.rationale).toBe('No supplied source mentions "STA".');
  });

  it("contradicts a swapped nationality", () => {
    const claim = only("Yukio Mishima was a Chilean author.");
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.rationale).toContain('"Japanese"');
  });

  it("supports a paraphrase and quotes the exact source span", () => {
    const claim = only("Jane Smith leads the security team.");
    expect(claim.support_status).toBe("supported");
    const span = claim.primary_source_span;
    expect(span && POLICY.content.slice(span.start_offset, span.end_offset)).toBe("Jane Smith leads the security team.");
  });

  it("reports a claim with no matching evidence as unsupported", () => {
    const claim = only("The office cafeteria serves vegan lunches.");
    expect(claim.support_status).toBe("unsupported");
    expect(claim.primary_source_span).toBeNull();
  });
});

describe("question answering", () => {
  const knowledge: SourceSpec = { title: "Knowledge", content: "Cowdrey made 22 Test centuries, an England record until 2013." };
  const question = "How many Test centuries did Colin Cowdrey make for England?";

  it("supports a bare answer read with the question", () => {
    expect(only("22", [knowledge], question).support_status).toBe("supported");
  });

  it("flags a bare answer the sources do not give", () => {
    expect(only("25", [knowledge], question).support_status).toBe("unsupported");
  });

  it("holds a one-sentence answer to every word but lets longer prose paraphrase", () => {
    const policy: SourceSpec = {
      title: "Refund policy",
      content: "Customers may request a refund within 30 days of purchase by contacting support through the billing page of their account settings.",
    };
    const asked = "How do customers get a refund?";
    expect(only("Customers request a refund from support via carrier pigeon.", [policy], asked).support_status).toBe("unsupported");
    const longAnswer =
      "Customers can request a refund within 30 days of purchase by contacting the support team through the billing page of their account settings, which is quick.";
    expect(only(longAnswer, [policy], asked).support_status).toBe("supported");
  });

  it("does not pass a bare yes/no", () => {
    expect(only("yes", [knowledge], "Did Cowdrey make Test centuries?").support_status).toBe("insufficient_context");
  });
});

describe("text the verifier cannot judge", () => {
  it("is not_checked with an unsupported_language reason, never a pass", () => {
    const result = review("Los clientes pueden solicitar un reembolso dentro de los 30 días de la compra.", [POLICY]);
    expect(result.claims[0]?.support_status).toBe("not_checked");
    expect(result.gate_verdict.reasons.map((r) => r.code)).toEqual(["unsupported_language"]);
    expect(result.safe_use_status).toBe("needs_review");
  });

  it("reports no checkable claims", () => {
    const result = review("Hello! Let me know if you have any questions.", [POLICY]);
    expect(result.claim_count).toBe(0);
    expect(result.gate_verdict.reasons).toEqual([
      { code: "no_checkable_claims", message: expect.any(String) as unknown as string, claim_id: null },
    ]);
    expect(result.safe_use_status).toBe("needs_review");
    expect(review("Hello! Let me know if you have any questions.", [POLICY], { intended_use: "internal_draft" }).safe_use_status).toBe(
      "verified_with_limits",
    );
  });
});

describe("alignment to the matching sentence", () => {
  const earnings: SourceSpec = {
    title: "Earnings call",
    content:
      "In the third quarter, Capital One earned $3.1 billion or $6.78 per diluted common share. " +
      "Our capital ratio was 13.8 percent at the end of the third quarter, down 70 basis points from the prior quarter. " +
      "Net interest margin was 46 basis points higher than Q2. " +
      "The first phase of our framework consists of the debt reduction, an increase in the common dividend to $0.13 per share and our share repurchase program. " +
      "For the full year of 2023, Moderna expects Spikevax to have sales contracted for delivery of $5bn.",
  };

  it("finds a value written with a glued scale ('$5bn') from the claim's '$5 billion'", () => {
    const found = only("Moderna expects 2023 sales of $5 billion.", [earnings]);
    // The value is found; only "sales" against "sales contracted for delivery" keeps it partial.
    expect([found.support_status, found.verification_result?.metadata.check]).toEqual(["partially_supported", "coverage"]);
    const conflicting = only("Moderna expects 2023 sales of $7 billion.", [earnings]);
    expect([conflicting.support_status, conflicting.verification_result?.metadata.check]).toEqual(["contradicted", "value_conflict"]);
  });

  it("judges an opposite next to the word it modifies, not anywhere in the window", () => {
    const claim = only("The company is decreasing its common dividend to $0.13 per share.", [earnings]);
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.rationale).toContain('"increase"');
    expect(only("The company is increasing its common dividend to $0.13 per share.", [earnings]).support_status).toBe("supported");
  });

  it("reads irregular past forms as their verb ('lost' against 'earned')", () => {
    const claim = only("Capital One lost $3.1 billion in the third quarter.", [earnings]);
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.metadata.check).toBe("antonym");
  });

  it("compares an ordinal with the sentence the claim follows, not a neighbour", () => {
    const claim = only("The capital ratio was 13.8 percent at the end of the second quarter, down 70 basis points from the prior quarter.", [earnings]);
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.rationale).toMatch(/third.*second/);
  });

  it("reads 'excluding X' and ', but not X' as denying X", () => {
    expect(only("The framework includes the debt reduction and the common dividend, excluding the share repurchase program.", [earnings]).support_status).toBe("contradicted");
    expect(only("The framework includes the debt reduction and the common dividend, but not the share repurchase program.", [earnings]).support_status).toBe("contradicted");
    expect(only("The framework includes the debt reduction, the common dividend and the share repurchase program.", [earnings]).support_status).toBe("supported");
  });
});

describe("negated phrases aligned on their own", () => {
  const call: SourceSpec = {
    title: "Call transcript",
    content:
      "Client: How much does each plan cost?\n" +
      "Sales Agent: The cost will depend on the plan and coverage you choose, but I assure you that we offer competitive prices without compromising the quality of our services.\n" +
      "Sales Agent: We also have a referral program in place, where you can earn additional discounts by referring us to your family and friends.",
  };

  it("finds the sentence a negated phrase is about when the claim's best match is another part", () => {
    const claim = only("The agent does not assure competitive prices with quality services and additional discounts from their referral program.", [call]);
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.metadata.check).toBe("negated_word");
    expect(claim.verification_result?.rationale).toContain('"assure"');
    expect(claim.primary_source_span?.quote).toContain("I assure you");
  });

  it("needs two of the governed words in the source, not one", () => {
    const claim = only("The agent does not assure a refund and mentions additional discounts from their referral program.", [call]);
    // Only "assure" of the governed words is in the source: the plain negation check decides, not the negated-word one.
    expect([claim.support_status, claim.verification_result?.metadata.check]).toEqual(["contradicted", "negation"]);
  });
});

describe("value conflicts", () => {
  const results: SourceSpec = { title: "Results", content: "In the third quarter, the bank earned $3.1 billion or $6.78 per diluted common share." };

  it("does not take a source value that matches another of the claim's values as the conflict", () => {
    const claim = only("The bank earned $3.1 billion, or $6.90 per share, in the third quarter.", [results]);
    expect(claim.support_status).toBe("contradicted");
    expect(claim.verification_result?.rationale).toContain("$6.78");
    expect(claim.verification_result?.rationale).not.toContain("states $3.1 billion");
  });
});
