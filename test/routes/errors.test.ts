import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { BASE, call, expectError } from "../helpers/harness.ts";

const adminHeaders = { Authorization: `Bearer ${env.KIVO_ADMIN_TOKEN}` };

describe("the error envelope", () => {
  it("answers an unknown route with not_found", async () => {
    await expectError(await call("/v1/nothing-here"), 404, "not_found");
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const response = await call("/v1/review-runs", { method: "DELETE" });
    expect(response.headers.get("Allow")).toContain("GET");
    await expectError(response, 405, "method_not_allowed");
  });

  it("answers a body that is not JSON with invalid_json", async () => {
    const response = await call("/admin/v1/organizations", {
      method: "POST",
      headers: { ...adminHeaders, "Content-Type": "application/json" },
      body: '{"name": "x",',
    });
    await expectError(response, 400, "invalid_json");
  });

  it("answers a wrong content type with unsupported_media_type", async () => {
    const response = await call("/admin/v1/organizations", {
      method: "POST",
      headers: { ...adminHeaders, "Content-Type": "text/plain" },
      body: "name=x",
    });
    await expectError(response, 415, "unsupported_media_type");
  });

  it("lists readable field problems in details", async () => {
    const response = await call("/admin/v1/organizations", {
      method: "POST",
      headers: adminHeaders,
      json: { plan: "platinum", surprise: true },
    });
    const body = await expectError(response, 400, "validation_error");
    const paths = (body.error.details as { path: string; message: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "plan"]));
    expect(JSON.stringify(body.error.details)).toContain("Required.");
  });

  it("refuses an oversized body with payload_too_large before parsing it", async () => {
    const response = await call("/admin/v1/organizations", {
      method: "POST",
      headers: adminHeaders,
      json: { name: "x".repeat(1.5 * 1024 * 1024) },
    });
    await expectError(response, 413, "payload_too_large");
  });

  it("answers a crash with internal_error and no internals in the body", async () => {
    const app = createApp();
    const ctx = createExecutionContext();
    const response = await app.fetch(
      new Request(`${BASE}/v1/review-runs`, { headers: { Authorization: `Bearer kivo_test_${"a".repeat(32)}` } }),
      { ...env, DB: undefined as unknown as D1Database },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const text = await response.clone().text();
    expect(text).not.toMatch(/at |TypeError|\.ts/);
    await expectError(response, 500, "internal_error");
  });
});
