import { describe, expect, it } from "vitest";
import committed from "../openapi/openapi.json";
import { REFERENCE_UI } from "../src/routes/meta/reference-ui.ts";
import { call } from "./helpers/harness.ts";

type Operation = { security?: Record<string, string[]>[]; responses: Record<string, unknown>; description?: string };

async function served() {
  const response = await call("/openapi.json");
  expect(response.status).toBe(200);
  return (await response.json()) as { openapi: string; paths: Record<string, Record<string, Operation>> };
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and matches the committed openapi/openapi.json (run `npm run openapi` after changing a route)", async () => {
    const document = await served();
    expect(document.openapi).toBe("3.1.0");
    expect(document).toEqual(committed);
  });

  it("documents the scope and the auth errors of every API-key operation", async () => {
    const document = await served();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const scopes = operation.security?.find((s) => "ApiKey" in s)?.ApiKey;
        if (!scopes) continue;
        expect(scopes, `${method} ${path}`).toHaveLength(1);
        expect(operation.description, `${method} ${path}`).toContain(`\`${scopes[0]}\``);
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["401", "403", "500"]));
      }
    }
  });

  it("describes IntendedUse as what drives the gate, not as an import row's default (where it is required, that would mislead)", async () => {
    const document = (await served()) as unknown as { components: { schemas: Record<string, { description?: string }> } };
    expect(document.components.schemas.IntendedUse?.description).toBe("What the caller intends to do with the output; drives the gate policy.");
  });

  it("is served with an interactive reference at /docs that loads only this origin's pinned assets", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    const csp = response.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toMatch(/https?:/);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"(?: integrity="([^"]+)")?><\/script>/g)];
    expect(scripts.map(([, src]) => src)).toEqual([`/docs/${REFERENCE_UI.file}`, "/docs/reference.js"]);
    expect(html).not.toMatch(/https?:\/\//);

    // The bundle is the vendored file, byte for byte what its integrity attribute promises.
    const bundle = await call(scripts[0]![1]!);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(bundle.headers.get("Cache-Control")).toContain("immutable");
    const digest = await crypto.subtle.digest("SHA-384", await bundle.arrayBuffer());
    expect(`sha384-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`).toBe(scripts[0]![2]);
    const start = await call("/docs/reference.js");
    expect(start.status).toBe(200);
    expect(await start.text()).toContain('url: "/openapi.json"');
    // Nothing else in public/ is reachable through /docs.
    expect((await call("/docs/other.js")).status).toBe(404);
  });
});
