import { describe, expect, it } from "vitest";
import { ADMIN_GUIDE, REFUND_POLICY, RUN_ID, review } from "./review-input.ts";

describe("claim report", () => {
  it("writes evidence notes for partially supported claims", () => {
    const result = review("All admins can export audit logs from the security workspace.", [ADMIN_GUIDE]);
    expect(result.claims[0]?.support_status).toBe("partially_supported");
    expect(result.claim_report.evidence_notes).toEqual([
      {
        claim_id: `${RUN_ID}_claim_1`,
        claim_text: "All admins can export audit logs from the security workspace",
        support_status: "partially_supported",
        source_span_id: `${RUN_ID}_span_1`,
        source_quote: ADMIN_GUIDE.content,
        note: expect.stringContaining("All admins") as unknown as string,
      },
    ]);
    expect(result.claim_report.markdown).toContain(`- Claim \`${RUN_ID}_claim_1\` (Partially supported): `);
    expect(result.safe_use_status).toBe("verified_with_limits");
  });

  it("counts source coverage and numbers spans once per distinct quote", () => {
    const result = review("Admins can export audit logs. Admins can export audit logs from the security workspace.", [ADMIN_GUIDE]);
    expect(result.source_spans).toHaveLength(1);
    expect(result.claim_report.metadata.source_coverage).toEqual({ claims_with_primary_source: 2, total_claims: 2 });
  });

  it("redacts credential-like strings and fails the leakage check", () => {
    const result = review("Use the key kivo_live_abcdef1234567890 to request a refund within 90 days.", [REFUND_POLICY]);
    const report = result.claim_report;
    expect(report.metadata.leakage_check.passed).toBe(false);
    expect(report.metadata.leakage_check.errors.length).toBeGreaterThan(0);
    expect(report.markdown).not.toContain("kivo_live_abcdef1234567890");
    expect(JSON.stringify(report)).not.toContain("kivo_live_abcdef1234567890");
  });

  it("redacts a key split by an invisible character or written in full-width letters", () => {
    for (const disguised of ["kivo_live_abcdef\u200b1234567890", "ｋｉｖｏ＿ｌｉｖｅ＿ａｂｃｄｅｆ１２３４５６７８９０"]) {
      const result = review(`Use the key ${disguised} to request a refund within 90 days.`, [REFUND_POLICY]);
      const report = result.claim_report;
      expect(report.metadata.leakage_check.passed).toBe(false);
      expect(report.markdown).toContain("redacted");
      expect(report.markdown).not.toContain(disguised);
      expect(report.markdown.normalize("NFKC").replace(/\u200b/g, "")).not.toContain("kivo_live_abcdef1234567890");
    }
  });

  it("passes the leakage check when it quotes only the run's own text", () => {
    const result = review("Customers can request refunds within 60 days.", [REFUND_POLICY]);
    expect(result.claim_report.metadata.leakage_check).toEqual({ passed: true, errors: [] });
    expect(result.claim_report.unsupported_claims[0]?.suggested_repair).toBe("Customers can request refunds within 30 days");
  });

  it("renders markup from the output as text in the markdown report, so no renderer runs it", () => {
    const hostile = [
      "Customers can request a refund within 60 days <img src=x onerror=alert(1)>.",
      "Refunds take 90 days <iframe srcdoc=\"<script>alert(1)</script>\"></iframe>.",
      "Every order ships free in 45 days, see [the policy](javascript:alert(1)) and ![x](https://evil.example/p.png).",
      "Refunds are paid in 70 days \\<script>alert(2)</script> and `code` &lt;b&gt;.",
    ].join(" ");
    const { markdown } = review(hostile, [REFUND_POLICY]).claim_report;
    expect(markdown).toContain("\\<img src=x onerror=alert(1)\\>");
    // What a CommonMark renderer sees once backslash escapes are taken as text: no tag, no link, no image, no entity.
    const active = markdown.replace(/\\[\\<>&[\]`]/g, "");
    expect(active).not.toMatch(/<[a-z!/]/i);
    expect(active).not.toMatch(/\]\(/);
    expect(active).not.toMatch(/&[a-z#]/i);
    for (const payload of ["onerror=alert(1)", "srcdoc=", "javascript:alert(1)"]) expect(markdown).toContain(payload);
  });
});
