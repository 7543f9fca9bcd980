import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../src/errors.ts";
import { allowancePeriod, reserveReviewRuns } from "../../src/services/billing/allowance.ts";
import { call, seedTenant } from "../helpers/harness.ts";

async function usage(key: string) {
  const response = await call("/v1/usage", { key });
  expect(response.status).toBe(200);
  return (await response.json()) as { plan: string; monthly_limit: number; used: number; remaining: number; period_start: string; period_end: string };
}

async function refusal(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).code).toBe("usage_limit_exceeded");
  expect((error as ApiError).status).toBe(402);
  return error as ApiError;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the monthly allowance", () => {
  it("admits exactly the runs left when 100 reservations race for the last 10", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 25 });
    await reserveReviewRuns(env, tenant.organizationId, 15);

    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () => reserveReviewRuns(env, tenant.organizationId, 1)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(90);
    for (const r of refused) expect((r.reason as ApiError).code).toBe("usage_limit_exceeded");

    expect(await usage(tenant.apiKey)).toMatchObject({ monthly_limit: 25, used: 25, remaining: 0 });
  });

  it("refuses a request that would pass the limit as a whole, and counts none of it", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 10 });
    await reserveReviewRuns(env, tenant.organizationId, 8);

    const error = await refusal(reserveReviewRuns(env, tenant.organizationId, 3));
    expect(error.message).toContain("2 of 10 remain");
    expect(error.message).toContain("Nothing was created");
    expect((await usage(tenant.apiKey)).used).toBe(8);

    await reserveReviewRuns(env, tenant.organizationId, 2);
    expect(await usage(tenant.apiKey)).toMatchObject({ used: 10, remaining: 0 });
    expect((await refusal(reserveReviewRuns(env, tenant.organizationId, 1))).message).toContain("0 of 10 remain");
    // Larger than the whole allowance: the message still counts what is left, not the plan's limit.
    expect((await refusal(reserveReviewRuns(env, tenant.organizationId, 11))).message).toContain("0 of 10 remain");
  });

  it("gives released runs back once, however often release is called", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 5 });
    const kept = await reserveReviewRuns(env, tenant.organizationId, 2);
    const failed = await reserveReviewRuns(env, tenant.organizationId, 3);
    await refusal(reserveReviewRuns(env, tenant.organizationId, 1));

    await failed.release();
    await failed.release();
    expect(await usage(tenant.apiKey)).toMatchObject({ used: 2, remaining: 3 });
    // The runs still counted are exactly the other reservation's.
    await kept.release();
    expect(await usage(tenant.apiKey)).toMatchObject({ used: 0, remaining: 5 });
  });

  it("uses the plan's default of 50 runs for a free organization", async () => {
    const tenant = await seedTenant({ plan: "free" });
    await reserveReviewRuns(env, tenant.organizationId, 50);
    await refusal(reserveReviewRuns(env, tenant.organizationId, 1));
    expect(await usage(tenant.apiKey)).toMatchObject({ plan: "free", monthly_limit: 50, used: 50, remaining: 0 });
  });

  it("starts afresh with each calendar month (UTC)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-30T23:59:59.000Z"));
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 2 });
    await reserveReviewRuns(env, tenant.organizationId, 2);
    await refusal(reserveReviewRuns(env, tenant.organizationId, 1));
    expect(await usage(tenant.apiKey)).toMatchObject({
      used: 2,
      period_start: "2026-11-01T00:00:00.000Z",
      period_end: "2026-12-01T00:00:00.000Z",
    });

    vi.setSystemTime(new Date("2026-12-01T00:00:00.000Z"));
    await reserveReviewRuns(env, tenant.organizationId, 1);
    expect(await usage(tenant.apiKey)).toMatchObject({
      used: 1,
      remaining: 1,
      period_start: "2026-12-01T00:00:00.000Z",
      period_end: "2027-01-01T00:00:00.000Z",
    });
  });
});

describe("allowance periods", () => {
  const billing = { start: "2026-01-31T09:30:00.000Z", end: "2026-02-28T09:30:00.000Z" };

  it("follow the Stripe billing period while it is current", () => {
    expect(allowancePeriod(new Date("2026-02-10T00:00:00.000Z"), billing)).toEqual(billing);
  });

  it("carry an ended billing period forward on its anchor day until the renewal arrives", () => {
    expect(allowancePeriod(new Date("2026-03-15T00:00:00.000Z"), billing)).toEqual({
      start: "2026-02-28T09:30:00.000Z",
      end: "2026-03-31T09:30:00.000Z",
    });
    expect(allowancePeriod(new Date("2026-04-02T00:00:00.000Z"), billing)).toEqual({
      start: "2026-03-31T09:30:00.000Z",
      end: "2026-04-30T09:30:00.000Z",
    });
  });

  it("fall back to the calendar month without a subscription, or for a yearly one", () => {
    const now = new Date("2026-07-04T12:00:00.000Z");
    const month = { start: "2026-07-01T00:00:00.000Z", end: "2026-08-01T00:00:00.000Z" };
    expect(allowancePeriod(now, null)).toEqual(month);
    expect(allowancePeriod(now, { start: "2026-01-01T00:00:00.000Z", end: "2027-01-01T00:00:00.000Z" })).toEqual(month);
  });
});
