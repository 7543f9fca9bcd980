import { describe, expect, it } from "vitest";
import { SCOPES } from "../../src/services/tenancy/scopes.ts";
import { addKey, call, expectError, revokeKey, seedTenant } from "../helpers/harness.ts";
import { PROTECTED_ROUTES, type ProtectedRoute } from "./protected-routes.ts";

const send = (route: ProtectedRoute, path: string, key: string | undefined, json?: unknown) =>
  call(path, { method: route.method, ...(key ? { key } : {}), ...(route.method === "POST" || route.method === "PATCH" ? { json: json ?? {} } : {}) });

describe("every protected route", () => {
  it("is registered in the security suite", async () => {
    const document = (await (await call("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, op]) => op.security?.some((s) => "ApiKey" in s))
        .map(([method, op]) => `${method.toUpperCase()} ${path} ${op.security?.flatMap((s) => s.ApiKey ?? []).join("|")}`),
    );
    const registered = PROTECTED_ROUTES.map((r) => `${r.method} ${r.template} ${[r.scope, ...(r.alsoAccepted ?? [])].join("|")}`);
    expect(registered.sort()).toEqual(documented.sort());
  });

  describe.each(PROTECTED_ROUTES.map((route) => [`${route.method} ${route.template}`, route] as const))("%s", (_name, route) => {
    it("refuses a missing, malformed, unknown or revoked key", async () => {
      const tenant = await seedTenant();
      const { path, json } = await route.request(tenant);
      await expectError(await send(route, path, undefined, json), 401, "missing_api_key");
      await expectError(await send(route, path, "not-a-kivo-key", json), 401, "invalid_api_key");
      await expectError(await send(route, path, `kivo_live_${"A".repeat(32)}`, json), 401, "invalid_api_key");
      await revokeKey(tenant.apiKeyId);
      await expectError(await send(route, path, tenant.apiKey, json), 401, "invalid_api_key");
    });

    const accepted = [route.scope, ...(route.alsoAccepted ?? [])];
    it(`refuses a key without ${accepted.join(" or ")} and names the scope`, async () => {
      const tenant = await seedTenant();
      const { path, json } = await route.request(tenant);
      const key = await addKey(tenant, SCOPES.filter((scope) => !accepted.includes(scope)));
      const body = await expectError(await send(route, path, key, json), 403, "insufficient_scope");
      for (const scope of accepted) expect(body.error.message).toContain(scope);
    });

    // Single-scope routes are exercised with their scope by their own tests; alternatives are checked here.
    for (const scope of route.alsoAccepted ? accepted : []) {
      it(`accepts a key with only ${scope}`, async () => {
        const tenant = await seedTenant();
        const { path, json } = await (route.requestFor?.(tenant, scope) ?? route.request(tenant));
        const response = await send(route, path, await addKey(tenant, [scope]), json);
        expect(response.status).toBeLessThan(400);
      });
    }

    if (route.missingResource) {
      const missingResource = route.missingResource;
      it("answers another project's resource exactly like a missing one", async () => {
        const owner = await seedTenant();
        const stranger = await seedTenant();
        const { path, json } = await route.request(owner);
        const missing = missingResource(stranger);
        const foreign = await send(route, path, stranger.apiKey, json);
        const absent = await send(route, missing.path, stranger.apiKey, missing.json ?? json);
        const a = await expectError(foreign, 404, "not_found");
        const b = await expectError(absent, 404, "not_found");
        expect(a.error).toEqual(b.error);
      });
    }
  });
});
