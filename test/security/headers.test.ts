import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { BASE, call, seedTenant } from "../helpers/harness.ts";

const withOrigins = (origins: string) => (request: Request) =>
  createApp().fetch(request, { ...env, KIVO_CORS_ORIGINS: origins }, createExecutionContext());

describe("transport and security headers", () => {
  it("marks authenticated answers and errors no-store and nosniff", async () => {
    const tenant = await seedTenant();
    for (const response of [await call("/v1/review-runs", { key: tenant.apiKey }), await call("/v1/review-runs")]) {
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
  });

  it("grants no CORS access by default", async () => {
    const tenant = await seedTenant();
    const response = await call("/v1/review-runs", { key: tenant.apiKey, headers: { Origin: "https://evil.example" } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const preflight = await call("/v1/review-runs", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("allows exactly the origins listed in KIVO_CORS_ORIGINS", async () => {
    const fetchWith = withOrigins("https://app.example.com, https://admin.example.com");
    const preflight = await fetchWith(
      new Request(`${BASE}/v1/review-runs`, {
        method: "OPTIONS",
        headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "POST" },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toContain("Idempotency-Key");

    const other = await fetchWith(new Request(`${BASE}/healthz`, { headers: { Origin: "https://evil.example" } }));
    expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const listed = await fetchWith(new Request(`${BASE}/healthz`, { headers: { Origin: "https://admin.example.com" } }));
    expect(listed.headers.get("Access-Control-Allow-Origin")).toBe("https://admin.example.com");
    expect(listed.headers.get("Access-Control-Expose-Headers")).toContain("X-Request-Id");
  });
});
