import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RAW_CONTENT_FIELDS } from "../../src/lib/metadata-boundary.ts";
import { call, seedTenant } from "../helpers/harness.ts";
import { completedEvent, createBody, createRun, sendEvent } from "../routes/enterprise-worker/helpers.ts";
import { buried, disguisedCredential, disguisedName } from "./arbitraries.ts";

const RUNS = Number(env.FUZZ_RUNS ?? "150");
const SEED = Number(env.FUZZ_SEED ?? "20261122");

/** Rows the Enterprise Worker endpoints can write. */
const footprint = () =>
  env.DB.prepare(
    "SELECT (SELECT COUNT(*) FROM review_runs) AS runs, (SELECT COUNT(*) FROM private_worker_runs) AS details, (SELECT COUNT(*) FROM private_worker_events) AS events, (SELECT COUNT(*) FROM idempotency_keys) AS keys, (SELECT group_concat(credential_id) FROM private_worker_runs) AS credentials",
  ).first();

describe("the metadata-only boundary under disguise", () => {
  it("refuses a raw-content field however it is spelled and wherever it is buried, and writes nothing", async () => {
    const tenant = await seedTenant({ rateLimitPerMinute: 1_000_000 });
    const run = await createRun(tenant);
    const base = await createBody();
    const arb = fc.record({
      endpoint: fc.constantFrom("create", "rotate", "event"),
      name: disguisedName(RAW_CONTENT_FIELDS),
      inMetadata: fc.boolean(),
    }).chain(({ endpoint, name, inMetadata }) => buried(name, "raw text that must stay home").map((value) => ({ endpoint, name, inMetadata, value })));

    await fc.assert(
      fc.asyncProperty(arb, async ({ endpoint, name, inMetadata, value }) => {
        const before = await footprint();
        const extra = inMetadata ? { metadata: { team: "support", nested: value } } : { wrapper: value };
        const response =
          endpoint === "create"
            ? await call("/v1/private-worker/review-runs", { method: "POST", key: tenant.apiKey, json: { ...base, ...extra } })
            : endpoint === "rotate"
              ? await call(`/v1/private-worker/review-runs/${run.id}/credential/rotate`, { method: "POST", key: tenant.apiKey, json: extra })
              : await sendEvent(run.id, run.token, { ...completedEvent(), ...extra });
        const body = (await response.json()) as { error?: { code: string } };
        const context = `${endpoint} ${JSON.stringify(name)} ${JSON.stringify(extra).slice(0, 200)}`;
        expect(response.status, context).toBe(422);
        expect(body.error?.code, context).toBe("raw_content_rejected");
        expect(await footprint(), context).toEqual(before);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);

  it("refuses a credential in metadata or any stored ID or label, invisible characters and all, and creates nothing", async () => {
    const tenant = await seedTenant({ rateLimitPerMinute: 1_000_000 });
    const base = await createBody();
    const field = fc.constantFrom("metadata", "customer_run_id", "workflow_id", "workflow_name", "title", "worker_id", "worker_version", "policy_version", "storage_pointers");
    await fc.assert(
      fc.asyncProperty(field, disguisedCredential, async (where, secret) => {
        const before = await footprint();
        const value = where === "metadata" ? { note: secret } : where === "storage_pointers" ? [secret] : secret;
        const response = await call("/v1/private-worker/review-runs", { method: "POST", key: tenant.apiKey, json: { ...base, [where]: value } });
        const body = (await response.json()) as { error?: { code: string } };
        const context = `${where} ${JSON.stringify(secret)}`;
        expect(response.status, context).toBe(400);
        expect(body.error?.code, context).toBe("validation_error");
        expect(await footprint(), context).toEqual(before);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
