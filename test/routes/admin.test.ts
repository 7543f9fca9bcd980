import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { BASE, admin, call, expectError, seedTenant } from "../helpers/harness.ts";

describe("admin API", () => {
  it("does not exist when KIVO_ADMIN_TOKEN is unset", async () => {
    const app = createApp();
    const response = await app.fetch(
      new Request(`${BASE}/admin/v1/organizations`, { headers: { Authorization: "Bearer anything" } }),
      { ...env, KIVO_ADMIN_TOKEN: undefined },
      createExecutionContext(),
    );
    await expectError(response, 404, "not_found");
  });

  it("refuses a wrong or missing admin token", async () => {
    await expectError(await call("/admin/v1/organizations", { key: "wrong" }), 401, "invalid_api_key");
    await expectError(await call("/admin/v1/organizations"), 401, "missing_api_key");
  });

  it("creates a key whose secret is shown once and stored only as a hash", async () => {
    const tenant = await seedTenant({ scopes: ["review_runs:read"] });
    expect(tenant.apiKey).toMatch(/^kivo_test_[0-9A-Za-z]{32}$/);

    const listed = await admin(`/admin/v1/api-keys?project_id=${tenant.projectId}`);
    const items = listed.items as Record<string, unknown>[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: tenant.apiKeyId, display_prefix: tenant.apiKey.slice(0, 14), scopes: ["review_runs:read"] });
    expect(JSON.stringify(listed)).not.toContain(tenant.apiKey);

    const stored = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(tenant.apiKeyId).first();
    expect(JSON.stringify(stored)).not.toContain(tenant.apiKey);
    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("revokes a key so that it stops working at once", async () => {
    const tenant = await seedTenant();
    expect((await call("/v1/review-runs", { key: tenant.apiKey })).status).toBe(200);
    const revoked = await admin(`/admin/v1/api-keys/${tenant.apiKeyId}/revoke`, {});
    expect(revoked.revoked_at).toEqual(expect.any(String));
    await expectError(await call("/v1/review-runs", { key: tenant.apiKey }), 401, "invalid_api_key");
  });

  it("records when a key was last used, at most once a minute", async () => {
    const tenant = await seedTenant();
    const lastUsed = async () =>
      (await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?").bind(tenant.apiKeyId).first<{ last_used_at: string | null }>())
        ?.last_used_at;
    expect(await lastUsed()).toBeNull();
    await call("/v1/review-runs", { key: tenant.apiKey });
    const first = await lastUsed();
    expect(first).toEqual(expect.any(String));
    await call("/v1/review-runs", { key: tenant.apiKey });
    expect(await lastUsed()).toBe(first);
  });

  it("rejects a project for an organization that does not exist", async () => {
    const response = await call("/admin/v1/projects", {
      method: "POST",
      headers: { Authorization: `Bearer ${env.KIVO_ADMIN_TOKEN}` },
      json: { organization_id: crypto.randomUUID(), name: "orphan" },
    });
    const body = await expectError(response, 400, "validation_error");
    expect(body.error.details).toEqual([{ path: "organization_id", message: "No organization has this ID." }]);
  });

  it("pages through organizations with a cursor", async () => {
    for (let i = 0; i < 3; i++) await admin("/admin/v1/organizations", { name: `org ${i}` });
    const first = await admin("/admin/v1/organizations?limit=2");
    expect(first.has_more).toBe(true);
    const second = await admin(`/admin/v1/organizations?limit=2&cursor=${first.next_cursor}`);
    const ids = [...(first.items as { id: string }[]), ...(second.items as { id: string }[])].map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
