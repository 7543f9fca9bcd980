import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { reserveReviewRuns } from "../../src/services/billing/allowance.ts";
import { type Tenant, call, expectError, seedTenant } from "../helpers/harness.ts";
import { SEED_PACKET, createRun } from "../helpers/runs.ts";

async function runIdsInList(tenant: Tenant): Promise<string[]> {
  const response = await call("/v1/review-runs?limit=100", { key: tenant.apiKey });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: { id: string }[] }).items.map((run) => run.id);
}

/** Runs that left source contents in R2, by the run ID in the object key. */
async function runIdsInStorage(tenant: Tenant): Promise<string[]> {
  const listed = await env.SOURCES.list({ prefix: `runs/${tenant.projectId}/` });
  return [...new Set(listed.objects.map((object) => object.key.split("/")[2]!))];
}

async function usage(tenant: Tenant) {
  return (await (await call("/v1/usage", { key: tenant.apiKey })).json()) as { used: number; remaining: number };
}

describe("POST /v1/review-runs against the allowance", () => {
  it("creates exactly 10 runs when 100 parallel creates race for the last 10", async () => {
    // A generous rate limit, so the allowance is the only thing refusing requests.
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 12, rateLimitPerMinute: 1000 });
    for (let i = 0; i < 2; i++) expect((await createRun(tenant, SEED_PACKET)).response.status).toBe(202);

    const responses = await Promise.all(
      Array.from({ length: 100 }, () => call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: SEED_PACKET })),
    );
    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter((r) => r.status !== 202);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(90);
    for (const response of refused) await expectError(response, 402, "usage_limit_exceeded");

    const listed = await runIdsInList(tenant);
    expect(listed).toHaveLength(12);
    expect((await runIdsInStorage(tenant)).sort()).toEqual([...listed].sort());
    expect(await usage(tenant)).toMatchObject({ used: 12, remaining: 0 });
  });

  it("answers 402 and creates nothing once the allowance is used up", async () => {
    const tenant = await seedTenant({ plan: "free" });
    await reserveReviewRuns(env, tenant.organizationId, 50);

    const response = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: SEED_PACKET });
    expect(response.headers.get("RateLimit-Limit")).toBe("60");
    const body = await expectError(response, 402, "usage_limit_exceeded");
    expect(body.error.message).toContain("Nothing was created");

    expect(await runIdsInList(tenant)).toEqual([]);
    expect(await runIdsInStorage(tenant)).toEqual([]);
    expect(await usage(tenant)).toMatchObject({ used: 50, remaining: 0 });
  });
});
