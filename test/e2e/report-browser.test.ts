import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inCi, waitForRun } from "./clients.ts";
import { api, kivo, root } from "./helpers.ts";
import { ClaimListSchema, ClaimReportResponseSchema, QueuedReviewRunSchema } from "../../src/schemas/review-run.ts";
import type { Claim } from "../../src/schemas/review-artifacts.ts";
import { ReportLinkSchema } from "../../src/routes/report-links/schema.ts";

// The reviewer page in a real browser: Debian's Chromium driven by
// playwright-core opens the report of the tour's packet (README, "A 60-second tour") through a report link
// (no API key), and the report of an output full of markup through content
// negotiation (Accept: text/html with the key). It checks what a reviewer sees
// (highlights that match the API's claims, labels, readable colours) and that
// nothing submitted ever runs. Screenshots land in test-artifacts/ (ignored by
// git): each is taken after checking what it should show, at desktop width, at
// a phone's 390 px and with print media.

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const artifacts = join(root, "test-artifacts");

const SEED = {
  ai_output: "Customers can request refunds for any order within 60 days, including international orders.",
  sources: [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }],
  intended_use: "customer_facing",
  strictness: "standard",
  metadata: { workflow: "support_answer", environment: "quickstart" },
};

const HOSTILE = {
  ai_output:
    `Customers can request refunds within 30 days <script>window.__pwned = "script"; alert("script")</script>. ` +
    `Refunds go to the original payment method <img src=x onerror="window.__pwned = 'img'; alert('img')">. ` +
    `Admins can export audit logs <svg onload="window.__pwned = 'svg'"></svg> [1]. ` +
    `Support answers within 4 hours "><iframe srcdoc="<script>parent.__pwned = 'iframe'</script>"></iframe>.`,
  sources: [
    {
      title: `Refund policy <img src=x onerror="window.__pwned = 'title'">`,
      content:
        `Customers may request a refund within 30 days of purchase. <script>window.__pwned = "source"</script> ` +
        `Refunds are issued to the original payment method.`,
      citation_label: `<b onmouseover="window.__pwned = 'label'">1</b>`,
    },
    { title: "Admin guide </style><script>alert(1)</script>", content: "Admins can export audit logs from the security workspace." },
  ],
  intended_use: "customer_facing",
  question: `</title><script>window.__pwned = "question"</script>`,
};

// Several claims, a contradicted value with a repair, and sources long enough to
// have text around each quote: every part of the page has something to show.
const RICH = {
  ai_output:
    "Customers can request refunds for any order within 60 days, including international orders. " +
    "Refunds go to the original payment method [1]. Admins can export audit logs [source 3].",
  sources: [
    {
      title: "Refund policy",
      content:
        "Orders ship within two days of payment. Customers may request a refund within 30 days of purchase. " +
        "Refunds are issued to the original payment method. Gift cards are final sale.",
      uri: "https://policies.example.com/customer-service/refunds-and-returns/international-orders/2026-edition/full-text",
    },
    { title: "Admin guide", content: "Workspace owners manage members. Admins can export audit logs from the security workspace. Exports are kept for 90 days." },
  ],
  intended_use: "customer_facing",
};

const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const STATUS_LABELS: Record<string, string> = {
  supported: "Supported",
  partially_supported: "Partially supported",
  unsupported: "Unsupported",
  contradicted: "Contradicted",
  insufficient_context: "Insufficient context",
  not_checked: "Not checked",
};

/** WCAG 2 contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = rgb.match(/\d+(\.\d+)?/g)!.slice(0, 3).map(Number).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

async function completedRun(packet: unknown) {
  const created = await api("/v1/review-runs", { json: packet }, QueuedReviewRunSchema);
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const run = await waitForRun(created.body.review_run.id);
  expect(run.status).toBe("completed");
  const claims = (await api(`/v1/review-runs/${run.id}/claims`, {}, ClaimListSchema)).body.items;
  return { run, claims };
}

/** Everything that could show injected code running, gathered while the page loads and is read. */
function watch(page: Page) {
  const seen = { dialogs: [] as string[], consoleErrors: [] as string[], pageErrors: [] as string[], requests: [] as string[] };
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") seen.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => seen.pageErrors.push(error.message));
  page.on("request", (request) => seen.requests.push(request.url()));
  return seen;
}

