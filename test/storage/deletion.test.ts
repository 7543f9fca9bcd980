import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { enforceRetention } from "../../src/services/retention/sweep.ts";
import { admin, call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";
import { accepted, postImport, SAMPLE_ROWS } from "../helpers/imports.ts";
import { answered, createRun, SEED_PACKET, type Json } from "../helpers/runs.ts";
import { createRun as createWorkerRun } from "../routes/enterprise-worker/helpers.ts";
import { onPrimary } from "../helpers/tenant-env.ts";

const DAY = 24 * 3_600_000;
const cron = (at = Date.now()) => worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env);

/** Every D1 row and R2 object the tenant's project holds, by table and prefix. */
async function stored(tenant: Tenant) {
  const count = async (sql: string) => (await env.DB.prepare(sql).bind(tenant.projectId).first<{ n: number }>())!.n;
  const ofRuns = (table: string) => count(`SELECT COUNT(*) AS n FROM ${table} WHERE review_run_id IN (SELECT id FROM review_runs WHERE project_id = ?)`);
  const objects = async (prefix: string) => (await env.SOURCES.list({ prefix })).objects.length;
  return {
    review_runs: await count("SELECT COUNT(*) AS n FROM review_runs WHERE project_id = ?"),
    review_artifacts: await ofRuns("review_artifacts"),
    report_links: await count("SELECT COUNT(*) AS n FROM report_links WHERE project_id = ?"),
    private_worker_runs: await count("SELECT COUNT(*) AS n FROM private_worker_runs WHERE project_id = ?"),
    private_worker_credentials: await count("SELECT COUNT(*) AS n FROM private_worker_credentials WHERE project_id = ?"),
    imports: await count("SELECT COUNT(*) AS n FROM imports WHERE project_id = ?"),
    object_deletions: await count("SELECT COUNT(*) AS n FROM object_deletions WHERE prefix LIKE '%/' || ? || '/%'"),
    r2_objects: (await objects(`runs/${tenant.projectId}/`)) + (await objects(`imports/${tenant.projectId}/`)),
  };
}

const NOTHING = {
  review_runs: 0,
  review_artifacts: 0,
  report_links: 0,
  private_worker_runs: 0,
  private_worker_credentials: 0,
  imports: 0,
  object_deletions: 0,
  r2_objects: 0,
};

async function completedRun(tenant: Tenant, packet: unknown = SEED_PACKET): Promise<string> {
  const { body } = answered(await createRun(tenant, packet, { Prefer: "wait=10" }), 200);
  return body.id;
}

const usedOf = async (tenant: Tenant) => ((await (await call("/v1/usage", { key: tenant.apiKey })).json()) as Json).used as number;

describe("DELETE /v1/review-runs/{id}", () => {
  it("leaves nothing of the run in D1 or R2, and its report links stop opening", async () => {
    const tenant = await seedTenant();
    const runId = await completedRun(tenant);
    const link = (await (await call(`/v1/review-runs/${runId}/report-links`, { method: "POST", key: tenant.apiKey, json: {} })).json()) as Json;
    expect((await call(new URL(link.url).pathname)).status).toBe(200);
    const before = await stored(tenant);
    expect(before).toMatchObject({ review_runs: 1, report_links: 1, r2_objects: 2 });
    const used = await usedOf(tenant);

    const response = await call(`/v1/review-runs/${runId}`, { method: "DELETE", key: tenant.apiKey });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: runId, deleted: true });

    expect(await stored(tenant)).toEqual(NOTHING);
    await expectError(await call(`/v1/review-runs/${runId}`, { key: tenant.apiKey }), 404, "not_found");
    await expectError(await call(`/v1/review-runs/${runId}/claims`, { key: tenant.apiKey }), 404, "not_found");
    await expectError(await call(new URL(link.url).pathname), 404, "not_found");
    await expectError(await call(`/v1/review-runs/${runId}`, { method: "DELETE", key: tenant.apiKey }), 404, "not_found");
    expect(await usedOf(tenant)).toBe(used);
  });

  it("answers another project exactly as for a missing run, and deletes nothing", async () => {
    const owner = await seedTenant();
    const stranger = await seedTenant();
    const runId = await completedRun(owner);
    const before = await stored(owner);
    const foreign = await expectError(await call(`/v1/review-runs/${runId}`, { method: "DELETE", key: stranger.apiKey }), 404, "not_found");
    const missing = await expectError(
      await call(`/v1/review-runs/run_${crypto.randomUUID()}`, { method: "DELETE", key: stranger.apiKey }),
      404,
      "not_found",
    );
    expect(foreign.error).toEqual(missing.error);
    expect(await stored(owner)).toEqual(before);
  });

  it("deletes a queued run, which its queue message then skips", async () => {
    const tenant = await seedTenant();
    const { body } = answered(await createRun(tenant, SEED_PACKET), 202);
    const runId = body.review_run.id;
    expect((await call(`/v1/review-runs/${runId}`, { method: "DELETE", key: tenant.apiKey })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await stored(tenant)).toEqual(NOTHING);
  });

  it("deletes an Enterprise Worker run's records, with the scope that created it", async () => {
    const tenant = await seedTenant();
    const { id } = await createWorkerRun(tenant);
    expect(await stored(tenant)).toMatchObject({ review_runs: 1, private_worker_runs: 1, private_worker_credentials: 1 });
    expect((await call(`/v1/review-runs/${id}`, { method: "DELETE", key: tenant.apiKey })).status).toBe(200);
    expect(await stored(tenant)).toEqual(NOTHING);
  });
});

