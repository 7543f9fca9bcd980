import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess } from "./clients.ts";
import { root } from "./helpers.ts";

// redocly.yaml's rules keep the document usable by client generators. Each is
// shown to fail on the regression it guards against: the committed document
// with all six regressions made at once must fail on exactly these rules.

const RULES = [
  "rule/plain-refs",
  "rule/semver-info-version",
  "rule/date-named-api-version",
  "rule/default-security",
  "rule/relative-server-first",
  "rule/create-links-to-read",
];

type Json = Record<string, any>;

/** The first schema property holding `{$ref, description}`, wrapped back into `allOf` as zod-openapi used to emit it. */
function wrapOneRef(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(wrapOneRef);
  if (typeof node !== "object" || node === null) return false;
  for (const [key, value] of Object.entries(node as Json)) {
    if (typeof value === "object" && value !== null && "$ref" in value && "description" in value) {
      (node as Json)[key] = { allOf: [{ $ref: value.$ref }, { description: value.description }] };
      return true;
    }
    if (wrapOneRef(value)) return true;
  }
  return false;
}

describe("redocly.yaml", () => {
  it("fails the lint on each generator-hostile regression", async () => {
    const document = JSON.parse(readFileSync(join(root, "openapi/openapi.json"), "utf8")) as Json;
    expect(wrapOneRef(document.components.schemas)).toBe(true);
    document.info.version = document.info["x-kivo-version"];
    delete document.info["x-kivo-version"];
    delete document.security;
    document.servers = document.servers.filter((server: Json) => server.url !== "/");
    delete document.paths["/v1/imports"].post.responses["202"].links;

    const dir = mkdtempSync(join(tmpdir(), "kivo-lint-"));
    try {
      const file = join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(document));
      const lint = await runProcess(join(root, "node_modules/.bin/redocly"), ["lint", file, "--config", join(root, "redocly.yaml"), "--format=stylish"], {
        REDOCLY_TELEMETRY: "off",
      });
      expect(lint.code).not.toBe(0);
      const failed = new Set([...lint.stdout.matchAll(/error\s+(rule\/[a-z-]+)/g)].map(([, rule]) => rule));
      expect([...failed].sort()).toEqual([...RULES].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
