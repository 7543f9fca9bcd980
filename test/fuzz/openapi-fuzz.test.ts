import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { call, seedTenant, type Tenant } from "../helpers/harness.ts";
import { SEED_PACKET } from "../helpers/runs.ts";
import { type Components, type JsonSchema, fromSchema, nastyString, rawBody } from "./arbitraries.ts";

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  schema?: JsonSchema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
  security?: Record<string, string[]>[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Components };
}

/** URLs cannot carry lone surrogates; bodies still do (JSON escapes them). */
const wellFormed = (text: string) => text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

const RUNS = Number(env.FUZZ_RUNS ?? "150");
const SEED = Number(env.FUZZ_SEED ?? "20261122");

let countQuery: string | undefined;

/** Rows of every table a request can write, plus R2 objects (artifacts come later from the consumer). */
async function footprint() {
  if (!countQuery) {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('d1_migrations', 'review_artifacts')",
    ).all<{ name: string }>();
    // One row of scalar subqueries: D1 caps the terms of a compound SELECT.
    countQuery = `SELECT ${results.map(({ name }) => `(SELECT COUNT(*) FROM "${name}") AS "${name}"`).join(", ")}`;
  }
  const counts = (await env.DB.prepare(countQuery).first<Record<string, number>>()) ?? {};
  let objects = 0;
  let cursor: string | undefined;
  do {
    const page = await env.SOURCES.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    objects += page.objects.filter((object) => !object.key.includes("/artifacts/")).length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { ...counts, r2_objects: objects };
}

describe("schema-driven fuzzing of every operation", () => {
  let inputs = 0;
  const statuses = new Map<number, number>();
  afterAll(() => {
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(" ");
    console.log(`fuzz: ${inputs} inputs (seed ${SEED}), statuses ${byStatus}`);
  });

  it("never answers 5xx, always answers errors in the envelope, and a rejected request creates nothing", async () => {
    const tenant: Tenant = await seedTenant({ rateLimitPerMinute: 1_000_000 });
    const created = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: SEED_PACKET });
    const realRunId = ((await created.json()) as { review_run: { id: string } }).review_run.id;
    const document = (await (await call("/openapi.json")).json()) as Document;
    const components = document.components.schemas;
    const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
    );
    const sends = [vi.spyOn(env.REVIEW_QUEUE, "send"), vi.spyOn(env.REVIEW_QUEUE, "sendBatch")];
    const queueCalls = () => sends.reduce((sum, spy) => sum + spy.mock.calls.length, 0);

    const requestArb = fc.constantFrom(...operations).chain(({ path, method, operation }) => {
      const pathParams = (operation.parameters ?? []).filter((p) => p.in === "path");
      const queryParams = (operation.parameters ?? []).filter((p) => p.in === "query");
      const jsonSchema = operation.requestBody?.content["application/json"]?.schema;
      const scheme = Object.keys(operation.security?.[0] ?? {})[0];
      return fc.record({
        method: fc.oneof({ weight: 9, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom("PUT", "DELETE", "PATCH") }),
        path: fc
          .tuple(...pathParams.map(() => fc.oneof(fc.constant(realRunId), nastyString)))
          .map((values) => pathParams.reduce((p, param, i) => p.replace(`{${param.name}}`, encodeURIComponent(wellFormed(String(values[i]).slice(0, 2000)))), path)),
        query: fc.tuple(
          ...queryParams.map((param) =>
            fc.option(fc.oneof(param.schema ? fromSchema(param.schema, components) : nastyString, nastyString), { nil: undefined }),
          ),
        ),
        body: operation.requestBody ? fc.option(rawBody(jsonSchema, components), { nil: undefined, freq: 8 }) : fc.constant(undefined),
        contentType: fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "text/csv", "application/x-ndjson", "", "garbage/??"),
        idempotencyKey: fc.option(nastyString.map((s) => s.slice(0, 400)), { nil: undefined, freq: 4 }),
        prefer: fc.option(fc.constantFrom("wait=1", "wait=999", "wait=-1", "respond-async", "wait=abc"), { nil: undefined, freq: 4 }),
        auth: fc.oneof(
          { weight: 8, arbitrary: fc.constant("valid") },
          { weight: 1, arbitrary: fc.constant("none") },
          { weight: 1, arbitrary: nastyString.map((s) => `bogus:${s.slice(0, 300)}`) },
        ),
      }).map((request) => ({ ...request, scheme, queryParams }));
    });

    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        inputs++;
        const headers = new Headers();
        if (request.auth === "valid") {
          if (request.scheme === "ApiKey") headers.set("Authorization", `Bearer ${tenant.apiKey}`);
          if (request.scheme === "AdminToken") headers.set("Authorization", `Bearer ${env.KIVO_ADMIN_TOKEN}`);
          if (request.scheme === "WorkerCredential") headers.set("Authorization", "Bearer kivo_wrk_forged.forged");
        } else if (request.auth !== "none") {
          headers.set("Authorization", `Bearer ${request.auth.slice(6).replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, "?")}`);
        }
        if (request.contentType) headers.set("Content-Type", request.contentType);
        if (request.idempotencyKey !== undefined) headers.set("Idempotency-Key", request.idempotencyKey.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, "?"));
        if (request.prefer) headers.set("Prefer", request.prefer);
        const query = new URLSearchParams();
        request.queryParams.forEach((param, i) => {
          const value = request.query[i];
          if (value !== undefined) query.set(param.name, typeof value === "string" ? value : JSON.stringify(value));
        });
        const url = `${request.path}${query.size > 0 ? `?${query}` : ""}`;
        const withBody = request.method !== "GET" && request.body !== undefined;

        const before = await footprint();
        const queueBefore = queueCalls();
        const response = await call(url, { method: request.method, headers, ...(withBody ? { body: request.body } : {}) });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        const context = `${request.method} ${url.slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`;

        expect(response.status, context).toBeLessThan(500);
        expect(response.headers.get("X-Request-Id"), context).toMatch(/^req_[0-9a-z]{26}$/);
        if (response.status >= 400) {
          const body = JSON.parse(text) as { error: { code: string; message: string }; request_id: string };
          expect(body.error.code, context).toEqual(expect.any(String));
          expect(body.error.message, context).toEqual(expect.any(String));
          expect(body.request_id, context).toBe(response.headers.get("X-Request-Id"));
          expect(await footprint(), context).toEqual(before);
          expect(queueCalls(), context).toBe(queueBefore);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(inputs).toBeGreaterThanOrEqual(RUNS);
  }, 600_000);
});
