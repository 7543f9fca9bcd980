import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageSchema } from "../../src/routes/billing/schema.ts";
import { reserveReviewRuns } from "../../src/services/billing/allowance.ts";
import { addKey, call, expectError, seedTenant } from "../helpers/harness.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("GET /v1/usage", () => {
  it("answers the documented shape for a new free organization", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-02-14T08:00:00.000Z"));
    const tenant = await seedTenant({ plan: "free" });

    const response = await call("/v1/usage", { key: tenant.apiKey });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(UsageSchema.strict().parse(body)).toEqual({
      plan: "free",
      monthly_limit: 50,
      used: 0,
      remaining: 50,
      period_start: "2026-02-01T00:00:00.000Z",
      period_end: "2026-03-01T00:00:00.000Z",
      semantic_judge: { reviews: 0, input_tokens: 0, output_tokens: 0, monthly_token_budget: null, tokens_remaining: null },
      request_id: response.headers.get("X-Request-Id"),
    });
  });

  it("counts accepted runs, honours the organization's own limit, and never shows negative remaining", async () => {
    const tenant = await seedTenant({ plan: "pro", monthlyRunLimit: 3 });
    await reserveReviewRuns(env, tenant.organizationId, 3);
    const body = await (await call("/v1/usage", { key: tenant.apiKey })).json();
    expect(body).toMatchObject({ plan: "pro", monthly_limit: 3, used: 3, remaining: 0 });
  });

  it("refuses a key without billing:read and names the scope", async () => {
    const tenant = await seedTenant();
    const key = await addKey(tenant, ["review_runs:read", "billing:write"]);
    const body = await expectError(await call("/v1/usage", { key }), 403, "insufficient_scope");
    expect(body.error.message).toContain("billing:read");
  });
});
