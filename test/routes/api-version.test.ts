import { describe, expect, it } from "vitest";
import { API_VERSIONS, LATEST_API_VERSION } from "../../src/api-versions.ts";
import { ERRORS } from "../../src/errors.ts";
import { apiVersionHeaders } from "../../src/middleware/api-version.ts";
import { BASE, call, expectError, seedTenant } from "../helpers/harness.ts";

describe("Kivo-Version", () => {
  it("serves the latest version when the header is absent, and says so on success and error answers alike", async () => {
    const tenant = await seedTenant();
    const listed = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(listed.status).toBe(200);
    expect(listed.headers.get("Kivo-Version")).toBe(LATEST_API_VERSION);
    const missing = await call("/v1/review-runs/run_missing", { key: tenant.apiKey });
    await expectError(missing, 404, "not_found");
    expect(missing.headers.get("Kivo-Version")).toBe(LATEST_API_VERSION);
  });

  it("echoes every version it serves", async () => {
    const tenant = await seedTenant();
    for (const { version } of API_VERSIONS) {
      const response = await call("/v1/review-runs", { key: tenant.apiKey, headers: { "Kivo-Version": version } });
      expect(response.status).toBe(200);
      expect(response.headers.get("Kivo-Version")).toBe(version);
    }
  });

  it("refuses an unknown version with 400 unsupported_api_version naming the supported ones, before authentication", async () => {
    for (const asked of ["2019-01-01", "latest", "v2"]) {
      const response = await call("/v1/review-runs", { headers: { "Kivo-Version": asked } });
      const body = await expectError(response, 400, "unsupported_api_version");
      expect(body.error.message).toContain(JSON.stringify(asked));
      expect(body.error.message).toContain(LATEST_API_VERSION);
      expect(body.error.details).toEqual([
        { path: "Kivo-Version", message: "Unknown API version.", supported: API_VERSIONS.map((entry) => entry.version) },
      ]);
    }
  });

  it("announces a deprecated version's Deprecation and Sunset dates (RFC 9745, RFC 8594)", () => {
    expect(apiVersionHeaders({ version: "2026-11-22", summary: "", deprecatedAt: "2027-03-01", sunsetAt: "2027-09-01" })).toEqual({
      "Kivo-Version": "2026-11-22",
      Deprecation: `@${Date.UTC(2027, 2, 1) / 1000}`,
      Sunset: "Wed, 01 Sep 2027 00:00:00 GMT",
    });
    expect(apiVersionHeaders({ version: "2026-11-22", summary: "" })).toEqual({ "Kivo-Version": "2026-11-22" });
  });
});

describe("the error catalogue", () => {
  it("has an entry for every error code, with its status, meaning and fix, where doc_url points", async () => {
    const missing = await call("/v1/nothing-here");
    const { error } = await expectError(missing, 404, "not_found");
    const [page, anchor] = error.doc_url.split("#");
    expect(page).toBe(`${BASE}/docs/errors`);
    expect(anchor).toBe("not_found");

    const response = await call("/docs/errors");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Security-Policy")).toMatch(/^default-src 'none'; style-src 'sha256-/);
    const html = await response.text();
    for (const [code, entry] of Object.entries(ERRORS)) {
      const section = new RegExp(`<section id="${code}">([\\s\\S]*?)</section>`).exec(html)?.[1];
      expect(section, code).toBeDefined();
      expect(section).toContain(`HTTP ${entry.status}`);
      const text = section!.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
      expect(text).toContain(entry.message);
      expect(text).toContain(entry.fix.replace(/`/g, ""));
    }
  });
});
