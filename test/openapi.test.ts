import { describe, expect, it } from "vitest";
import committed from "../openapi/openapi.json";
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

    it("is served with an interactive reference at /docs", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    expect(await response.text()).toContain("/openapi.json");
  });
});
