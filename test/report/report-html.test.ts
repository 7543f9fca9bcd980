import { describe, expect, it } from "vitest";
import type { ReviewResult } from "../../src/review/index.ts";
import { reportContentSecurityPolicy, renderReportHtml, type ReportPageInput } from "../../src/services/report/html.ts";
import { inspectPage, sha256Base64 } from "../helpers/html.ts";
import { NOW, RUN_ID, REFUND_POLICY, review, type SourceSpec } from "../review/review-input.ts";

function page(result: ReviewResult, aiOutput: string, sources: ReadonlyArray<SourceSpec>, question: string | null = null): ReportPageInput {
  return {
    run: {
      id: RUN_ID,
      status: "completed",
      intended_use: "customer_facing",
      strictness: "standard",
      safe_use_status: result.safe_use_status,
      gate_verdict: result.gate_verdict,
      question,
      ai_output: aiOutput,
      created_at: NOW,
      completed_at: NOW,
    },
    sources: sources.map((source, i) => ({
      id: `${RUN_ID}_source_${i + 1}`,
      title: source.title,
      citation_label: source.citation_label ?? `source ${i + 1}`,
      uri: null,
    })),
    claims: result.claims,
    report: result.claim_report,
  };
}

function rendered(aiOutput: string, sources: ReadonlyArray<SourceSpec>, question: string | null = null) {
  const result = review(aiOutput, sources, { question });
  return { result, html: renderReportHtml(page(result, aiOutput, sources, question)) };
}

const MIXED_OUTPUT =
  "Customers can request refunds for any order within 60 days, including international orders. Refunds go to the original payment method [1]. Admins can export audit logs [source 3].";
const MIXED_SOURCES: SourceSpec[] = [
  { title: "Refund policy", content: "Customers may request a refund within 30 days of purchase. Refunds are issued to the original payment method." },
  { title: "Admin guide", content: "Admins can export audit logs from the security workspace." },
];

const PAYLOADS = [
  `<script>window.__pwned = 1</script>`,
  `<img src=x onerror="window.__pwned = 2">`,
  `"><svg onload=alert(1)>`,
  `</style><style>body{display:none}</style>`,
  `<a href="javascript:alert(1)">click</a>`,
  `'><iframe srcdoc="<script>parent.__pwned=3</script>">`,
];

/** Every element and attribute this module's own markup uses; anything else came from input. */
const OWN_TAGS = new Set(
  "html head meta title style body header div p h1 h2 h3 dl dt dd ul ol li strong main section mark a span blockquote code table thead tbody tr th td footer time".split(" "),
);

