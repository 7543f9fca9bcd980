import { describe, expect, it } from "vitest";
import { runReview } from "../../src/review/index.ts";
import { ADMIN_GUIDE, REFUND_POLICY, RUN_ID, review, reviewInput } from "./review-input.ts";

const SEED_OUTPUT = "Customers can request refunds for any order within 60 days, including international orders.";

describe("golden: the README tour's 60-day claim against the 30-day refund policy", () => {
  const result = review(SEED_OUTPUT, [REFUND_POLICY]);
  const [windowClaim, internationalClaim] = result.claims;

  it("splits the appended 'including' part into its own claim with exact offsets", () => {
    expect(result.claims.map((c) => c.text)).toEqual([
      "Customers can request refunds for any order within 60 days",
      "including international orders",
    ]);
    for (const claim of result.claims) {
      expect(SEED_OUTPUT.slice(claim.output_start_offset, claim.output_end_offset)).toBe(claim.text);
    }
    expect(windowClaim?.id).toBe(`${RUN_ID}_claim_1`);
    expect(windowClaim?.claim_type).toBe("permission");
    expect(windowClaim?.importance).toBe(4);
  });

  it("marks the 60-day claim contradicted with a rationale naming 30 and 60 days", () => {
    expect(windowClaim?.support_status).toBe("contradicted");
    const rationale = windowClaim?.verification_result?.rationale ?? "";
    expect(rationale).toContain("30 days");
    expect(rationale).toContain("60 days");
    expect(windowClaim?.primary_source_span?.quote).toBe(REFUND_POLICY.content);
    expect(windowClaim?.primary_source_span?.start_offset).toBe(0);
    expect(windowClaim?.primary_source_span?.end_offset).toBe(REFUND_POLICY.content.length);
  });

  it("reports the international orders part as unsupported", () => {
    expect(internationalClaim?.support_status).toBe("unsupported");
    expect(internationalClaim?.verification_result?.rationale).toContain("international");
    expect(internationalClaim?.primary_source_span).toBeNull();
  });

  it("suggests a repair built from the source's value only", () => {
    const item = result.claim_report.unsupported_claims.find((u) => u.claim_id === windowClaim?.id);
    expect(item?.suggested_repair).toBe("Customers can request refunds for any order within 30 days");
    expect(result.claim_report.markdown).toContain('Suggested repair: "Customers can request refunds for any order within 30 days"');
    const other = result.claim_report.unsupported_claims.find((u) => u.claim_id === internationalClaim?.id);
    expect(other?.suggested_repair).toBeNull();
  });

  it("gates customer_facing + standard to needs_repair", () => {
    expect(result.safe_use_status).toBe("needs_repair");
    expect(result.gate_verdict.verdict).toBe("needs_repair");
    expect(result.gate_verdict.mode).toBe("advisory");
    expect(result.gate_verdict.metadata.policy_version).toBe("gate-policy.2026-11-22.v1");
    expect(result.gate_verdict.reasons.map((r) => r.code)).toEqual(["contradicted", "unsupported"]);
    expect(result.unsupported_claim_count).toBe(2);
    expect(result.claim_count).toBe(2);
  });

  it("renders the markdown report in its fixed layout", () => {
    const claimId = `${RUN_ID}_claim_1`;
    const markdown = result.claim_report.markdown;
    expect(markdown).toBe(
      [
        "# Claim report",
        "",
        "Use status: Needs Repair",
        "Unsupported claims: 2",
        "Citation issues: 0",
        "Source coverage: 1/2 claims",
        "",
        "## Summary",
        "This review found 2 unsupported claim(s) and 0 citation issue(s) in the captured output.",
        "",
        "## Unsupported claims",
        `- Claim \`${claimId}\`: The supplied sources contradict this claim: "Customers can request refunds for any order within 60 days" (source: "Customers may request a refund within 30 days of purchase."). Suggested repair: "Customers can request refunds for any order within 30 days"`,
        `- Claim \`${RUN_ID}_claim_2\`: The supplied sources do not support this claim: "including international orders"`,
        "",
        "## Citation issues",
        "- No citation issues were found in the structured verification results.",
        "",
        "## Evidence notes",
        "- No partially supported claims were found in the structured verification results.",
        "",
        "## Follow-up questions",
        `- Should the output remove or revise claim \`${claimId}\`?`,
        `- Should the output remove or revise claim \`${RUN_ID}_claim_2\`?`,
        "- Is the intended use still correct for this output?",
        "",
      ].join("\n"),
    );
    expect(result.claim_report.metadata.leakage_check).toEqual({ passed: true, errors: [] });
  });

  it("is deterministic to the byte", () => {
    const again = runReview(reviewInput(SEED_OUTPUT, [REFUND_POLICY]));
    expect(JSON.stringify(again)).toBe(JSON.stringify(result));
  });

  it("names the engine honestly and uses the supplied clock", () => {
    const verification = windowClaim?.verification_result;
    expect(verification?.verifier_provider).toBe("deterministic");
    expect(verification?.verifier_version).toBe("source-verification.2026-11-30.v1");
    expect(windowClaim?.extraction_provider).toBe("deterministic");
    expect(result.claim_report.compiler_version).toBe("claim-report.2026-11-22.v1");
    expect(windowClaim?.created_at).toBe("2026-04-27T16:20:24.000Z");
    expect(result.claim_report.updated_at).toBe("2026-04-27T16:20:24.000Z");
  });
});

describe("golden: admin guide", () => {
  const result = review("Admins can export audit logs.", [ADMIN_GUIDE]);

  it("supports the claim with the exact source span", () => {
    expect(result.claims).toHaveLength(1);
    const claim = result.claims[0];
    expect(claim?.support_status).toBe("supported");
    expect(claim?.text).toBe("Admins can export audit logs");
    expect(claim?.primary_source_span).toMatchObject({
      id: `${RUN_ID}_span_1`,
      source_document_id: `${RUN_ID}_source_1`,
      quote: "Admins can export audit logs from the security workspace.",
      start_offset: 0,
      end_offset: 57,
      metadata: { source_title: "Admin guide", citation_label: "source 1" },
    });
    expect(result.source_spans).toHaveLength(1);
    expect(result.safe_use_status).toBe("verified_for_use");
    expect(result.gate_verdict.verdict).toBe("allow");
    expect(result.gate_verdict.reasons).toEqual([]);
    expect(result.claim_report.markdown).toContain("- No unsupported claims were found in the structured verification results.");
  });
});

describe("determinism on a large packet", () => {
  it("gives byte-identical results for the same input", () => {
    const sentences = Array.from({ length: 400 }, (_, i) => `Plan ${i} includes ${i % 7} seats and renews every ${(i % 11) + 1} months for customers in region ${i % 5}.`);
    const source = { title: "Plans", content: sentences.join(" ") };
    const output = sentences.filter((_, i) => i % 9 === 0).map((s, i) => (i % 2 === 0 ? s.replace("months", "weeks") : s)).join(" ");
    const first = JSON.stringify(runReview(reviewInput(output, [source, REFUND_POLICY, ADMIN_GUIDE])));
    const second = JSON.stringify(runReview(reviewInput(output, [source, REFUND_POLICY, ADMIN_GUIDE])));
    expect(second).toBe(first);
  });
});
