import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { placeOrganization } from "../../src/services/tenancy/placement.ts";
import { SCOPES, type Scope } from "../../src/services/tenancy/scopes.ts";

export const BASE = "http://kivo.test";

export interface Tenant {
  organizationId: string;
  projectId: string;
  apiKey: string;
  apiKeyId: string;
}

/** Sends a request through the Worker's own fetch handler (real bindings). */
export function call(path: string, init: RequestInit & { key?: string; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key) headers.set("Authorization", `Bearer ${init.key}`);
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  return exports.default.fetch(new Request(`${BASE}${path}`, { ...init, headers, body }));
}

export async function admin(path: string, json?: unknown, method = json === undefined ? "GET" : "POST") {
  const response = await call(path, {
    method,
    json,
    headers: { Authorization: `Bearer ${env.KIVO_ADMIN_TOKEN}` },
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`admin ${path} failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** A fresh organization, project and key, created through the admin API. */
export async function seedTenant(
  options: { scopes?: Scope[]; plan?: "free" | "pro" | "enterprise"; monthlyRunLimit?: number; rateLimitPerMinute?: number; shard?: string } = {},
): Promise<Tenant> {
  const organization = await admin("/admin/v1/organizations", {
    name: "Test organization",
    plan: options.plan ?? "enterprise",
    ...(options.monthlyRunLimit !== undefined ? { monthly_run_limit: options.monthlyRunLimit } : {}),
  });
  // Placed by hand before it has a project, as an operator places an organization (docs/scale.md).
  if (options.shard) await placeOrganization(env, organization.id as string, options.shard);
  const project = await admin("/admin/v1/projects", { organization_id: organization.id, name: "Test project" });
  const key = await admin("/admin/v1/api-keys", {
    project_id: project.id,
    name: "test key",
    environment: "test",
    scopes: options.scopes ?? [...SCOPES],
    ...(options.rateLimitPerMinute !== undefined ? { rate_limit_per_minute: options.rateLimitPerMinute } : {}),
  });
  return {
    organizationId: organization.id as string,
    projectId: project.id as string,
    apiKey: key.secret as string,
    apiKeyId: key.id as string,
  };
}

export async function addKey(tenant: Tenant, scopes: Scope[]): Promise<string> {
  const key = await admin("/admin/v1/api-keys", { project_id: tenant.projectId, name: "extra", environment: "test", scopes });
  return key.secret as string;
}

export async function revokeKey(keyId: string): Promise<void> {
  await admin(`/admin/v1/api-keys/${keyId}/revoke`, {});
}

/** Asserts the documented error envelope, its link to the error catalogue, the request ID in body and header, and returns the body. */
export async function expectError(response: Response, status: number, code: string) {
  const body = (await response.json()) as { error: { code: string; message: string; details?: unknown[]; doc_url: string }; request_id: string };
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.doc_url).toBe(`${BASE}/docs/errors#${code}`);
  expect(body.request_id).toMatch(/^req_[0-9a-z]{26}$/);
  expect(response.headers.get("X-Request-Id")).toBe(body.request_id);
  return body;
}