describe("DELETE /v1/imports/{id}", () => {
  it("deletes the import and every run it created, in D1 and R2", async () => {
    const tenant = await seedTenant();
    const { body } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows: SAMPLE_ROWS } }));
    expect(body.status).toBe("completed");
    expect(await stored(tenant)).toMatchObject({ imports: 1, review_runs: SAMPLE_ROWS.length });

    const response = await call(`/v1/imports/${body.id}`, { method: "DELETE", key: tenant.apiKey });
    expect(await response.json()).toMatchObject({ id: body.id, deleted: true, deleted_review_run_count: SAMPLE_ROWS.length });
    expect(await stored(tenant)).toEqual(NOTHING);
    await expectError(await call(`/v1/imports/${body.id}`, { key: tenant.apiKey }), 404, "not_found");
  });

  it("refuses an import that is still creating its runs", async () => {
    const tenant = await seedTenant();
    const { body } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows: SAMPLE_ROWS } }));
    await env.DB.prepare("UPDATE imports SET status = 'processing' WHERE id = ?").bind(body.id).run();
    const refused = await expectError(await call(`/v1/imports/${body.id}`, { method: "DELETE", key: tenant.apiKey }), 409, "import_not_deletable");
    expect(refused.error.message).toContain("processing");
    expect((await stored(tenant)).imports).toBe(1);
  });
});

describe("retention", () => {
  const age = (table: "review_runs" | "imports", id: string, days: number) =>
    env.DB.prepare(`UPDATE ${table} SET created_at = ? WHERE id = ?`).bind(new Date(Date.now() - days * DAY).toISOString(), id).run();

  it("deletes runs past the plan's default at the next cron pass, keeps newer ones and the usage", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const expired = await completedRun(tenant);
    const kept = await completedRun(tenant);
    await age("review_runs", expired, 31);
    await age("review_runs", kept, 29);
    const used = await usedOf(tenant);

    await cron();
    const ids = (await env.DB.prepare("SELECT id FROM review_runs WHERE project_id = ?").bind(tenant.projectId).all<{ id: string }>()).results;
    expect(ids.map((row) => row.id)).toEqual([kept]);
    expect((await env.SOURCES.list({ prefix: `runs/${tenant.projectId}/${expired}/` })).objects).toEqual([]);
    expect((await env.SOURCES.list({ prefix: `runs/${tenant.projectId}/${kept}/` })).objects).toHaveLength(2);
    expect(await usedOf(tenant)).toBe(used);
  });

  it("follows the organization's own period, set through the admin API, for runs and imports", async () => {
    const tenant = await seedTenant({ plan: "enterprise" });
    const updated = await admin(`/admin/v1/organizations/${tenant.organizationId}`, { retention_days: 7 }, "PATCH");
    expect(updated).toMatchObject({ id: tenant.organizationId, retention_days: 7 });
    const { body } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows: SAMPLE_ROWS } }));
    await env.DB.prepare("UPDATE review_runs SET created_at = ? WHERE import_id = ?").bind(new Date(Date.now() - 8 * DAY).toISOString(), body.id).run();
    await age("imports", body.id, 8);

    await cron();
    expect(await stored(tenant)).toEqual(NOTHING);
  });

  it("is set by the operator within 1 to 3,650 days, and null returns to the plan's default", async () => {
    const tenant = await seedTenant({ plan: "pro" });
    const patch = (json: unknown, id = tenant.organizationId) =>
      call(`/admin/v1/organizations/${id}`, { method: "PATCH", json, headers: { Authorization: `Bearer ${env.KIVO_ADMIN_TOKEN}` } });
    await expectError(await patch({ retention_days: 0 }), 400, "validation_error");
    await expectError(await patch({ retention_days: 3651 }), 400, "validation_error");
    await expectError(await patch({ retention_days: 10 }, crypto.randomUUID()), 404, "not_found");
    expect(await (await patch({ retention_days: 3650 })).json()).toMatchObject({ retention_days: 3650, plan: "pro" });
    expect(await (await patch({ retention_days: null })).json()).toMatchObject({ retention_days: null });
  });

  it("still runs when a sweep before it fails, and the pass reports the failure", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const expired = await completedRun(tenant);
    await age("review_runs", expired, 31);
    vi.spyOn(env.DB, "prepare").mockImplementationOnce(() => {
      throw new Error("D1 is having a moment");
    });
    try {
      await expect(cron()).rejects.toThrow("D1 is having a moment");
    } finally {
      vi.restoreAllMocks();
    }
    expect((await stored(tenant)).review_runs).toBe(0);
  });

  it("erases in bounded batches, the rest at the following passes", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const { body } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows: SAMPLE_ROWS } }));
    await env.DB.prepare("UPDATE review_runs SET created_at = ? WHERE project_id = ?").bind(new Date(Date.now() - 40 * DAY).toISOString(), tenant.projectId).run();
    const first = await enforceRetention(onPrimary(env), "DB", new Date(), { runsPerPass: 1, prefixesPerPass: 1 });
    expect(first).toMatchObject({ runs: 1, prefixes: 1 });
    expect((await stored(tenant)).review_runs).toBe(SAMPLE_ROWS.length - 1);
    await enforceRetention(onPrimary(env), "DB", new Date(), { runsPerPass: 1, prefixesPerPass: 1 });
    await cron();
    expect(await stored(tenant)).toMatchObject({ review_runs: 0, r2_objects: 0, object_deletions: 0, imports: 1 });
    expect((await call(`/v1/imports/${body.id}`, { key: tenant.apiKey })).status).toBe(200);
  });
});