/** The little of the DOM that readPage uses (the suite compiles without the DOM library). */
interface PageNode {
  tagName: string;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  attributes: Iterable<{ name: string }>;
  nextElementSibling: PageNode | null;
  cloneNode(deep: boolean): PageNode;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): Iterable<PageNode> & { length: number };
  remove(): void;
}
interface PageWindow {
  document: PageNode;
  getComputedStyle(node: PageNode): { color: string; backgroundColor: string; borderBottomStyle: string };
  __pwned?: unknown;
}

async function readPage(page: Page) {
  return page.evaluate(() => {
    const window = globalThis as unknown as PageWindow;
    const { document } = window;
    const style = (node: PageNode) => window.getComputedStyle(node);
    const all = (selector: string, from: PageNode = document) => [...from.querySelectorAll(selector)];
    const output = document.querySelector("#ai-output")!.cloneNode(true);
    for (const tag of all(".tag", output)) tag.remove();
    return {
      pwned: window.__pwned,
      active: document.querySelectorAll("script, img, svg, iframe, object, embed, form, input, link, base").length,
      handlers: all("*").flatMap((node) =>
        [...node.attributes].filter((attribute) => /^on/i.test(attribute.name)).map((attribute) => `${node.tagName} ${attribute.name}`),
      ),
      banner: document.querySelector("h1")?.textContent,
      outputText: output.textContent,
      marks: all("#ai-output mark").map((mark) => ({
        id: mark.dataset.claimId,
        status: mark.dataset.supportStatus,
        text: mark.textContent,
        label: mark.nextElementSibling?.textContent,
        color: style(mark).color,
        background: style(mark).backgroundColor,
        underline: style(mark).borderBottomStyle,
      })),
      tags: all(".tag").map((tag) => ({ color: style(tag).color, background: style(tag).backgroundColor })),
      cards: all("li.claim").map((card) => ({ id: card.dataset.claimId, text: card.textContent ?? "" })),
      citationIssues: all("#citation-issues li").map((item) => item.textContent),
      followUps: all("#follow-ups li").map((item) => item.textContent),
    };
  });
}

function expectMatchesClaims(view: Awaited<ReturnType<typeof readPage>>, aiOutput: string, claims: Claim[]) {
  expect(view.marks.map(({ id, status, text }) => ({ id, status, text }))).toEqual(
    claims.map((claim) => ({ id: claim.id, status: claim.support_status, text: aiOutput.slice(claim.output_start_offset, claim.output_end_offset) })),
  );
  view.marks.forEach((mark, i) => expect(mark.label).toBe(`${i + 1} · ${STATUS_LABELS[mark.status!]}`));
  expect(view.cards.map((card) => card.id)).toEqual(claims.map((claim) => claim.id));
  for (const claim of claims) {
    const card = view.cards.find((c) => c.id === claim.id)!;
    expect(card.text).toContain(claim.verification_result!.rationale);
    if (claim.primary_source_span) {
      expect(card.text).toContain(claim.primary_source_span.quote);
      expect(card.text).toContain(claim.primary_source_span.metadata.source_title);
    }
  }
  // The stylesheet applied (its CSP hash held in a real browser), and every highlight and label reads at WCAG AA or better.
  for (const { color, background } of [...view.marks, ...view.tags]) {
    expect(background).not.toBe("rgba(0, 0, 0, 0)");
    expect(contrast(color, background)).toBeGreaterThanOrEqual(4.5);
  }
  expect(new Set(view.marks.map((mark) => mark.underline)).size).toBe(new Set(view.marks.map((mark) => mark.status)).size);
}

function expectNothingRan(view: Awaited<ReturnType<typeof readPage>>, seen: ReturnType<typeof watch>, pageUrl: string) {
  expect(view.pwned).toBeUndefined();
  expect(view.active).toBe(0);
  expect(view.handlers).toEqual([]);
  expect(seen.dialogs).toEqual([]);
  expect(seen.pageErrors).toEqual([]);
  expect(seen.consoleErrors).toEqual([]);
  expect(seen.requests).toEqual([pageUrl]);
}

