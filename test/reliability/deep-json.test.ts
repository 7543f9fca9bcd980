import { describe, expect, it } from "vitest";
import { call, seedTenant } from "../helpers/harness.ts";
import { SEED_PACKET } from "../helpers/runs.ts";
import { createBody, createRun } from "../routes/enterprise-worker/helpers.ts";

/** JSON nested `levels` deep, built as text (no recursion here either). */
const nested = (levels: number) => `${'{"n":'.repeat(levels)}"bottom"${"}".repeat(levels)}`;

/** Found by `npm run fuzz`: a walk over deeply nested JSON overflowed the stack and answered 500. */
describe("deeply nested JSON is refused, never a crash", () => {
  it("in hosted run metadata", async () => {
    const tenant = await seedTenant();
    const body = JSON.stringify({ ...SEED_PACKET, metadata: "@" }).replace('"@"', nested(100_000));
    const response = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, headers: { "Content-Type": "application/json" }, body });
    expect(response.status).toBeLessThan(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(/validation_error|invalid_json/);
  });

  it("in an Enterprise Worker create and event", async () => {
    const tenant = await seedTenant();
    // 9,000 levels fit the 64 KB limit of these endpoints (the fuzz case was 2,000).
    const create = JSON.stringify({ ...(await createBody()), metadata: "@" }).replace('"@"', nested(9_000));
    const created = await call("/v1/private-worker/review-runs", { method: "POST", key: tenant.apiKey, headers: { "Content-Type": "application/json" }, body: create });
    expect(created.status).toBeLessThan(500);
    expect(((await created.json()) as { error: { code: string } }).error.code).toMatch(/validation_error|invalid_json/);

    const run = await createRun(tenant);
    const event = JSON.stringify({ event_type: "status", event_id: "deep", status: "processing", artifact_summaries: "@" }).replace('"@"', nested(9_000));
    const sent = await call(`/v1/private-worker/review-runs/${run.id}/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${run.token}`, "Content-Type": "application/json" },
      body: event,
    });
    expect(sent.status).toBeLessThan(500);
    expect(((await sent.json()) as { error: { code: string } }).error.code).toBe("validation_error");
  });
});
