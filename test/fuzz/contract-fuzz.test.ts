import { env } from "cloudflare:workers";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { call, seedTenant, type Tenant } from "../helpers/harness.ts";
import { createRun, readRun } from "../routes/enterprise-worker/helpers.ts";
import { type ContractSchema, validFromSchema } from "./arbitraries.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

const RUNS = Number(env.FUZZ_RUNS ?? "150");
const SEED = Number(env.FUZZ_SEED ?? "20261122");

interface Parameter {
  $ref?: string;
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: ContractSchema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: ContractSchema }> };
  security?: Record<string, string[]>[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, ContractSchema>; parameters?: Record<string, Parameter> };
}

/**
 * Rules the document states in prose because JSON Schema cannot compare one
 * value with another or read a file inside a string: a request refused only
 * for these still keeps the contract. Each names the operation, the path the
 * refusal names, and where the document says so.
 */
const DESCRIBED_ONLY: { operation: string; path: RegExp; message?: RegExp; where: string }[] = [
  { operation: "POST /v1/imports", path: /^data$/, where: "data: the file itself, read as media_type says" },
  { operation: "POST /v1/private-worker/review-runs", path: /^source_count$/, where: "source_count: must equal the number of source_hashes" },
  { operation: "POST /v1/private-worker/review-runs/{reviewRunId}/events", path: /^unsupported_claim_count$/, where: "WorkerEventBody: cannot exceed claim_count" },
  ...["POST /v1/webhook-endpoints", "PATCH /v1/webhook-endpoints/{endpointId}"].map((operation) => ({
    operation,
    path: /^url$/,
    message: /public host|local one|private, loopback/,
    where: "url: on a public host, not a private, loopback or link-local address",
  })),
  { operation: "POST /v1/webhook-endpoints", path: /^url$/, message: /Delete an endpoint/, where: "a project has at most 20 endpoints" },
];

/**
 * Body fields that name another resource: a schema can say what an ID looks
 * like, not that it exists, so the request names the tenant's own.
 */
interface Known {
  tenant: Tenant;
  workerRun: { id: string; details: Record<string, unknown> };
}
const REFERENCES: Record<string, Record<string, (known: Known) => unknown>> = {
  "POST /admin/v1/projects": { organization_id: ({ tenant }) => tenant.organizationId },
  "POST /admin/v1/api-keys": { project_id: ({ tenant }) => tenant.projectId },
  "POST /v1/private-worker/review-runs/{reviewRunId}/events": {
    review_run_id: ({ workerRun }) => workerRun.id,
    customer_run_id: ({ workerRun }) => workerRun.details.customer_run_id,
    source_hashes: ({ workerRun }) => workerRun.details.source_hashes,
    output_hash: ({ workerRun }) => workerRun.details.output_hash,
  },
};

// Operations that reach Stripe, or take a signature over the raw body, are checked by their own tests.
const SKIPPED = /^\/v1\/billing\//;

