import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { IMPORT_DLQ_NAME, IMPORT_QUEUE_NAME } from "../../src/queues/import-consumer.ts";
import { readUsage } from "../../src/services/billing/allowance.ts";
import { importChunkKey, importRunId } from "../../src/services/imports/store.ts";
import { cancelImport } from "../../src/services/imports/cancel.ts";
import { createImport } from "../../src/services/imports/create.ts";
import { call, seedTenant, type Tenant } from "../helpers/harness.ts";
import { deliver, row, storedState, withHeldChunks } from "../helpers/imports.ts";
import { type Json, waitForRun } from "../helpers/runs.ts";
import { onPrimary } from "../helpers/tenant-env.ts";

async function readImport(tenant: Tenant, importId: string): Promise<Json> {
  return (await (await call(`/v1/imports/${importId}`, { key: tenant.apiKey })).json()) as Json;
}

async function runCount(importId: string): Promise<number> {
  const result = await env.DB.prepare("SELECT COUNT(*) AS n FROM review_runs WHERE import_id = ?").bind(importId).first<{ n: number }>();
  return result?.n ?? 0;
}

const owner = (tenant: Tenant) => ({ organizationId: tenant.organizationId, projectId: tenant.projectId });
const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i + 1));

afterEach(() => vi.restoreAllMocks());

