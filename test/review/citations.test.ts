import { describe, expect, it } from "vitest";
import { findCitationMarkers } from "../../src/review/citations.ts";
import { ADMIN_GUIDE, REFUND_POLICY, RUN_ID, review } from "./review-input.ts";

const SOURCES = [
  { id: "s1", title: "Refund policy", citation_label: "source 1" },
  { id: "s2", title: "Admin guide", citation_label: "source 2" },
];

describe("citation markers", () => {
  it("resolve by position, citation label and title", () => {
    const text = "A [1]. B [source 2]. C (Refund policy). According to the admin guide, D. E [7]. F (see page 3).";
    expect(findCitationMarkers(text, SOURCES).map((m) => [m.marker, m.resolvedSourceId])).toEqual([
      ["[1]", "s1"],
      ["[source 2]", "s2"],
      ["(Refund policy)", "s1"],
      ["According to the admin guide", "s2"],
      ["[7]", null],
    ]);
  });

  it("ignore ordinary parentheticals, 'per month' and markdown links", () => {
    const text = "It costs $5 per month (billed yearly). See [the docs](https://example.com).";
    expect(findCitationMarkers(text, SOURCES)).toEqual([]);
  });

  it("flag an attribution to an unknown document", () => {
    const [marker] = findCitationMarkers("According to the pricing handbook, plans renew yearly.", SOURCES);
    expect(marker?.resolvedSourceId).toBeNull();
  });
});

describe("citation issues", () => {
  const sources = [REFUND_POLICY, ADMIN_GUIDE];

  it("accepts a citation of the supporting source", () => {
    const result = review("Admins can export audit logs [2].", sources);
    expect(result.claims[0]?.metadata.citations[0]?.resolved_source_id).toBe(`${RUN_ID}_source_2`);
    expect(result.verification_results[0]?.metadata.citation_issue).toBe("citation_ok");
    expect(result.claim_report.citation_issues).toEqual([]);
  });

  it("reports unknown_source for a marker no source has", () => {
    const result = review("Admins can export audit logs [source 7].", sources);
    expect(result.claim_report.citation_issues).toEqual([
      { claim_id: `${RUN_ID}_claim_1`, issue: "unknown_source", citation: "[source 7]", message: expect.stringContaining("[source 7]") as unknown as string },
    ]);
    expect(result.safe_use_status).toBe("needs_repair");
    expect(result.gate_verdict.reasons.map((r) => r.code)).toEqual(["citation_issue"]);
  });

  it("reports wrong_source when another source supports the claim", () => {
    const result = review("Admins can export audit logs (Refund policy).", sources);
    expect(result.claims[0]?.support_status).toBe("supported");
    expect(result.claim_report.citation_issues[0]?.issue).toBe("wrong_source");
    expect(result.claim_report.citation_issues[0]?.message).toContain('"Admin guide"');
  });

  it("reports unsupported_citation when nothing supports the claim", () => {
    const result = review("According to the admin guide, admins can delete billing accounts.", sources);
    expect(result.claim_report.citation_issues[0]?.issue).toBe("unsupported_citation");
  });

  it("reports missing_citation only in strict runs whose output cites elsewhere", () => {
    const output = "Admins can export audit logs [2]. Customers may request a refund within 30 days.";
    expect(review(output, sources).verification_results[1]?.metadata.citation_issue).toBe("no_citation_required");
    const strict = review(output, sources, { strictness: "strict" });
    expect(strict.verification_results[1]?.metadata.citation_issue).toBe("missing_citation");
    expect(strict.claim_report.citation_issues.map((i) => i.issue)).toEqual(["missing_citation"]);
  });
});
