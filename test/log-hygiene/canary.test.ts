import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call, seedTenant } from "../helpers/harness.ts";
import { waitForRun } from "../helpers/runs.ts";
import { LEAK_PATTERNS, OUTPUT_CANARY, SOURCE_CANARY } from "./patterns.ts";

/**
 * Sends canary text down every path that logs (queued and inline review,
 * validation failures) and checks the lines each test logged: they name the
 * work (so the paths really ran and logged) and carry none of the canaries.
 * The suite-wide scan in vitest.config.ts checks every other test's lines too.
 */
describe("log hygiene canaries", () => {
  let logged: string[] = [];
  beforeEach(() => {
    logged = [];
    // Calls through, so the suite-wide scan still sees every line.
    for (const method of ["log", "warn", "error"] as const) {
      const write = console[method].bind(console);
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
        write(...args);
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  /** The records logged so far in this test, after checking that none leaks. */
  const recordsSoFar = () => {
    expect(LEAK_PATTERNS.filter(({ pattern }) => logged.some((line) => pattern.test(line))).map(({ name }) => name)).toEqual([]);
    return logged.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  const packet = {
    ai_output: `The ${OUTPUT_CANARY} plan costs 40 dollars per month. It includes priority support.`,
    sources: [{ title: "Pricing", content: `The ${SOURCE_CANARY} plan costs 45 dollars per month and includes email support.` }],
    intended_use: "customer_facing",
  };

  it("reviews canary packets queued and inline", async () => {
    const tenant = await seedTenant();
    const queued = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: packet });
    const { review_run } = (await queued.json()) as { review_run: { id: string } };
    const inline = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: packet, headers: { Prefer: "wait=5" } });
    expect(inline.status).toBe(200);
    expect((await waitForRun(tenant, review_run.id)).status).toBe("completed");

    const records = recordsSoFar();
    const creates = records.filter((r) => r.event === "request" && r.method === "POST" && r.route === "/v1/review-runs");
    expect(creates.map((r) => r.status)).toEqual([202, 200]);
    expect(records.some((r) => r.event === "review_message_processed" && r.review_run_id === review_run.id)).toBe(true);
  });

  it("rejects canary packets without echoing them to the logs", async () => {
    const tenant = await seedTenant();
    const tooLong = { ...packet, ai_output: `${OUTPUT_CANARY} `.repeat(2000) };
    expect((await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: tooLong })).status).toBe(400);
    const withKey = { ...packet, metadata: { leaked: tenant.apiKey } };
    expect((await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: withKey })).status).toBe(400);
    const broken = await call("/v1/review-runs", {
      method: "POST",
      key: tenant.apiKey,
      headers: { "Content-Type": "application/json" },
      body: `{"ai_output": "${OUTPUT_CANARY}`,
    });
    expect(broken.status).toBe(400);

    const refused = recordsSoFar().filter((r) => r.event === "request" && r.route === "/v1/review-runs");
    expect(refused.map((r) => [r.method, r.status])).toEqual([
      ["POST", 400],
      ["POST", 400],
      ["POST", 400],
    ]);
  });

  it("logs each request by its route template, so a report link's token never reaches a log", async () => {
    const tenant = await seedTenant();
    const created = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: packet, headers: { Prefer: "wait=10" } });
    const runId = ((await created.json()) as { id: string }).id;
    const link = await call(`/v1/review-runs/${runId}/report-links`, { method: "POST", key: tenant.apiKey, json: {} });
    const url = ((await link.json()) as { url: string }).url;
    const token = url.split("/").pop()!;

    logged = [];
    expect((await call(`/v1/report-links/${token}`)).status).toBe(200);
    expect((await call(`/v1/report-links/${token.slice(0, -3)}xyz`)).status).toBe(404);
    const requests = recordsSoFar().filter((line) => line.event === "request");
    expect(requests.map(({ route, status }) => [route, status])).toEqual([
      ["/v1/report-links/:token", 200],
      ["/v1/report-links/:token", 404],
    ]);
    expect(logged.join("\n")).not.toContain(token.split(".")[1]);
  });
});
