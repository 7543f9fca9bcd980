import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app.ts";
import { BASE, addKey, call, expectError, seedTenant } from "../helpers/harness.ts";
import { issueWorkerCredential } from "../../src/services/enterprise-worker/credentials.ts";
import { createRun, statusEvent } from "../routes/enterprise-worker/helpers.ts";

const SEED_429_MESSAGE = "Too many requests. Retry after the rate-limit window resets.";

function rateLimitHeaders(response: Response) {
  return {
    limit: Number(response.headers.get("RateLimit-Limit")),
    remaining: Number(response.headers.get("RateLimit-Remaining")),
    reset: Number(response.headers.get("RateLimit-Reset")),
    resetAt: response.headers.get("X-RateLimit-Reset"),
  };
}

function expectRateLimitHeaders(response: Response, limit: number) {
  const headers = rateLimitHeaders(response);
  expect(headers.limit).toBe(limit);
  expect(headers.remaining).toBeGreaterThanOrEqual(0);
  expect(headers.remaining).toBeLessThan(limit);
  expect(headers.reset).toBeGreaterThanOrEqual(1);
  expect(headers.reset).toBeLessThanOrEqual(60);
  expect(headers.resetAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  const untilReset = (Date.parse(headers.resetAt!) - Date.now()) / 1000;
  expect(untilReset).toBeGreaterThan(0);
  expect(untilReset).toBeLessThanOrEqual(60);
  return headers;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("per-key rate limits", () => {
  it("put RateLimit-* headers on every authenticated response, errors included", async () => {
    const tenant = await seedTenant({ rateLimitPerMinute: 20 });

    const ok = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(ok.status).toBe(200);
    expect(expectRateLimitHeaders(ok, 20).remaining).toBe(19);

    const invalid = await call("/v1/review-runs?limit=0", { key: tenant.apiKey });
    expectRateLimitHeaders(invalid, 20);
    await expectError(invalid, 400, "validation_error");

    const usage = await call("/v1/usage", { key: tenant.apiKey });
    expect(usage.status).toBe(200);
    expect(expectRateLimitHeaders(usage, 20).remaining).toBe(17);

    const readOnly = await addKey(tenant, ["billing:read"]);
    const forbidden = await call("/v1/review-runs", { key: readOnly });
    expectRateLimitHeaders(forbidden, 3000);
    await expectError(forbidden, 403, "insufficient_scope");
  });

  it("size the window by plan unless the key overrides it", async () => {
    for (const [plan, limit] of [
      ["free", 60],
      ["pro", 600],
      ["enterprise", 3000],
    ] as const) {
      const tenant = await seedTenant({ plan });
      expect(rateLimitHeaders(await call("/v1/usage", { key: tenant.apiKey })).limit).toBe(limit);
    }
    const overridden = await seedTenant({ plan: "free", rateLimitPerMinute: 7 });
    expect(rateLimitHeaders(await call("/v1/usage", { key: overridden.apiKey })).limit).toBe(7);
  });

  it("admit exactly L of N parallel requests", async () => {
    const tenant = await seedTenant({ rateLimitPerMinute: 10 });
    const responses = await Promise.all(Array.from({ length: 40 }, () => call("/v1/review-runs", { key: tenant.apiKey })));

    const admitted = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(30);
    expect(admitted.map((r) => rateLimitHeaders(r).remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const response of refused) expect(rateLimitHeaders(response).remaining).toBe(0);
  });

  it("answer 429 with Retry-After and the documented body, then admit again once the window resets", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-23T10:15:20.000Z"));
    const tenant = await seedTenant({ rateLimitPerMinute: 3 });

    for (let i = 0; i < 3; i++) expect((await call("/v1/review-runs", { key: tenant.apiKey })).status).toBe(200);
    const limited = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(limited.headers.get("Retry-After")).toBe("40");
    expect(rateLimitHeaders(limited)).toEqual({ limit: 3, remaining: 0, reset: 40, resetAt: "2026-11-23T10:16:00.000Z" });
    const body = await expectError(limited, 429, "rate_limited");
    expect(body.error.message).toBe(SEED_429_MESSAGE);

    vi.setSystemTime(new Date("2026-11-23T10:15:59.000Z"));
    await expectError(await call("/v1/review-runs", { key: tenant.apiKey }), 429, "rate_limited");

    vi.setSystemTime(new Date("2026-11-23T10:16:00.000Z"));
    const recovered = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(recovered.status).toBe(200);
    expect(rateLimitHeaders(recovered)).toEqual({ limit: 3, remaining: 2, reset: 60, resetAt: "2026-11-23T10:17:00.000Z" });
  });

  it("keep each key's window to itself", async () => {
    const tenant = await seedTenant({ rateLimitPerMinute: 1 });
    const other = await addKey(tenant, ["review_runs:read"]);
    expect((await call("/v1/review-runs", { key: tenant.apiKey })).status).toBe(200);
    await expectError(await call("/v1/review-runs", { key: tenant.apiKey }), 429, "rate_limited");
    expect((await call("/v1/review-runs", { key: other })).status).toBe(200);
  });

  it("let the request through, without the headers, when the limiter is unreachable, and log it", async () => {
    const tenant = await seedTenant({ rateLimitPerMinute: 1 });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const unreachable = {
      idFromName: env.RATE_LIMITER.idFromName.bind(env.RATE_LIMITER),
      get: () => ({
        hit: () => Promise.reject(new Error("Durable Object is overloaded")),
      }),
    } as unknown as DurableObjectNamespace;

    const app = createApp();
    for (let i = 0; i < 3; i++) {
      const ctx = createExecutionContext();
      const response = await app.fetch(
        new Request(`${BASE}/v1/review-runs`, { headers: { Authorization: `Bearer ${tenant.apiKey}` } }),
        { ...env, RATE_LIMITER: unreachable },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(response.status).toBe(200);
      expect(response.headers.get("RateLimit-Limit")).toBeNull();
    }
    const logged = warn.mock.calls.map(([line]) => JSON.parse(String(line)) as { event: string; limiter: string });
    expect(logged.filter((l) => l.event === "rate_limiter_unavailable")).toHaveLength(3);
    expect(logged[0]).toMatchObject({ event: "rate_limiter_unavailable", limiter: "api_key" });
  });
});

describe("the failed-authentication limiter", () => {
  const fromIp = (ip: string, key: string) => call("/v1/review-runs", { key, headers: { "CF-Connecting-IP": ip } });
  const badKey = `kivo_test_${"B".repeat(32)}`;

  it("answers 429 after 10 failed attempts from one IP, without affecting other IPs or valid keys", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-23T11:00:05.000Z"));
    const tenant = await seedTenant();

    for (let i = 0; i < 10; i++) await expectError(await fromIp("203.0.113.7", badKey), 401, "invalid_api_key");
    const blocked = await fromIp("203.0.113.7", "not-even-a-key");
    expect(blocked.headers.get("Retry-After")).toBe("55");
    const body = await expectError(blocked, 429, "rate_limited");
    expect(body.error.message).toBe(SEED_429_MESSAGE);

    await expectError(await fromIp("198.51.100.20", badKey), 401, "invalid_api_key");
    expect((await fromIp("203.0.113.7", tenant.apiKey)).status).toBe(200);

    vi.setSystemTime(new Date("2026-11-23T11:01:00.000Z"));
    await expectError(await fromIp("203.0.113.7", badKey), 401, "invalid_api_key");
  });

  it("counts expired and revoked worker credentials too, so a stolen old token cannot be replayed without limit", async () => {
    const tenant = await seedTenant();
    const ip = "203.0.113.44";
    const event = (runId: string, token: string) =>
      call(`/v1/private-worker/review-runs/${runId}/events`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": ip },
        json: statusEvent(),
      });
    const revoked = await createRun(tenant);
    await call(`/v1/private-worker/review-runs/${revoked.id}/credential/revoke`, { method: "POST", key: tenant.apiKey, json: {} });
    const expiring = await createRun(tenant);
    const expired = await issueWorkerCredential(env, { reviewRunId: expiring.id, projectId: tenant.projectId }, 60, new Date(Date.now() - 3_600_000));
    for (let i = 0; i < 5; i++) {
      await expectError(await event(revoked.id, revoked.token), 401, "worker_credential_revoked");
      await expectError(await event(expiring.id, expired.token), 401, "worker_credential_expired");
    }
    await expectError(await event(revoked.id, revoked.token), 429, "rate_limited");
    // Counted with API keys in the same window, and a valid credential from the same IP still works.
    await expectError(await fromIp(ip, badKey), 429, "rate_limited");
    const fresh = await createRun(tenant);
    expect((await event(fresh.id, fresh.token)).status).toBeLessThan(300);
  });

  it("does not count requests that carry no key at all", async () => {
    for (let i = 0; i < 15; i++) {
      await expectError(await call("/v1/review-runs", { headers: { "CF-Connecting-IP": "192.0.2.99" } }), 401, "missing_api_key");
    }
  });
});
