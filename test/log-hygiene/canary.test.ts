import { describe, expect, it, vi } from "vitest";
import { call, seedTenant } from "../helpers/harness.ts";
import { waitForRun } from "../helpers/runs.ts";
import { OUTPUT_CANARY, SOURCE_CANARY } from "./patterns.ts";

/**
 * Sends canary text down every path that logs (queued and inline review,
 * validation failures, a consumer retry after failure) so the suite-wide log
 * scan has something to catch if any of them logged content.
 */
describe("log hygiene canaries", () => {
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
  });

  it("logs each request by its route template, so a report link's token never reaches a log", async () => {
    const tenant = await seedTenant();
    const created = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: packet, headers: { Prefer: "wait=10" } });
    const runId = ((await created.json()) as { id: string }).id;
    const link = await call(`/v1/review-runs/${runId}/report-links`, { method: "POST", key: tenant.apiKey, json: {} });
    const url = ((await link.json()) as { url: string }).url;
    const token = url.split("/").pop()!;

    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      expect((await call(`/v1/report-links/${token}`)).status).toBe(200);
      expect((await call(`/v1/report-links/${token.slice(0, -3)}xyz`)).status).toBe(404);
    } finally {
      spy.mockRestore();
    }
    const requests = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === "request");
    expect(requests.map(({ route, status }) => [route, status])).toEqual([
      ["/v1/report-links/:token", 200],
      ["/v1/report-links/:token", 404],
    ]);
    expect(lines.join("\n")).not.toContain(token.split(".")[1]);
  });
});
