import { describe, expect, it } from "vitest";
import type { ReviewResult } from "../../src/review/index.ts";
import { reportContentSecurityPolicy, renderReportHtml, type ReportPageInput } from "../../src/services/report/html.ts";
import { inspectPage, sha256Base64 } from "../helpers/html.ts";
import { NOW, RUN_ID, REFUND_POLICY, review, type SourceSpec } from "../review/review-input.ts";

function page(
  result: ReviewResult,
  aiOutput: string,
  sources: ReadonlyArray<SourceSpec>,
  question: string | null = null,
  options: { withContent?: boolean } = {},
): ReportPageInput {
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
      ...(options.withContent ? { content: source.content } : {}),
    })),
    claims: result.claims,
    report: result.claim_report,
  };
}

function rendered(aiOutput: string, sources: ReadonlyArray<SourceSpec>, question: string | null = null, options: { withContent?: boolean } = {}) {
  const result = review(aiOutput, sources, { question });
  return { result, html: renderReportHtml(page(result, aiOutput, sources, question, options)) };
}

/** The markup between an element's opening tag (found by its `id`) and the next closing `tag`. */
function section(html: string, id: string, tag: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, `#${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf(`</${tag}>`, start));
}

/** What a reader sees: tags and their attributes gone, entities decoded. */
const visibleText = (markup: string) =>
  markup
    .replace(/<style>[\s\S]*?<\/style>/, "")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

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
  `</textarea><script>window.__pwned = 4</script>`,
  `</details></p><script>window.__pwned = 5</script>`,
];

/** Every element and attribute this module's own markup uses; anything else came from input. */
const OWN_TAGS = new Set(
  "html head meta title style body header div p h1 h2 h3 dl dt dd ul ol li strong main section mark a span blockquote code table thead tbody tr th td footer time details summary textarea pre".split(" "),
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

  it("shows the proposition an appended part was judged as, and nothing extra for a whole sentence", () => {
    const { result, html } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    expect(result.claims[1]?.text).toBe("including international orders");
    expect(html).toContain('<p class="read-as">Read as: Customers can request refunds for any order within 60 days, including international orders</p>');
    expect(html.match(/class="read-as"/g)?.length).toBe(1);
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
    for (const [n, label] of ["Contradicted", "Unsupported", "Partially supported", "Supported"].entries()) {
      expect(html).toContain(`aria-label="Claim ${n + 1}: ${label}">${n + 1} · ${label}</a>`);
    }
    // A legend naming every status, and the verdict banner with its counts.
    for (const label of ["Supported", "Partially supported", "Unsupported", "Contradicted", "Insufficient context", "Not checked"]) {
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
    const followUps = visibleText(section(html, "follow-ups", "ul"));
    for (const followUp of result.claim_report.follow_ups) {
      expect(followUps).toContain(followUp.question.replace(/claim `([^`]+)`/, (_, id: string) => `Claim ${result.claims.findIndex((c) => c.id === id) + 1}`));
    }
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
        if (name === "href") expect(value).toMatch(/^#(claim-\d+|guide)$/);
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

  it("names claims in follow-up questions as a linked \"Claim N\", without IDs or backticks", () => {
    const { result, html } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    const followUps = section(html, "follow-ups", "ul");
    expect(result.claim_report.follow_ups.some((item) => item.question.includes("`"))).toBe(true);
    expect(followUps).not.toContain("`");
    for (const claim of result.claims) expect(followUps).not.toContain(claim.id);
    expect(followUps).toContain('<li>Should the output remove or revise <a href="#claim-1">Claim 1</a>?</li>');
    expect(followUps).toContain('<li>Which supplied source should <a href="#claim-4">Claim 4</a> cite?</li>');
    // A question about no claim in particular stays as written, with no claim prefix.
    expect(followUps).toContain("<li>Is the intended use still correct for this output?</li>");
  });

  it("writes dates for people, keeping the exact instant in <time datetime>", () => {
    const { result } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    const html = renderReportHtml({
      ...page(result, MIXED_OUTPUT, MIXED_SOURCES),
      run: { ...page(result, MIXED_OUTPUT, MIXED_SOURCES).run, completed_at: "2026-04-27T16:21:03.000Z" },
      link: { expires_at: "2026-05-01T09:05:00.000Z" },
    });
    expect(html).toContain(`created <time datetime="${NOW}">27 April 2026, 16:20 UTC</time>`);
    expect(html).toContain('completed <time datetime="2026-04-27T16:21:03.000Z">27 April 2026, 16:21 UTC</time>');
    expect(html).toContain('Shared review link, valid until <time datetime="2026-05-01T09:05:00.000Z">1 May 2026, 09:05 UTC</time>.');
    expect(visibleText(html)).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
  });

  it("counts in words that agree with the tiles: \"1 claim\", unsupported or contradicted together", () => {
    const one = rendered("Customers can request refunds for any order within 60 days.", [REFUND_POLICY]);
    expect(one.result.claims).toHaveLength(1);
    expect(one.result.claim_report.summary).toContain("(s)");
    expect(one.html).toContain('<p id="summary">Of 1 claim in the output, 1 is unsupported or contradicted, and the review found 0 citation issues.</p>');
    expect(one.html).toContain("<dd>1/1 claim</dd>");

    const { result, html } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    const flagged = result.claim_report.unsupported_claims;
    expect(new Set(flagged.map((item) => item.support_status))).toEqual(new Set(["contradicted", "unsupported"]));
    expect(html).toContain(`<dd id="count-unsupported">${flagged.length}</dd>`);
    expect(html).toContain(
      `<p id="summary">Of ${result.claims.length} claims in the output, ${flagged.length} are unsupported or contradicted, and the review found 1 citation issue.</p>`,
    );
    expect(visibleText(html)).not.toContain("(s)");
  });

  it("explains every status, the gate mode, strictness, importance and confidence in a legend", () => {
    const { result, html } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    const guide = section(html, "guide", "section");
    for (const label of ["Supported", "Partially supported", "Unsupported", "Contradicted", "Insufficient context", "Not checked"]) {
      expect(guide).toMatch(new RegExp(`<dt><span class="tag s-[a-z_]+">${label}</span></dt><dd>[A-Z]`));
    }
    expect(guide).toContain("<dt>Advisory</dt><dd>The project's gate mode: the verdict is a recommendation");
    expect(guide).toContain("<dt>Standard strictness</dt><dd>the baseline policy");
    expect(guide).toContain("<dt>Importance</dt><dd>How much an error in the claim would matter, from 1 to 5");
    expect(guide).toContain("<dt>Confidence</dt><dd>The calibrated probability that the claim's status is right");
    // The banner's "(advisory)" leads to the explanation.
    expect(html).toContain('(<a href="#guide">advisory</a>)');
    // Confidence and importance read as a percentage and "of 5" on every card.
    for (const claim of result.claims) {
      expect(html).toContain(`importance ${claim.importance} of 5 · confidence ${Math.round(claim.verification_result!.confidence * 100)}%`);
    }
    expect(html).not.toMatch(/confidence 0\.\d\d/);
  });

  it("shows each evidence quote inside its source passage, bounded, in a <details> that opens without a script", () => {
    const filler = (from: number) => Array.from({ length: 14 }, (_, i) => `Clause ${from + i} covers gift wrapping.`).join(" ");
    const refund = `${filler(1)} Customers may request a refund within 30 days of purchase. ${filler(15)}`;
    const sources: SourceSpec[] = [{ title: "Refund policy", content: refund }, MIXED_SOURCES[1]!];
    const { result, html } = rendered(MIXED_OUTPUT, sources, null, { withContent: true });
    const quoted = result.claims.filter((claim) => claim.primary_source_span?.metadata.source_title === "Refund policy");
    expect(quoted.length).toBeGreaterThan(0);
    // The admin guide's quote is nearly its whole text: a passage would add nothing, so there is none.
    const admin = result.claims.find((claim) => claim.primary_source_span?.metadata.source_title === "Admin guide")!;
    expect(MIXED_SOURCES[1]!.content.replace(admin.primary_source_span!.quote, "").trim()).toMatch(/^\W*$/);
    const passages = [...html.matchAll(/<details class="context"><summary>Show the quote in its source passage<\/summary><p class="passage">([\s\S]*?)<\/p><\/details>/g)].map((m) => m[1]!);
    expect(passages).toHaveLength(quoted.length);
    const [first] = quoted;
    const span = first!.primary_source_span!;
    const passage = passages[0]!;
    expect(passage).toContain(`<mark>${span.quote}</mark>`);
    // Cut at word boundaries within 300 characters each side, with an ellipsis where the source goes on.
    const [before, after] = passage.split(`<mark>${span.quote}</mark>`) as [string, string];
    expect(before).toMatch(/^…\S/);
    expect(after.endsWith("…")).toBe(true);
    expect(before.length - 1).toBeLessThanOrEqual(300);
    expect(after.length - 1).toBeLessThanOrEqual(300);
    expect(before.length - 1).toBeGreaterThan(250);
    expect(refund).toContain(before.slice(1) + span.quote + after.slice(0, -1));

    // Without the source text, or when it no longer holds the quote, there is no passage rather than a wrong one.
    expect(rendered(MIXED_OUTPUT, sources).html).not.toContain('class="context"');
    const changed = renderReportHtml({
      ...page(result, MIXED_OUTPUT, sources, null, { withContent: true }),
      sources: sources.map((source, i) => ({ id: `${RUN_ID}_source_${i + 1}`, title: source.title, citation_label: null, uri: null, content: `x${source.content}` })),
    });
    expect(changed).not.toContain('class="context"');
  });

  it("redacts credential-like text in a source passage, as the report redacts its quotes", () => {
    const sources: SourceSpec[] = [
      { title: "Refund policy", content: "Support key sk_live_abcdefghijklmnop1234. Customers may request a refund within 30 days of purchase." },
    ];
    const { html } = rendered("Customers can request refunds within 30 days.", sources, null, { withContent: true });
    expect(html).toContain('<p class="passage">Support key [redacted]. <mark>');
    expect(html).not.toContain("sk_live_abcdefghijklmnop1234");
  });

  it("offers the repaired answer, with every suggested repair applied, ready to copy", () => {
    const { result, html } = rendered(MIXED_OUTPUT, MIXED_SOURCES);
    const item = result.claim_report.unsupported_claims.find((i) => i.suggested_repair !== null)!;
    expect(item.suggested_repair).toContain("30 days");
    const repaired =
      MIXED_OUTPUT.slice(0, item.output_start_offset) + item.suggested_repair + MIXED_OUTPUT.slice(item.output_end_offset);
    expect(html).toMatch(new RegExp(`<textarea class="repaired" id="repaired-answer" readonly rows="\\d+" aria-labelledby="repaired-heading">${repaired.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</textarea>`));
    expect(html).toContain(`<pre class="repaired" aria-hidden="true">${repaired}</pre>`);
    const intro = section(html, "repaired-heading", "p");
    expect(intro).toContain('suggested repair to <a href="#claim-1">Claim 1</a> applied');
    expect(intro).toContain('<a href="#claim-2">Claim 2</a> has no suggested repair and is unchanged');

    // Nothing to repair, nothing offered.
    expect(rendered("Customers may request a refund within 30 days of purchase.", [REFUND_POLICY]).html).not.toContain('id="repaired');
  });

  it("escapes hostile text in the source passage and the repaired answer, where a </textarea> could break out", async () => {
    const hostile = PAYLOADS.join(" ");
    const aiOutput = `Customers can request refunds for any order within 60 days ${hostile}. Admins can export audit logs.`;
    const sources: SourceSpec[] = [
      { title: `Refund ${PAYLOADS[1]}`, content: `${hostile} Customers may request a refund within 30 days of purchase. ${hostile}`, citation_label: PAYLOADS[2] },
      { title: PAYLOADS[5]!, content: "Admins can export audit logs from the security workspace." },
    ];
    const { result, html } = rendered(aiOutput, sources, PAYLOADS[3], { withContent: true });
    // The new fields are on the page, each carrying the payloads.
    expect(html).toContain('class="passage"');
    expect(html).toContain('id="repaired-answer"');
    expect(section(html, "repaired-answer", "textarea")).toContain("&lt;/textarea&gt;&lt;script&gt;window.__pwned = 4&lt;/script&gt;");
    expect(html).toContain("&lt;/details&gt;&lt;/p&gt;&lt;script&gt;window.__pwned = 5&lt;/script&gt;");
    expect(html).not.toMatch(/<(script|img|svg|iframe)/i);
    expect(html.match(/<\/textarea>/g)).toHaveLength(1);
    const { elements, marks } = await inspectPage(html);
    for (const element of elements) {
      expect(OWN_TAGS, `<${element.tag}>`).toContain(element.tag);
      for (const [name] of element.attributes) expect(name).not.toMatch(/^(on|style$|src$|srcdoc$)/);
    }
    expect(marks.map((mark) => mark.claimId)).toEqual(result.claims.map((claim) => claim.id));
  });

  it("stacks its grids at phone width and keeps claim cards whole in print", async () => {
    const { style } = await inspectPage(rendered(MIXED_OUTPUT, MIXED_SOURCES).html);
    const media = (query: string) => {
      const start = style.indexOf(`@media ${query}{`);
      expect(start, query).toBeGreaterThan(-1);
      return style.slice(start, style.indexOf("\n}", start));
    };
    expect(media("(max-width:40rem)")).toContain(".claim dl,.guide dl{grid-template-columns:minmax(0,1fr)");
    expect(media("print")).toMatch(/\.claim,[^{]*\{break-inside:avoid\}/);
    expect(media("print")).toContain("textarea.repaired,.screen-only{display:none}");
    expect(media("print")).toContain("pre.repaired{display:block");
    expect(style).toContain(".table-wrap{overflow-x:auto}");
  });
});