describe("the reviewer page", () => {
  it("marks the words a check found wrong inside the claim's highlight", () => {
    const { result, html } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    const start = MIXED_OUTPUT.indexOf("60 days");
    expect(result.claims[0]?.verification_result?.metadata.error_spans).toEqual([{ start, end: start + 7, text: "60 days" }]);
    expect(html).toContain(`within <strong class="error-words" data-error-span="${start}-${start + 7}">60 days</strong>`);
    // Supported claims carry no error words.
    expect(html.match(/class="error-words"/g)?.length).toBe(result.claims.flatMap((c) => (c.verification_result?.metadata.error_spans ?? []) as unknown[]).length);
  });

  it("highlights every claim at its offsets with its status, in colour and in words", async () => {
    const { result, html } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    const { marks } = await inspectPage(html);
    expect(marks).toEqual(
      result.claims.map((claim) => ({
        claimId: claim.id,
        status: claim.support_status,
        text: MIXED_OUTPUT.slice(claim.output_start_offset, claim.output_end_offset),
      })),
    );
    expect(new Set(marks.map((mark) => mark.status))).toEqual(
      new Set(["contradicted", "unsupported", "partially_supported", "supported"]),
    );
    for (const [n, label] of ["Contradicted", "Unsupported", "Partly supported", "Supported"].entries()) {
      expect(html).toContain(`aria-label="Claim ${n + 1}: ${label}">${n + 1} · ${label}</a>`);
    }
    // A legend naming every status, and the verdict banner with its counts.
    for (const label of ["Supported", "Partly supported", "Unsupported", "Contradicted", "Insufficient context", "Not checked"]) {
      expect(html).toContain(`">${label}</span>`);
    }
    expect(html).toContain('data-safe-use-status="needs_repair"');
    expect(html).toContain("<h1>Needs repair</h1>");
    expect(html).toContain(`<dd id="count-claims">${result.claims.length}</dd>`);
    expect(html).toContain(`<dd id="count-unsupported">${result.claim_report.unsupported_claims.length}</dd>`);
  });

  it("shows each claim's evidence quote, source title and rationale, the citation issues and follow-ups", () => {
    const { result, html } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    for (const claim of result.claims) {
      expect(html).toContain(claim.verification_result!.rationale.replace(/"/g, "&quot;"));
      if (claim.primary_source_span) {
        expect(html).toContain(`<blockquote class="quote">${claim.primary_source_span.quote}</blockquote>`);
        expect(html).toContain(`— ${claim.primary_source_span.metadata.source_title}`);
      }
    }
    expect(html).toContain("No passage in the supplied sources supports this claim.");
    expect(html).toContain("Cites a source that was not supplied</strong> ([source 3])");
    expect(result.claim_report.follow_ups.length).toBeGreaterThan(1);
    for (const followUp of result.claim_report.follow_ups) expect(html).toContain(followUp.question.replace(/`/g, "`"));
    expect(html).toContain(`Suggested repair</dt><dd>${result.claim_report.unsupported_claims[0]!.suggested_repair}</dd>`);
  });

  it("escapes every piece of submitted text: nothing from the input becomes markup", async () => {
    const hostile = PAYLOADS.join(" ");
    const aiOutput = `Customers can request refunds within 30 days ${hostile}. Admins can export audit logs.`;
    const sources: SourceSpec[] = [
      { title: `Refund ${PAYLOADS[1]}`, content: `Customers may request a refund within 30 days ${PAYLOADS[0]}.`, citation_label: PAYLOADS[2] },
      { title: PAYLOADS[5]!, content: "Admins can export audit logs from the security workspace." },
    ];
    const { result, html } = rendered(aiOutput, sources, PAYLOADS[3]);
    const { elements, marks, markedText } = await inspectPage(html);

    for (const element of elements) {
      expect(OWN_TAGS, `<${element.tag}>`).toContain(element.tag);
      for (const [name, value] of element.attributes) {
        expect(name, `<${element.tag} ${name}>`).not.toMatch(/^(on|style$|src$|srcdoc$)/);
        if (name === "href") expect(value).toMatch(/^#claim-\d+$/);
      }
    }
    expect(elements.filter((element) => element.tag === "style")).toHaveLength(1);
    expect(html).not.toMatch(/<(script|img|svg|iframe)/i);
    expect(html).toContain("&lt;script&gt;window.__pwned = 1&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;");
    // The submitted text itself survives intact, as text.
    for (const mark of marks) {
      const claim = result.claims.find((c) => c.id === mark.claimId)!;
      expect(mark.text).toBe(aiOutput.slice(claim.output_start_offset, claim.output_end_offset));
    }
    expect(markedText.length).toBeGreaterThan(0);
  });

  it("keeps overlapping or out-of-range claim offsets from breaking the page", async () => {
    const { result } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    const [first, second] = result.claims;
    const claims = [
      first!,
      { ...second!, output_start_offset: first!.output_start_offset + 5, output_end_offset: first!.output_end_offset + 20 },
      { ...result.claims[2]!, output_end_offset: MIXED_OUTPUT.length + 100 },
    ];
    const html = renderReportHtml({ ...page(result, MIXED_OUTPUT, MIXED_SOURCES), claims });
    const { marks } = await inspectPage(html);
    expect(marks.map((mark) => mark.claimId)).toEqual([first!.id]);
    expect(html).toContain(MIXED_OUTPUT.slice(first!.output_end_offset));
  });

  it("allows only its own stylesheet: the CSP's hash matches it, nothing else may load or run", async () => {
    const { html } = rendered(`Refunds within 60 days ${PAYLOADS.join(" ")}`, [REFUND_POLICY]);
    const { style, elements } = await inspectPage(html);
    const csp = await reportContentSecurityPolicy();
    const directives = Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));
    expect(directives).toEqual({
      "default-src": "'none'",
      "style-src": `'sha256-${await sha256Base64(style)}'`,
      "base-uri": "'none'",
      "form-action": "'none'",
      "frame-ancestors": "'none'",
      sandbox: "",
    });
    expect(csp).not.toMatch(/unsafe|script-src|\*/);
    expect(elements.some((element) => element.attributes.some(([name]) => name === "style"))).toBe(false);
  });
});
