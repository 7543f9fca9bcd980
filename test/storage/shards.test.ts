import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { openShards, shardForNewOrganization, shardNames, tenantEnv } from "../../src/db/shards.ts";
import type { Bindings } from "../../src/env.ts";
import { REVIEW_DLQ_NAME } from "../../src/queues/review-consumer.ts";
import { createImport } from "../../src/services/imports/create.ts";
import { createReviewRuns } from "../../src/services/review-runs/create.ts";
import { ReviewRunInputSchema } from "../../src/schemas/review-run-input.ts";
import { placeNewOrganization } from "../../src/services/tenancy/placement.ts";
import { BASE, admin, call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";
import { accepted, postImport, row, runsOfImport, SAMPLE_ROWS, waitForImport, withHeldChunks } from "../helpers/imports.ts";
import { deliver as deliverReviews, message } from "../helpers/review-queue.ts";
import { answered, createRun, SEED_PACKET, waitForRun, type Json } from "../helpers/runs.ts";
import { completedEvent, createRun as createWorkerRun, sendEvent } from "../routes/enterprise-worker/helpers.ts";

afterEach(() => vi.restoreAllMocks());

/** The tables that hold an organization's data, by project. */
const TENANT_TABLES = ["review_runs", "imports", "report_links", "idempotency_keys"] as const;

async function rowsOn(d1: D1Database, tenant: Tenant) {
  const counts: Record<string, number> = {};
  for (const table of TENANT_TABLES) {
    counts[table] = (await d1.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE project_id = ?`).bind(tenant.projectId).first<{ n: number }>())!.n;
  }
  return counts;
}

const NOTHING = Object.fromEntries(TENANT_TABLES.map((table) => [table, 0]));

/** What a client of the organization stores: a reviewed run (sent with an Idempotency-Key), an import, a report link. */
async function populate(tenant: Tenant) {
  const { body: run } = answered(await createRun(tenant, SEED_PACKET, { Prefer: "wait=10", "Idempotency-Key": `shard-${tenant.projectId}` }), 200);
  expect(run.status).toBe("completed");
  const { body: imported } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows: SAMPLE_ROWS } }));
  expect((await waitForImport(tenant, imported.id as string)).status).toBe("completed");
  const link = (await (await call(`/v1/review-runs/${run.id}/report-links`, { method: "POST", key: tenant.apiKey, json: {} })).json()) as Json;
  return { runId: run.id, importId: imported.id as string, linkUrl: link.url as string };
}

/** Every SQL statement sent to `d1` while `work` runs, sessions of it included. */
async function statementsOn(d1: D1Database, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const record = <T extends Pick<D1Database, "prepare">>(target: T) => {
    const prepare = target.prepare.bind(target);
    vi.spyOn(target as Pick<D1Database, "prepare">, "prepare").mockImplementation((sql: string) => {
      seen.push(sql);
      return prepare(sql);
    });
    return target;
  };
  record(d1);
  const withSession = d1.withSession.bind(d1);
  vi.spyOn(d1, "withSession").mockImplementation((start) => record(withSession(start)));
  await work();
  vi.restoreAllMocks();
  return seen;
}

describe("shards", () => {
  it("keeps each organization's runs, imports, links and idempotency records on its own shard, and reads nothing across", async () => {
    const onPrimary = await seedTenant();
    const onShard = await seedTenant({ shard: "DB_SHARD_1" });
    const primaryData = await populate(onPrimary);
    const shardData = await populate(onShard);

    expect(await rowsOn(env.DB, onShard)).toEqual(NOTHING);
    expect(await rowsOn(env.DB_SHARD_1, onPrimary)).toEqual(NOTHING);
    for (const [d1, tenant] of [
      [env.DB, onPrimary],
      [env.DB_SHARD_1, onShard],
    ] as const) {
      expect(await rowsOn(d1, tenant)).toEqual({ review_runs: 1 + SAMPLE_ROWS.length, imports: 1, report_links: 1, idempotency_keys: 1 });
    }
    // The control plane stays on the primary: the shard holds no key and no placement.
    const keys = await env.DB_SHARD_1.prepare("SELECT COUNT(*) AS n FROM api_keys").first<{ n: number }>();
    const placements = await env.DB_SHARD_1.prepare("SELECT COUNT(*) AS n FROM organization_placements").first<{ n: number }>();
    expect({ keys: keys!.n, placements: placements!.n }).toEqual({ keys: 0, placements: 0 });

    // Each organization lists exactly its own runs and cannot open the other's.
    for (const [tenant, own, other] of [
      [onPrimary, primaryData, shardData],
      [onShard, shardData, primaryData],
    ] as const) {
      const listed = (await (await call(`/v1/review-runs?limit=100`, { key: tenant.apiKey })).json()) as Json;
      const ids = (listed.items as Json[]).map((item) => item.id as string);
      const ofImport = (await (await call(`/v1/review-runs?import_id=${own.importId}&limit=100`, { key: tenant.apiKey })).json()) as Json;
      expect(ids.sort()).toEqual([own.runId, ...(ofImport.items as Json[]).map((item) => item.id as string)].sort());
      await expectError(await call(`/v1/review-runs/${other.runId}`, { key: tenant.apiKey }), 404, "not_found");
      await expectError(await call(`/v1/imports/${other.importId}`, { key: tenant.apiKey }), 404, "not_found");
    }

    // The shard's organization is served without a single tenant-table statement on the primary.
    const onPrimaryDb = await statementsOn(env.DB, async () => {
      for (const path of [`/v1/review-runs/${shardData.runId}`, `/v1/review-runs/${shardData.runId}/claims`, "/v1/review-runs", `/v1/imports/${shardData.importId}`]) {
        expect((await call(path, { key: onShard.apiKey })).status).toBe(200);
      }
      expect((await call(shardData.linkUrl.slice(BASE.length), { headers: { Accept: "text/html" } })).status).toBe(200);
    });
    expect(onPrimaryDb.length).toBeGreaterThan(0); // the key, the link's project
    expect(onPrimaryDb.filter((sql) => /\b(review_runs|imports|report_links|idempotency_keys)\b/.test(sql))).toEqual([]);
  });

  it("routes the work that starts without an API key to the shard: the review queue, worker events, report pages", async () => {
    const tenant = await seedTenant({ shard: "DB_SHARD_1" });
    // Imported runs are reviewed by the queue consumer, which finds the shard from the message's project.
    const { body: imported } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows: SAMPLE_ROWS } }));
    await waitForImport(tenant, imported.id as string);
    const runIds = (await runsOfImport(tenant, imported.id as string)).map((run) => run.id as string);
    expect(runIds).toHaveLength(SAMPLE_ROWS.length);
    for (const runId of runIds) expect((await waitForRun(tenant, runId)).status).toBe("completed");

    // An enterprise-worker run's events carry only the run's credential.
    const workerRun = await createWorkerRun(tenant);
    const event = await sendEvent(workerRun.id, workerRun.token, completedEvent());
    expect(event.status).toBe(200);
    const stored = await env.DB_SHARD_1.prepare("SELECT status FROM review_runs WHERE id = ?").bind(workerRun.id).first<{ status: string }>();
    expect(stored?.status).toBe("completed");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM review_runs WHERE id = ?").bind(workerRun.id).first<{ n: number }>()).toEqual({ n: 0 });
  });

  it("runs the cron's sweeps on every shard: retention erases expired runs on the shard that holds them", async () => {
    const tenant = await seedTenant({ plan: "free", shard: "DB_SHARD_1" });
    const { body: run } = answered(await createRun(tenant, SEED_PACKET, { Prefer: "wait=10" }), 200);
    expect(run.status).toBe("completed");
    expect(shardNames(env)).toEqual(["DB", "DB_SHARD_1"]);
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 400 * 24 * 3_600_000, cron: "*/5 * * * *" }), env);
    expect(await rowsOn(env.DB_SHARD_1, tenant)).toEqual(NOTHING);
    expect((await env.SOURCES.list({ prefix: `runs/${tenant.projectId}/` })).objects).toEqual([]);
    await expectError(await call(`/v1/review-runs/${run.id}`, { key: tenant.apiKey }), 404, "not_found");
  });

  it("places new organizations by a stable hash over the shards open for placement", async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const placed = ids.map((id) => shardForNewOrganization(id, ["DB", "DB_SHARD_1"]));
    expect(ids.map((id) => shardForNewOrganization(id, ["DB", "DB_SHARD_1"]))).toEqual(placed);
    const onShard = placed.filter((shard) => shard === "DB_SHARD_1").length;
    expect(onShard).toBeGreaterThan(60);
    expect(onShard).toBeLessThan(140);

    expect(openShards(env)).toEqual(["DB"]);
    expect(() => openShards({ ...env, KIVO_D1_PLACEMENT: "DB,DB_SHARD_7" })).toThrow(/DB_SHARD_7/);

    // With only the second shard open, a new organization lands there, and its runs with it.
    const organization = await admin("/admin/v1/organizations", { name: "Placed by hash", plan: "enterprise" });
    await placeNewOrganization({ ...env, KIVO_D1_PLACEMENT: "DB_SHARD_1" }, organization.id as string);
    const placement = await env.DB.prepare("SELECT shard FROM organization_placements WHERE organization_id = ?").bind(organization.id).first<{ shard: string }>();
    expect(placement?.shard).toBe("DB_SHARD_1");
    const project = await admin("/admin/v1/projects", { organization_id: organization.id, name: "p" });
    const key = await admin("/admin/v1/api-keys", { project_id: project.id, name: "k", environment: "test", scopes: ["review_runs:create", "review_runs:read"] });
    const tenant = { organizationId: organization.id as string, projectId: project.id as string, apiKey: key.secret as string, apiKeyId: key.id as string };
    const { body: run } = answered(await createRun(tenant, SEED_PACKET, { Prefer: "wait=10" }), 200);
    expect(run.status).toBe("completed");
    expect((await rowsOn(env.DB_SHARD_1, tenant)).review_runs).toBe(1);
    expect((await rowsOn(env.DB, tenant)).review_runs).toBe(0);
  });

  it("gives the allowance back on the primary, where it is counted, when a sharded organization's run fails or its import is cancelled", async () => {
    const tenant = await seedTenant({ shard: "DB_SHARD_1" });
    const used = async () => ((await (await call("/v1/usage", { key: tenant.apiKey })).json()) as Json).used as number;
    const owner = { organizationId: tenant.organizationId, projectId: tenant.projectId };
    const onShard = (bindings: Bindings) => ({ ...bindings, ...tenantEnv(bindings, env.DB_SHARD_1) });

    const [run] = await createReviewRuns(onShard(env), owner, [ReviewRunInputSchema.parse(SEED_PACKET)], { captureMethod: "api", enqueue: false });
    expect(await used()).toBe(1);
    // Its retries exhausted, the run fails by Kivo's fault and is not counted.
    await deliverReviews(REVIEW_DLQ_NAME, [message(tenant, run!.id)]);
    expect(await env.DB_SHARD_1.prepare("SELECT status FROM review_runs WHERE id = ?").bind(run!.id).first<{ status: string }>()).toEqual({ status: "failed" });
    expect(await used()).toBe(0);

    // An import reserves all its rows up front; cancelled before any chunk ran, it keeps none.
    const { testEnv } = withHeldChunks();
    const rows = Array.from({ length: 250 }, (_, i) => row(i + 1));
    const created = await createImport(onShard(testEnv), owner, { media_type: "application/json", rows }, "req_test");
    expect(await used()).toBe(250);
    const cancel = await call(`/v1/imports/${created.id}/cancel`, { method: "POST", key: tenant.apiKey });
    expect(cancel.status, await cancel.clone().text()).toBe(200);
    expect(await used()).toBe(0);
    expect(await env.DB_SHARD_1.prepare("SELECT COUNT(*) AS n FROM usage_counters").first<{ n: number }>()).toEqual({ n: 0 });
  });
});
