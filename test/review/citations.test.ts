import { describe, expect, it } from "vitest";
import { findCitationMarkers } from "../../src/review/citations.ts";
import { runReview } from "../../src/review/index.ts";
import { ADMIN_GUIDE, REFUND_POLICY, RUN_ID, review, reviewInput, type SourceSpec } from "./review-input.ts";

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

  it("resolve a number by a title that opens with the marker when no label matches", () => {
    const only = [{ id: "s5", title: "[5] https://example.com/refunds", citation_label: null }];
    expect(findCitationMarkers("Refunds take 30 days [5].", only).map((m) => m.resolvedSourceId)).toEqual(["s5"]);
    const titled = [
      { id: "a", title: "[4] https://example.com/a", citation_label: null },
      { id: "b", title: "[2] Admin guide", citation_label: null },
    ];
    expect(findCitationMarkers("A [2]. B [4]. C [1].", titled).map((m) => [m.marker, m.resolvedSourceId])).toEqual([
      ["[2]", "b"],
      ["[4]", "a"],
      ["[1]", "a"], // no label or title carries 1: position
    ]);
  });

  it("resolve a number by citation label before title and position", () => {
    const sources = [
      { id: "a", title: "[2] https://example.com/a", citation_label: null },
      { id: "b", title: "Pricing", citation_label: null },
      { id: "c", title: "Admin guide", citation_label: "2" },
      { id: "d", title: "Billing", citation_label: "[7]" },
      { id: "e", title: "Terms", citation_label: "source 9" },
    ];
    expect(findCitationMarkers("A [2]. B [7]. C [9]. D [source 7].", sources).map((m) => [m.marker, m.resolvedSourceId])).toEqual([
      ["[2]", "c"],
      ["[7]", "d"],
      ["[9]", "e"],
      ["[source 7]", "d"],
    ]);
  });

  it("resolve each of adjacent and listed markers by title", () => {
    const sources = [
      { id: "a", title: "[2] https://example.com/a", citation_label: null },
      { id: "b", title: "[1] https://example.com/b", citation_label: null },
    ];
    expect(findCitationMarkers("X holds [1][2]. Y holds [1, 2].", sources).map((m) => [m.marker, m.resolvedSourceId])).toEqual([
      ["[1]", "b"],
      ["[2]", "a"],
      ["[1, 2]", "b"],
      ["[1, 2]", "a"],
    ]);
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

  // Callers that send only titles, as search-backed answers list their references.
  const titledOnly = (output: string, specs: ReadonlyArray<SourceSpec>) => {
    const input = reviewInput(output, specs);
    return runReview({ ...input, sources: input.sources.map((s) => ({ ...s, citation_label: null })) });
  };

  it("resolves [5] to the only source, titled '[5] https://…'", () => {
    const result = titledOnly("Admins can export audit logs from the security workspace [5].", [
      { title: "[5] https://example.com/admin-guide", content: ADMIN_GUIDE.content },
    ]);
    expect(result.claims[0]?.metadata.citations.map((c) => c.resolved_source_id)).toEqual([`${RUN_ID}_source_1`]);
    expect(result.verification_results[0]?.metadata.citation_issue).toBe("citation_ok");
    expect(result.claim_report.citation_issues).toEqual([]);
  });

  it("judges a titled marker against the source it names, not the one at its position", () => {
    const sources = [
      { title: "[2] https://example.com/refunds", content: REFUND_POLICY.content },
      { title: "[1] https://example.com/admin-guide", content: ADMIN_GUIDE.content },
    ];
    const result = titledOnly("Admins can export audit logs [1]. Customers may request a refund within 30 days [2].", sources);
    expect(result.verification_results.map((v) => v.metadata.citation_issue)).toEqual(["citation_ok", "citation_ok"]);
    expect(titledOnly("Admins can export audit logs [2].", sources).claim_report.citation_issues[0]?.issue).toBe("wrong_source");
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
