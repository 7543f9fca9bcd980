import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inCi } from "./clients.ts";
import { kivo, root } from "./helpers.ts";

// /docs with the network cut off: Chromium may reach the local `wrangler dev`
// and nothing else, as on a laptop offline. The reference must render from the
// Worker's own assets, show this server as the one to call, and "try it" must
// reach it. Screenshots land in test-artifacts/ (docs-guides.png, docs.png).

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

describe.skipIf(!available && !inCi)("/docs in Chromium with the network blocked", () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package (apt-get install -y chromium)`);
    mkdirSync(join(root, "test-artifacts"), { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("renders every operation from this origin alone, and 'try it' calls the local server", async () => {
    const document = (await (await fetch(`${kivo.baseUrl}/openapi.json`)).json()) as {
      tags: { name: string }[];
      paths: Record<string, Record<string, { summary: string; tags: string[] }>>;
    };
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const blocked: string[] = [];
    await context.route("**/*", (route) => {
      if (route.request().url().startsWith(`${kivo.baseUrl}/`)) return route.continue();
      blocked.push(route.request().url());
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requests.push(`${request.method()} ${request.url()}`));
    page.on("requestfailed", (request) => problems.push(`failed: ${request.url()}`));
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    // A CSP violation is reported on the console as an error.
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(`console: ${message.text()}`);
    });

    const response = await page.goto(`${kivo.baseUrl}/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
    // The guides open the reference.
    for (const guide of ["Quickstart", "Authentication and scopes", "The run lifecycle", "Errors", "Versioning"]) {
      await page.getByRole("heading", { name: guide, exact: true }).first().waitFor({ timeout: 30_000 });
    }
    expect(await page.locator("body").innerText()).toContain("unsupported_api_version");
    await page.screenshot({ path: join(root, "test-artifacts", "docs-guides.png") });

    // Every tag is in the sidebar, and the first one's operations are listed by summary.
    const sidebar = await page.locator("aside, nav").first().innerText();
    for (const tag of document.tags.filter((tag) => Object.values(document.paths).some((ops) => Object.values(ops).some((op) => op.tags.includes(tag.name))))) {
      expect(sidebar).toContain(tag.name);
    }
    const first = Object.values(document.paths).flatMap((ops) => Object.values(ops)).filter((op) => op.tags.includes("Review runs"));
    expect(first.length).toBeGreaterThan(5);
    for (const operation of first) expect(sidebar).toContain(operation.summary);

    // An operation renders with its example aimed at the server that served the page, never production.
    await page.goto(`${kivo.baseUrl}/docs#tag/review-runs/POST/v1/review-runs`);
    await page.getByRole("heading", { name: "Create a review run" }).first().waitFor({ timeout: 30_000 });
    const body = await page.locator("body").innerText();
    expect(body).toContain(`curl ${kivo.baseUrl}/v1/review-runs`);
    expect(body).not.toContain("curl https://api.trykivo.co");

    // Try it: the liveness check sent from the reference's client reaches the local Worker.
    await page.goto(`${kivo.baseUrl}/docs#tag/meta/GET/healthz`);
    const tryIt = page.getByRole("button", { name: /Test Request.*healthz/ }).first();
    await tryIt.waitFor({ timeout: 20_000 });
    await tryIt.click();
    const sent = page.waitForResponse((answer) => answer.url() === `${kivo.baseUrl}/healthz`);
    await page.getByRole("button", { name: /^Send/ }).first().click();
    const answer = await sent;
    expect(answer.status()).toBe(200);
    expect(answer.headers()["kivo-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await expect.poll(() => page.locator("body").innerText()).toContain('"status": "ok"');
    await page.screenshot({ path: join(root, "test-artifacts", "docs.png") });

    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests.every((request) => request.split(" ")[1]!.startsWith(`${kivo.baseUrl}/`))).toBe(true);
    expect(requests).toEqual(expect.arrayContaining([`GET ${kivo.baseUrl}/openapi.json`, `GET ${kivo.baseUrl}/healthz`]));
    await context.close();
  });
});