describe.skipIf(!available && !inCi)("the reviewer page in Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package (apt-get install -y chromium)`);
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("opens the tour packet's report from a report link, without an API key", async () => {
    const { run, claims } = await completedRun(SEED);
    const link = await api(`/v1/review-runs/${run.id}/report-links`, { json: { expires_in_seconds: 600 } }, ReportLinkSchema);
    expect(link.status).toBe(200);

    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const seen = watch(page);
    const response = await page.goto(link.body.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toMatch(/^default-src 'none'; style-src 'sha256-/);

    const view = await readPage(page);
    expect(view.banner).toBe("Needs repair");
    expect(run.safe_use_status).toBe("needs_repair");
    expectMatchesClaims(view, SEED.ai_output, claims);
    expect(view.outputText).toBe(SEED.ai_output);
    expect(view.marks.map((mark) => mark.status)).toContain("contradicted");
    const report = (await api(`/v1/review-runs/${run.id}/claim-report`, {}, ClaimReportResponseSchema)).body;
    // Follow-ups name claims as people do ("Claim 1"), never by internal ID in backticks.
    const readable = (question: string) =>
      question.replace(/claim `([^`]+)`/g, (_, id: string) => `Claim ${claims.findIndex((claim) => claim.id === id) + 1}`);
    expect(view.followUps).toEqual(report.follow_ups.map((item) => expect.stringContaining(readable(item.question))));
    for (const item of view.followUps) expect(item).not.toMatch(/`|_claim_/);
    expectNothingRan(view, seen, link.body.url);
    await page.screenshot({ path: join(artifacts, "report-seed.png"), fullPage: true });
    await context.close();
  });

  it("shows an output full of <script> and <img onerror> payloads as text, and runs none of it", async () => {
    const { run, claims } = await completedRun(HOSTILE);
    expect(claims.length).toBeGreaterThanOrEqual(3);
    const url = `${kivo.baseUrl}/v1/review-runs/${run.id}/claim-report`;

    // A browser's own Accept header asks for text/html; the key travels as a header, as a reviewer tool would send it.
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      extraHTTPHeaders: { Authorization: `Bearer ${kivo.apiKey}` },
    });
    const page = await context.newPage();
    const seen = watch(page);
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toBe("text/html; charset=utf-8");

    const view = await readPage(page);
    expectMatchesClaims(view, HOSTILE.ai_output, claims);
    expect(view.outputText).toBe(HOSTILE.ai_output);
    expect(view.citationIssues.length).toBeGreaterThan(0);
    const pageText = await page.locator("body").innerText();
    expect(pageText).toContain(`Refund policy <img src=x onerror="window.__pwned = 'title'">`);
    expect(pageText).toContain(`Question: </title><script>window.__pwned = "question"</script>`);
    // The source passages (read back from R2, payloads and all) are on the page as text too.
    const passages = await page.locator(".passage").allTextContents();
    expect(passages.some((text) => text.includes(`<script>window.__pwned = "source"</script>`))).toBe(true);

    // Give any deferred handler (onerror fires after a failed load) its chance before concluding nothing ran.
    await page.waitForTimeout(500);
    expectNothingRan(await readPage(page), seen, url);
    await page.screenshot({ path: join(artifacts, "report-hostile.png"), fullPage: true });
    await context.close();
  });

  it("reads well at desktop width, on a 390 px phone and in print: screenshots of each, checked first", async () => {
    const { run, claims } = await completedRun(RICH);
    const report = (await api(`/v1/review-runs/${run.id}/claim-report`, {}, ClaimReportResponseSchema)).body;
    const repair = report.unsupported_claims.find((item) => item.suggested_repair !== null);
    expect(repair).toBeDefined();
    const url = `${kivo.baseUrl}/v1/review-runs/${run.id}/claim-report?format=html`;
    const open = async (options: { viewport: { width: number; height: number }; isMobile?: boolean }) => {
      const context = await browser.newContext({ ...options, extraHTTPHeaders: { Authorization: `Bearer ${kivo.apiKey}` } });
      const page = await context.newPage();
      const seen = watch(page);
      expect((await page.goto(url))?.status()).toBe(200);
      return { context, page, seen };
    };
    const overflow = (page: Page) =>
      page.evaluate(() => {
        const { document, innerWidth } = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
        return { scrollWidth: document.documentElement.scrollWidth, innerWidth };
      });

    // Desktop: the legend is on screen, each quote's source passage opens with a click (no script), the repaired answer is ready to copy.
    const desktop = await open({ viewport: { width: 1280, height: 900 } });
    const guide = desktop.page.locator("#guide");
    await expect.poll(() => guide.isVisible()).toBe(true);
    for (const term of ["Contradicted", "Advisory", "Importance", "Confidence"]) expect(await guide.innerText()).toContain(term);
    const passages = desktop.page.locator("details.context");
    expect(await passages.count()).toBe(claims.filter((claim) => claim.primary_source_span).length);
    const firstPassage = passages.first().locator(".passage");
    expect(await firstPassage.isVisible()).toBe(false);
    await passages.first().locator("summary").click();
    expect(await firstPassage.isVisible()).toBe(true);
    expect(await firstPassage.innerText()).toContain("Orders ship within two days of payment.");
    expect(await firstPassage.locator("mark").innerText()).toBe(claims[0]!.primary_source_span!.quote);
    const repaired = RICH.ai_output.slice(0, repair!.output_start_offset) + repair!.suggested_repair + RICH.ai_output.slice(repair!.output_end_offset);
    expect(await desktop.page.locator("textarea#repaired-answer").inputValue()).toBe(repaired);
    expect(await desktop.page.locator("textarea#repaired-answer").isEditable()).toBe(false);
    const wide = await overflow(desktop.page);
    expect(wide.scrollWidth).toBeLessThanOrEqual(wide.innerWidth);
    expectNothingRan(await readPage(desktop.page), desktop.seen, url);
    await desktop.page.screenshot({ path: join(artifacts, "report-desktop.png"), fullPage: true });
    await desktop.context.close();

    // Phone: nothing scrolls sideways (not even the long source URI), and a card's labels sit above their values.
    const phone = await open({ viewport: { width: 390, height: 844 }, isMobile: true });
    const narrow = await overflow(phone.page);
    expect(narrow.innerWidth).toBe(390);
    expect(narrow.scrollWidth).toBeLessThanOrEqual(narrow.innerWidth);
    const columns = await phone.page.locator("li.claim dl").first().evaluate((node) =>
      (globalThis as unknown as { getComputedStyle(n: unknown): { gridTemplateColumns: string } }).getComputedStyle(node).gridTemplateColumns,
    );
    expect(columns.split(" ")).toHaveLength(1);
    expect(await phone.page.locator("#guide").isVisible()).toBe(true);
    expectNothingRan(await readPage(phone.page), phone.seen, url);
    await phone.page.screenshot({ path: join(artifacts, "report-phone.png"), fullPage: true });
    await phone.context.close();

    // Print: cards never split across pages, passages print open, the repaired answer prints as plain text.
    const print = await open({ viewport: { width: 1000, height: 1300 } });
    await print.page.emulateMedia({ media: "print" });
    const cards = await print.page.locator("li.claim").evaluateAll((nodes) =>
      nodes.map((node) => (globalThis as unknown as { getComputedStyle(n: unknown): { breakInside: string } }).getComputedStyle(node).breakInside),
    );
    expect(cards).toEqual(claims.map(() => "avoid"));
    expect(await print.page.locator(".passage").first().isVisible()).toBe(true);
    expect(await print.page.locator("textarea#repaired-answer").isVisible()).toBe(false);
    expect(await print.page.locator("pre.repaired").innerText()).toBe(repaired);
    expect(await print.page.locator("#guide").isVisible()).toBe(true);
    expectNothingRan(await readPage(print.page), print.seen, url);
    await print.page.screenshot({ path: join(artifacts, "report-print.png"), fullPage: true });
    const pdf = await print.page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await print.context.close();
  });
});