describe("an asynchronous import", () => {
  it("resumes after a crash part-way through a chunk, and duplicate deliveries create no duplicate runs", async () => {
    const tenant = await seedTenant();
    const { testEnv, held } = withHeldChunks();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(250) }, "req_test");
    expect(created).toMatchObject({ status: "queued", accepted_count: 250, review_run_ids: [] });
    expect(held.map((m) => m.chunk)).toEqual([1, 2, 3]);
    const [first, second, third] = held;

    expect((await deliver(testEnv, IMPORT_QUEUE_NAME, [first])).explicitAcks).toHaveLength(1);
    expect(await readImport(tenant, created.id)).toMatchObject({ status: "processing" });
    expect(await runCount(created.id)).toBe(100);
    // The ack was lost and chunk 1 arrives again: nothing new.
    await deliver(testEnv, IMPORT_QUEUE_NAME, [first], 2);
    expect(await runCount(created.id)).toBe(100);

    // Chunk 2 dies after two of its five D1 batches were written.
    const realBatch = env.DB.batch.bind(env.DB);
    let batches = 0;
    vi.spyOn(env.DB, "batch").mockImplementation(async (statements) => {
      if (++batches === 3) throw new Error("D1 went away");
      return realBatch(statements);
    });
    const crashed = await deliver(testEnv, IMPORT_QUEUE_NAME, [second]);
    expect(crashed.retryMessages).toHaveLength(1);
    expect(await runCount(created.id)).toBe(140);
    const during = await readImport(tenant, created.id);
    expect(during).toMatchObject({ status: "processing" });
    expect(during.review_run_ids).toHaveLength(140);
    vi.restoreAllMocks();

    await deliver(testEnv, IMPORT_QUEUE_NAME, [second], 2);
    expect(await runCount(created.id)).toBe(200);
    await deliver(testEnv, IMPORT_QUEUE_NAME, [third]);
    await deliver(testEnv, IMPORT_QUEUE_NAME, [third, second, first], 2);

    const done = await readImport(tenant, created.id);
    expect(done).toMatchObject({ status: "completed", accepted_count: 250 });
    const expected = await Promise.all(Array.from({ length: 250 }, (_, i) => importRunId(created.id, i + 1)));
    expect(done.review_run_ids).toEqual(expected);
    expect(await runCount(created.id)).toBe(250);
    const sources = await env.DB.prepare(
      "SELECT SUM(json_array_length(sources)) AS n FROM review_runs WHERE import_id = ?",
    )
      .bind(created.id)
      .first<{ n: number }>();
    expect(sources?.n).toBe(250);
    // A run written just before the crash got its review message on the retry.
    const crashWindowRun = await waitForRun(tenant, expected[120]!);
    expect(crashWindowRun).toMatchObject({ status: "completed", external_id: "row-121", import_id: created.id });
    expect(await env.SOURCES.get(importChunkKey(tenant.projectId, created.id, 1))).toBeNull();
    expect((await env.SOURCES.list({ prefix: `imports/${tenant.projectId}/${created.id}/` })).objects).toEqual([]);
  });

  it("fails closed when a chunk's staged rows are gone, keeping the runs already created", async () => {
    const tenant = await seedTenant();
    const { testEnv, held } = withHeldChunks();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test");
    await env.SOURCES.delete(importChunkKey(tenant.projectId, created.id, 2));
    const result = await deliver(testEnv, IMPORT_QUEUE_NAME, held);
    expect(result.explicitAcks).toHaveLength(2);
    const failed = await readImport(tenant, created.id);
    expect(failed).toMatchObject({ status: "failed", error_code: "chunk_unavailable" });
    expect(failed.review_run_ids).toHaveLength(100);
    expect(failed.error_message).not.toMatch(/Error|at |\.ts|R2/);
  });

  it("fails the import when a chunk exhausted its retries, and ignores a late dead letter after completion", async () => {
    const tenant = await seedTenant();
    const { testEnv, held } = withHeldChunks();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test");
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0]]);
    await deliver(testEnv, IMPORT_DLQ_NAME, [held[1]]);
    const failed = await readImport(tenant, created.id);
    expect(failed).toMatchObject({ status: "failed", error_code: "processing_failed" });
    expect(failed.review_run_ids).toHaveLength(100);
    // A chunk arriving after the import failed creates nothing more.
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[1]]);
    expect(await runCount(created.id)).toBe(100);

    const other = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test");
    await deliver(testEnv, IMPORT_QUEUE_NAME, held.slice(2));
    await deliver(testEnv, IMPORT_DLQ_NAME, held.slice(2));
    expect(await readImport(tenant, other.id)).toMatchObject({ status: "completed" });
  });

  it("acks poisoned messages and chunks of imports that do not exist", async () => {
    const { testEnv } = withHeldChunks();
    const result = await deliver(testEnv, IMPORT_QUEUE_NAME, [
      { hello: "world" },
      { kind: "import_chunk", import_id: "import_01hw8894n1v3a9k5sx5v2t3q7b", project_id: crypto.randomUUID(), chunk: 1 },
    ]);
    expect(result.explicitAcks).toHaveLength(2);
  });

  it("leaves nothing behind, and gives the allowance back, when queueing the chunks fails", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 500 });
    const { testEnv } = withHeldChunks();
    testEnv.IMPORT_QUEUE.sendBatch = async () => {
      throw new Error("queue unavailable");
    };
    await expect(createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test")).rejects.toMatchObject({
      code: "service_unavailable",
    });
    expect(await storedState(tenant)).toEqual({ imports: 0, runs: 0, objects: 0 });
    expect((await readUsage(env, tenant.organizationId)).used).toBe(0);
  });

  it("reserves the allowance for every accepted row before answering", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 200 });
    const { testEnv } = withHeldChunks();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: [...rows(150), "bad"] }, "req_test");
    expect(created).toMatchObject({ status: "queued", accepted_count: 150 });
    expect((await readUsage(env, tenant.organizationId)).used).toBe(150);
    await expect(createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(51) }, "req_test")).rejects.toMatchObject({
      code: "usage_limit_exceeded",
    });
  });
});