describe("the published contract", () => {
  const statuses = new Map<number, number>();
  afterAll(() => {
    vi.restoreAllMocks();
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}:${n}`).join(" ");
    console.log(`contract fuzz: statuses ${byStatus}`);
  });

  it("never refuses a request that is valid against the document's schema with validation_error", async () => {
    // Endpoints the fuzzer creates get deliveries as its runs finish: they are answered here, not on the network.
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("ok"));
    const tenant = await seedTenant({ plan: "enterprise", monthlyRunLimit: 1_000_000, rateLimitPerMinute: 1_000_000 });
    const created = await createRun(tenant);
    const workerRun = { ...created, details: (await readRun(tenant, created.id)).private_worker as Record<string, unknown> };
    const document = (await (await call("/openapi.json")).json()) as Document;
    const components = document.components.schemas;
    // Each schema is validated where it sits in the document, so its references resolve as a client's would.
    const pointer = (...parts: string[]) => `kivo#/${parts.map((part) => part.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
    /** An operation's parameters, shared ones resolved, each with the pointer of its schema in the document. */
    const parametersOf = (path: string, method: string, operation: Operation) =>
      (operation.parameters ?? []).map((parameter, i) => {
        if (!parameter.$ref) return { parameter, schemaAt: pointer("paths", path, method.toLowerCase(), "parameters", String(i), "schema") };
        const name = parameter.$ref.split("/").pop()!;
        return { parameter: document.components.parameters![name]!, schemaAt: pointer("components", "parameters", name, "schema") };
      });
    const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema(document as object, "kivo");

    const operations = Object.entries(document.paths)
      .filter(([path]) => !SKIPPED.test(path))
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })))
      .filter(({ operation }) => operation.requestBody?.content["application/json"] || (operation.parameters ?? []).some((p) => p.$ref || p.in !== "path"));

    const validatorAt = (ref: string) => {
      const validate = ajv.getSchema(ref);
      if (!validate) throw new Error(`no schema at ${ref}`);
      return validate;
    };

    const requestArb = fc.nat({ max: operations.length - 1 }).chain((index) => {
      const { path, method, operation } = operations[index]!;
      const parameters = parametersOf(path, method, operation).map(({ parameter }) => parameter);
      const bodySchema = operation.requestBody?.content["application/json"]?.schema;
      const optional = (parameter: Parameter) => {
        const value = validFromSchema(parameter.schema ?? { type: "string" }, components);
        return parameter.required || parameter.in === "path" ? value : fc.option(value, { nil: undefined });
      };
      return fc.record({
        index: fc.constant(index),
        params: fc.tuple(...parameters.map(optional)),
        body: bodySchema ? validFromSchema(bodySchema, components) : fc.constant(undefined),
      });
    });

    let sent = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ index, params, body }) => {
        const { path, method, operation } = operations[index]!;
        const located = parametersOf(path, method, operation);
        const parameters = located.map(({ parameter }) => parameter);
        const bodySchema = operation.requestBody?.content["application/json"]?.schema;
        const at = method.toLowerCase();
        // The generator aims at the schema; the validator has the last word on what the document accepts.
        if (bodySchema) fc.pre(validatorAt(pointer("paths", path, at, "requestBody", "content", "application/json", "schema"))(body) as boolean);
        for (const [i, parameter] of parameters.entries()) {
          if (params[i] !== undefined && parameter.schema) fc.pre(validatorAt(located[i]!.schemaAt)(params[i]) as boolean);
          // HTTP header values are visible ASCII; that is HTTP's rule, not the document's.
          if (parameter.in === "header" && params[i] !== undefined) fc.pre(/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(String(params[i])));
        }

        const scheme = Object.keys(operation.security?.[0] ?? {})[0];
        const headers = new Headers({ "Content-Type": "application/json" });
        if (scheme === "ApiKey") headers.set("Authorization", `Bearer ${tenant.apiKey}`);
        if (scheme === "AdminToken") headers.set("Authorization", `Bearer ${env.KIVO_ADMIN_TOKEN}`);
        if (scheme === "WorkerCredential") headers.set("Authorization", `Bearer ${workerRun.token}`);
        let url = path;
        const query = new URLSearchParams();
        for (const [i, parameter] of parameters.entries()) {
          const value = params[i];
          if (parameter.in === "path") {
            // A worker credential is bound to its run; other IDs may be anything the schema allows.
            const id = scheme === "WorkerCredential" ? workerRun.id : String(value ?? "x");
            url = url.replace(`{${parameter.name}}`, encodeURIComponent(id));
          } else if (value !== undefined) {
            const text = typeof value === "string" ? value : JSON.stringify(value);
            if (parameter.in === "query") query.set(parameter.name, text);
            else headers.set(parameter.name, text);
          }
        }
        if (query.size > 0) url = `${url}?${query}`;

        if (body && typeof body === "object" && !Array.isArray(body)) {
          for (const [field, id] of Object.entries(REFERENCES[`${method} ${path}`] ?? {})) {
            if (field in body) (body as Record<string, unknown>)[field] = id({ tenant, workerRun });
          }
        }
        sent++;
        const response = await call(url, { method, headers, ...(body !== undefined && method !== "GET" ? { body: JSON.stringify(body) } : {}) });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = await response.text();
        const context = `${method} ${url.slice(0, 200)} ${JSON.stringify(body)?.slice(0, 400)} → ${response.status} ${text.slice(0, 400)}`;
        expect(response.status, context).toBeLessThan(500);
        if (response.status !== 400) return;
        const refusal = JSON.parse(text) as { error: { code: string; details?: { path: string; message: string }[] } };
        if (refusal.error.code !== "validation_error") return;
        const operationName = `${method} ${path}`;
        const unexplained = (refusal.error.details ?? [{ path: "(none)", message: "" }]).filter(
          (detail) =>
            !DESCRIBED_ONLY.some(
              (rule) => rule.operation === operationName && rule.path.test(detail.path) && (!rule.message || rule.message.test(detail.message)),
            ),
        );
        expect(unexplained, context).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(sent).toBeGreaterThan(RUNS / 2);
    // Deliveries still queued for the endpoints it made go nowhere once the test lets go of fetch.
    await env.DB.prepare("UPDATE webhook_endpoints SET enabled = 0 WHERE project_id = ?").bind(tenant.projectId).run();
  }, 600_000);
});