describe("the allowance of an import that ends early", () => {
  const used = async (tenant: Tenant) => (await readUsage(env, tenant.organizationId)).used;

  it("keeps only the runs a failed import created, so the rest of the month stays usable", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 150 });
    const { testEnv, held } = withHeldChunks();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test");
    expect(await used(tenant)).toBe(150);
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0]]);
    await deliver(testEnv, IMPORT_DLQ_NAME, [held[1]]);
    expect(await readImport(tenant, created.id)).toMatchObject({ status: "failed" });
    expect(await runCount(created.id)).toBe(100);
    expect(await used(tenant)).toBe(100);
    // A second dead letter, or a late chunk, gives nothing back twice.
    await deliver(testEnv, IMPORT_DLQ_NAME, [held[1]]);
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[1]]);
    expect(await used(tenant)).toBe(100);
    const next = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(50) }, "req_test");
    expect(next).toMatchObject({ status: "completed", accepted_count: 50 });
  });

  it("gives back the rows a cancelled import never created, and keeps its cancelled runs", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 300 });
    const { testEnv, held } = withHeldChunks();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(250) }, "req_test");
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0]]);
    await cancelImport(onPrimary(testEnv), tenant.projectId, created.id);
    expect(await used(tenant)).toBe(100);
    await deliver(testEnv, IMPORT_QUEUE_NAME, held.slice(1));
    expect(await runCount(created.id)).toBe(100);
    expect(await used(tenant)).toBe(100);
  });

  it("creates no run once a cancel lands while a chunk is writing, so nothing runs uncounted", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 300 });
    const { testEnv, held } = withHeldChunks();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test");
    // The cancel lands after the chunk read the import as open and wrote its first source object.
    const realPut = env.SOURCES.put.bind(env.SOURCES);
    let cancelled = false;
    vi.spyOn(env.SOURCES, "put").mockImplementation(async (...args: Parameters<typeof env.SOURCES.put>) => {
      if (!cancelled) {
        cancelled = true;
        await cancelImport(onPrimary(testEnv), tenant.projectId, created.id);
      }
      return realPut(...args);
    });
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0]]);
    vi.restoreAllMocks();
    expect(cancelled).toBe(true);
    expect(await readImport(tenant, created.id)).toMatchObject({ status: "cancelled", review_run_ids: [] });
    expect(await runCount(created.id)).toBe(0);
    expect(await used(tenant)).toBe(0);
  });
});

describe("a small import", () => {
  it("leaves no import, run or object behind, and gives the allowance back, when storing its runs fails", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 50 });
    const realPut = env.SOURCES.put.bind(env.SOURCES);
    let puts = 0;
    vi.spyOn(env.SOURCES, "put").mockImplementation(async (...args: Parameters<typeof env.SOURCES.put>) => {
      if (++puts === 5) throw new Error("R2 is having a moment");
      return realPut(...args);
    });
    await expect(createImport(onPrimary(env), owner(tenant), { media_type: "application/json", rows: rows(10) }, "req_test")).rejects.toMatchObject({
      code: "service_unavailable",
    });
    vi.restoreAllMocks();
    expect(await storedState(tenant)).toEqual({ imports: 0, runs: 0, objects: 0 });
    expect((await readUsage(env, tenant.organizationId)).used).toBe(0);
  });
});

describe("a large import whose staging fails", () => {
  it("leaves no import or staged chunk behind", async () => {
    const tenant = await seedTenant();
    const { testEnv } = withHeldChunks();
    const realPut = env.SOURCES.put.bind(env.SOURCES);
    vi.spyOn(env.SOURCES, "put").mockImplementation(async (...args: Parameters<typeof env.SOURCES.put>) => {
      if (String(args[0]).endsWith("/chunks/2.json")) throw new Error("R2 is having a moment");
      return realPut(...args);
    });
    await expect(createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(300) }, "req_test")).rejects.toMatchObject({
      code: "service_unavailable",
    });
    vi.restoreAllMocks();
    expect(await storedState(tenant)).toEqual({ imports: 0, runs: 0, objects: 0 });
  });
});

describe("the scheduled sweep", () => {
  it("sends the chunks of an import stuck without progress again, which then completes", async () => {
    const tenant = await seedTenant();
    const { testEnv, held } = withHeldChunks();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test");
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0]]);
    held.length = 0; // chunk 2's message was lost
    const fresh = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test");
    const stale = new Date(Date.now() - 30 * 60_000).toISOString();
    await env.DB.prepare("UPDATE imports SET updated_at = ? WHERE id = ?").bind(stale, created.id).run();
    held.length = 0;

    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" }), testEnv);
    expect(held.map((m) => [m.import_id, m.chunk])).toEqual([
      [created.id, 1],
      [created.id, 2],
    ]);
    await deliver(testEnv, IMPORT_QUEUE_NAME, held);
    expect(await readImport(tenant, created.id)).toMatchObject({ status: "completed" });
    expect(await runCount(created.id)).toBe(150);
    // An import making progress is left alone.
    expect(await readImport(tenant, fresh.id)).toMatchObject({ status: "queued" });
  });
});
