import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import worker from "../../src/index.ts";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TENANT_TABLES, advanceMove, moveState, startMove, stepMove } from "../../src/services/tenancy/shard-move.ts";
import { SCOPES } from "../../src/services/tenancy/scopes.ts";
import { BASE, admin, call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";
import { accepted, postImport, runsOfImport, SAMPLE_ROWS, waitForImport } from "../helpers/imports.ts";
import { deliver, message, queuedRun } from "../helpers/review-queue.ts";
import { answered, createRun, SEED_PACKET, waitForRun, type Json } from "../helpers/runs.ts";
import { completedEvent, createRun as createWorkerRun, sendEvent, statusEvent } from "../routes/enterprise-worker/helpers.ts";

afterEach(() => vi.restoreAllMocks());

const ADMIN = { Authorization: `Bearer ${env.KIVO_ADMIN_TOKEN}` };

/** Rows of the organization's project on one database, table by table, as the move itself finds them. */
async function rowsOn(d1: D1Database, tenant: Tenant) {
  const counts: Record<string, number> = {};
  for (const spec of TENANT_TABLES) {
    const row = await d1
      .prepare(`SELECT COUNT(*) AS n FROM ${spec.table} WHERE ${spec.where}`)
      .bind(...spec.params(tenant.projectId))
      .first<{ n: number }>();
    counts[spec.table] = row!.n;
  }
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** An organization with what its clients store: reviewed runs (one with an Idempotency-Key), an import, a report link, a webhook endpoint, an enterprise-worker run with events. */
async function populate(tenant: Tenant) {
  const { body: run } = answered(await createRun(tenant, SEED_PACKET, { Prefer: "wait=10", "Idempotency-Key": `move-${tenant.projectId}` }), 200);
  expect(run.status).toBe("completed");
  const { body: imported } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows: SAMPLE_ROWS } }));
  expect((await waitForImport(tenant, imported.id as string)).status).toBe("completed");
  for (const item of await runsOfImport(tenant, imported.id as string)) await waitForRun(tenant, item.id as string);
  const link = (await (await call(`/v1/review-runs/${run.id}/report-links`, { method: "POST", key: tenant.apiKey, json: {} })).json()) as Json;
  const endpoint = (await (
    await call("/v1/webhook-endpoints", { method: "POST", key: tenant.apiKey, json: { url: "https://hooks.example.com/kivo", event_types: ["import.completed"] } })
  ).json()) as Json;
  const workerRun = await createWorkerRun(tenant);
  expect((await sendEvent(workerRun.id, workerRun.token, statusEvent())).status).toBe(200);
  expect((await sendEvent(workerRun.id, workerRun.token, completedEvent())).status).toBe(200);
  return { runId: run.id as string, importId: imported.id as string, linkPath: (link.url as string).slice(BASE.length), endpointId: endpoint.id as string, workerRun };
}

type Data = Awaited<ReturnType<typeof populate>>;

/** Every read a client of the organization makes, as the bytes it receives (the request ID aside). */
async function reads(tenant: Tenant, data: Data): Promise<Record<string, string>> {
  const paths = [
    `/v1/review-runs/${data.runId}`,
    `/v1/review-runs/${data.runId}/claims`,
    `/v1/review-runs/${data.runId}/verification-results`,
    `/v1/review-runs/${data.runId}/claim-report`,
    `/v1/review-runs/${data.runId}/report-links`,
    `/v1/review-runs/${data.workerRun.id}`,
    "/v1/review-runs?limit=100",
    `/v1/review-runs?import_id=${data.importId}&limit=100`,
    `/v1/imports/${data.importId}`,
    "/v1/imports",
    "/v1/webhook-endpoints",
    `/v1/webhook-endpoints/${data.endpointId}`,
  ];
  const answers: Record<string, string> = {};
  for (const path of paths) {
    const response = await call(path, { key: tenant.apiKey });
    expect(response.status, path).toBe(200);
    answers[path] = (await response.text()).replace(/"request_id":"[^"]+"/g, '"request_id":"…"');
  }
  const page = await call(data.linkPath, { headers: { Accept: "text/html" } });
  expect(page.status).toBe(200);
  answers[data.linkPath] = (await page.text()).replace(/req_[0-9a-z]+/g, "req_…");
  return answers;
}

const createAttempt = (tenant: Tenant) =>
  call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: SEED_PACKET, headers: { "Idempotency-Key": `during-${crypto.randomUUID()}` } });

async function stepUntil(organizationId: string, done: (phase: string | undefined) => boolean, options: { pageRows?: number } = {}) {
  for (let step = 0; step < 500; step++) {
    const state = await moveState(env, organizationId);
    if (done(state.move?.phase)) return state;
    await stepMove(env, organizationId, options);
  }
  throw new Error("the move did not get there in 500 steps");
}

describe("moving an organization between shards", () => {
  it("copies every table of a shard that holds an organization's rows", async () => {
    // The control plane (read on the primary only) and the judge cache, whose hashed keys name no project, stay behind.
    const notMoved = new Set([
      "organizations", "projects", "api_keys", "organization_placements", "organization_moves",
      "usage_counters", "billing_accounts", "stripe_events", "semantic_judge_calls", "semantic_judge_cache",
    ]);
    const { results } = await env.DB_SHARD_1.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'd1_%'",
    ).all<{ name: string }>();
    const tenantTables = results.map((row) => row.name).filter((name) => !notMoved.has(name)).sort();
    expect(tenantTables.length).toBeGreaterThan(10);
    expect(TENANT_TABLES.map((spec) => spec.table).sort()).toEqual(tenantTables);
  });

  it("moves every row to the other shard: reads answer the same bytes throughout, writes wait with a retryable 503, the old shard keeps nothing", async () => {
    const tenant = await seedTenant();
    const data = await populate(tenant);
    const before = await reads(tenant, data);
    const oldBookmark = (await call(`/v1/review-runs/${data.runId}`, { key: tenant.apiKey })).headers.get("Kivo-Bookmark");
    expect(oldBookmark).toEqual(expect.any(String));
    const onSource = await rowsOn(env.DB, tenant);
    // Every kind of tenant row is there to move (deliveries and pending R2 deletions aside: none were made).
    for (const table of ["imports", "review_runs", "private_worker_runs", "private_worker_events", "private_worker_credentials", "report_links", "idempotency_keys", "webhook_endpoints"]) {
      expect(onSource[table], table).toBeGreaterThan(0);
    }

    await startMove(env, tenant.organizationId, "DB_SHARD_1", { drainSeconds: 0 });
    // Paused: a write is refused before anything is stored, with a code and a wait the client can act on.
    const refused = await createAttempt(tenant);
    await expectError(refused, 503, "organization_moving");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectError(await sendEvent(data.workerRun.id, data.workerRun.token, statusEvent()), 503, "organization_moving");
    await expectError(await call(`/v1/review-runs/${data.runId}`, { method: "DELETE", key: tenant.apiKey }), 503, "organization_moving");

    // Halfway through the copy (pages of 3 rows): reads still come from the source, unchanged; writes still wait.
    await stepUntil(tenant.organizationId, (phase) => phase === "copying");
    for (let i = 0; i < 4; i++) await stepMove(env, tenant.organizationId, { pageRows: 3 });
    const halfway = total(await rowsOn(env.DB_SHARD_1, tenant));
    expect(halfway).toBeGreaterThan(0);
    expect(halfway).toBeLessThan(total(onSource));
    expect(await reads(tenant, data)).toEqual(before);
    await expectError(await createAttempt(tenant), 503, "organization_moving");
    expect(await rowsOn(env.DB, tenant)).toEqual(onSource);

    await stepUntil(tenant.organizationId, (phase) => phase !== "copying", { pageRows: 3 });
    // Flipped: the target serves everything; the source is emptied afterwards.
    expect((await moveState(env, tenant.organizationId)).shard).toBe("DB_SHARD_1");
    expect(await reads(tenant, data)).toEqual(before);
    await stepUntil(tenant.organizationId, (phase) => phase === undefined, { pageRows: 3 });

    expect(await moveState(env, tenant.organizationId)).toEqual({ organizationId: tenant.organizationId, shard: "DB_SHARD_1", move: null });
    // A bookmark kept from before the move names a position in the old database: the new one is not asked
    // to wait for it, the read starts at its primary (which has every row) and answers a bookmark of the new shard.
    const newShardStarts: string[] = [];
    const withSession = env.DB_SHARD_1.withSession.bind(env.DB_SHARD_1);
    vi.spyOn(env.DB_SHARD_1, "withSession").mockImplementation((start) => {
      newShardStarts.push(start ?? "(none)");
      return withSession(start);
    });
    const afterMove = await call(`/v1/review-runs/${data.runId}`, { key: tenant.apiKey, headers: { "Kivo-Bookmark": oldBookmark! } });
    expect(afterMove.status).toBe(200);
    expect(newShardStarts).toEqual(["first-primary"]);
    const newBookmark = afterMove.headers.get("Kivo-Bookmark")!;
    expect(newBookmark.split(".")[0]).not.toBe(oldBookmark!.split(".")[0]);
    vi.restoreAllMocks();
    expect(await rowsOn(env.DB_SHARD_1, tenant)).toEqual(onSource);
    expect(total(await rowsOn(env.DB, tenant))).toBe(0);
    expect(await reads(tenant, data)).toEqual(before);
    // The control plane stays on the primary; the shard gained the copies its foreign keys need.
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM projects WHERE id = ?").bind(tenant.projectId).first<{ n: number }>()).toEqual({ n: 1 });
    expect(await env.DB_SHARD_1.prepare("SELECT COUNT(*) AS n FROM projects WHERE id = ?").bind(tenant.projectId).first<{ n: number }>()).toEqual({ n: 1 });

    // Writes resume, on the new shard; the worker run takes its next event there.
    const { body: created } = answered(await createRun(tenant, SEED_PACKET, { Prefer: "wait=10" }), 200);
    expect(await env.DB_SHARD_1.prepare("SELECT status FROM review_runs WHERE id = ?").bind(created.id).first<{ status: string }>()).toEqual({ status: "completed" });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM review_runs WHERE id = ?").bind(created.id).first<{ n: number }>()).toEqual({ n: 0 });
    const deleted = await call(`/v1/review-runs/${data.runId}`, { method: "DELETE", key: tenant.apiKey });
    expect(deleted.status).toBeLessThan(300);
    // Worker events run in a D1 session of the new shard, and answer its bookmark as API-key requests do.
    const workerRun = await createWorkerRun(tenant);
    const event = await sendEvent(workerRun.id, workerRun.token, statusEvent());
    expect(event.status).toBe(200);
    expect(event.headers.get("Kivo-Bookmark")).toMatch(/^[0-9a-f]{8}\.[0-9a-f]{8}-/);
    expect(await env.DB_SHARD_1.prepare("SELECT status FROM review_runs WHERE id = ?").bind(workerRun.id).first<{ status: string }>()).toEqual({ status: "processing" });
  });

  it("resumes a copy that crashed mid-page, before or after the target's write, and loses nothing", async () => {
    const tenant = await seedTenant();
    const data = await populate(tenant);
    const before = await reads(tenant, data);
    const onSource = await rowsOn(env.DB, tenant);
    await startMove(env, tenant.organizationId, "DB_SHARD_1", { drainSeconds: 0 });
    await stepUntil(tenant.organizationId, (phase) => phase === "copying");
    await stepMove(env, tenant.organizationId, { pageRows: 2 });

    // A crash before the page reaches the target, then one after it landed but before the cursor moved on.
    const batch = env.DB_SHARD_1.batch.bind(env.DB_SHARD_1);
    vi.spyOn(env.DB_SHARD_1, "batch").mockRejectedValueOnce(new Error("connection reset"));
    await expect(stepMove(env, tenant.organizationId, { pageRows: 2 })).rejects.toThrow("connection reset");
    vi.spyOn(env.DB_SHARD_1, "batch").mockImplementationOnce(async (statements) => {
      await batch(statements);
      throw new Error("the Worker was evicted");
    });
    await expect(stepMove(env, tenant.organizationId, { pageRows: 2 })).rejects.toThrow("evicted");
    vi.restoreAllMocks();
    // Still paused and still readable from the source while nobody continues it.
    expect((await moveState(env, tenant.organizationId)).move?.phase).toBe("copying");
    await expectError(await createAttempt(tenant), 503, "organization_moving");
    expect(await reads(tenant, data)).toEqual(before);

    // Continuing is the same call as any other step, here through the admin API.
    let status = 0;
    let body: Json = {};
    for (let call_ = 0; call_ < 20 && status !== 200; call_++) {
      const response = await call(`/admin/v1/organizations/${tenant.organizationId}/placement`, { method: "POST", headers: ADMIN, json: { shard: "DB_SHARD_1" } });
      status = response.status;
      body = (await response.json()) as Json;
      expect([200, 202]).toContain(status);
      if (status === 202) expect(response.headers.get("Retry-After")).toBe("1");
    }
    expect(body).toMatchObject({ organization_id: tenant.organizationId, shard: "DB_SHARD_1", move: null });
    expect(await rowsOn(env.DB_SHARD_1, tenant)).toEqual(onSource);
    expect(total(await rowsOn(env.DB, tenant))).toBe(0);
    expect(await reads(tenant, data)).toEqual(before);
  });

  it("loses no write that reached the source after the drain: the copy counts both sides and starts over", async () => {
    const tenant = await seedTenant();
    const data = await populate(tenant);
    const onSource = await rowsOn(env.DB, tenant);
    await startMove(env, tenant.organizationId, "DB_SHARD_1", { drainSeconds: 0 });
    const cursorTable = async () => {
      const row = await env.DB.prepare("SELECT cursor FROM organization_moves WHERE organization_id = ?").bind(tenant.organizationId).first<{ cursor: string | null }>();
      return row?.cursor ? (JSON.parse(row.cursor) as { table?: string }).table : undefined;
    };
    await stepUntil(tenant.organizationId, (phase) => phase === "copying");
    while ((await cursorTable()) !== "private_worker_runs") await stepMove(env, tenant.organizationId, { pageRows: 50 });

    // Runs and imports are copied. Now a create that passed authentication before the pause
    // lands on the source, and the retention pass deletes the import there.
    const lateRunId = crypto.randomUUID();
    const now = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO review_runs (id, organization_id, project_id, status, intended_use, strictness, capture_method, created_at, updated_at) VALUES (?, ?, ?, 'queued', 'internal_reference', 'standard', 'api', ?, ?)",
      ).bind(lateRunId, tenant.organizationId, tenant.projectId, now, now),
      env.DB.prepare("DELETE FROM imports WHERE id = ?").bind(data.importId),
    ]);

    await advanceMove(env, tenant.organizationId, { maxSteps: 1000, pageRows: 50 });
    expect(await moveState(env, tenant.organizationId)).toMatchObject({ shard: "DB_SHARD_1", move: null });
    expect(await rowsOn(env.DB_SHARD_1, tenant)).toEqual({ ...onSource, review_runs: onSource.review_runs! + 1, imports: 0 });
    expect(total(await rowsOn(env.DB, tenant))).toBe(0);
    expect((await call(`/v1/review-runs/${lateRunId}`, { key: tenant.apiKey })).status).toBe(200);
    await expectError(await call(`/v1/imports/${data.importId}`, { key: tenant.apiKey }), 404, "not_found");
  });

  it("moves back through the admin API, drains before copying, and removes the old shard's copies of the organization", async () => {
    const tenant = await seedTenant({ shard: "DB_SHARD_1" });
    const data = await populate(tenant);
    const before = await reads(tenant, data);
    const onSource = await rowsOn(env.DB_SHARD_1, tenant);
    // A second project of the organization, with a run of its own.
    const project = await admin("/admin/v1/projects", { organization_id: tenant.organizationId, name: "Second project" });
    const key = await admin("/admin/v1/api-keys", { project_id: project.id, name: "second", environment: "test", scopes: [...SCOPES] });
    const second: Tenant = { ...tenant, projectId: project.id as string, apiKey: key.secret as string, apiKeyId: key.id as string };
    const { body: secondRun } = answered(await createRun(second, SEED_PACKET, { Prefer: "wait=10" }), 200);
    const secondRead = await (await call(`/v1/review-runs/${secondRun.id}`, { key: second.apiKey })).text();
    const path = `/admin/v1/organizations/${tenant.organizationId}/placement`;

    await expectError(await call(path, { method: "POST", headers: ADMIN, json: { shard: "DB_SHARD_9" } }), 400, "validation_error");
    await expectError(await call(`/admin/v1/organizations/${crypto.randomUUID()}/placement`, { headers: ADMIN }), 404, "not_found");

    // The first call pauses writes and waits out the drain: nothing is copied yet.
    const first = await call(path, { method: "POST", headers: ADMIN, json: { shard: "DB", drain_seconds: 120 } });
    expect(first.status).toBe(202);
    expect(Number(first.headers.get("Retry-After"))).toBeGreaterThan(100);
    expect(await first.json()).toMatchObject({ shard: "DB_SHARD_1", move: { source: "DB_SHARD_1", target: "DB", phase: "draining", rows_done: 0 } });
    expect(total(await rowsOn(env.DB, tenant))).toBe(0);
    await expectError(await createAttempt(tenant), 503, "organization_moving");
    await expectError(await call(path, { method: "POST", headers: ADMIN, json: { shard: "DB_SHARD_1" } }), 409, "shard_move_in_progress");
    const shown = (await (await call(path, { headers: ADMIN })).json()) as Json;
    expect(shown.move).toMatchObject({ phase: "draining", target: "DB" });

    // Once the drain is over, the move runs to the end.
    const later = new Date(Date.now() + 121_000);
    await advanceMove(env, tenant.organizationId, { maxSteps: 1000, now: () => later });
    expect(await moveState(env, tenant.organizationId)).toMatchObject({ shard: "DB", move: null });
    expect(await rowsOn(env.DB, tenant)).toEqual(onSource);
    expect(total(await rowsOn(env.DB_SHARD_1, tenant))).toBe(0);
    expect((await rowsOn(env.DB, second)).review_runs).toBe(1);
    expect(total(await rowsOn(env.DB_SHARD_1, second))).toBe(0);
    const secondAfter = await (await call(`/v1/review-runs/${secondRun.id}`, { key: second.apiKey })).text();
    expect(secondAfter.replace(/"request_id":"[^"]+"/, "")).toBe(secondRead.replace(/"request_id":"[^"]+"/, ""));
    for (const table of ["projects", "organizations"]) {
      const column = table === "projects" ? "organization_id" : "id";
      expect(await env.DB_SHARD_1.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).bind(tenant.organizationId).first<{ n: number }>()).toEqual({ n: 0 });
    }
    expect(await reads(tenant, data)).toEqual(before);
    // Asking to move where it already is answers at once.
    const again = await call(path, { method: "POST", headers: ADMIN, json: { shard: "DB" } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ shard: "DB", move: null });
  });

  it("lets the cron finish a move its operator left, so writes are not paused for good", async () => {
    const tenant = await seedTenant();
    const data = await populate(tenant);
    const before = await reads(tenant, data);
    await startMove(env, tenant.organizationId, "DB_SHARD_1", { drainSeconds: 0 });
    await stepMove(env, tenant.organizationId);
    await stepMove(env, tenant.organizationId);
    // A pass right away leaves a move that is being driven alone.
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    expect((await moveState(env, tenant.organizationId)).move?.rowsDone).toBe(1);
    for (let pass = 1; pass <= 5 && (await moveState(env, tenant.organizationId)).move; pass++) {
      await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + pass * 5 * 60_000, cron: "*/5 * * * *" }), env);
    }
    expect(await moveState(env, tenant.organizationId)).toMatchObject({ shard: "DB_SHARD_1", move: null });
    expect(total(await rowsOn(env.DB, tenant))).toBe(0);
    expect(await reads(tenant, data)).toEqual(before);
    expect((await createRun(tenant, SEED_PACKET)).response.status).toBe(202);
  });

  it("reads, counts and deletes each page through an index, so a step costs the same however large the organization", async () => {
    const tenant = await seedTenant();
    await populate(tenant);
    const statements = new Map<string, unknown[]>();
    for (const d1 of [env.DB, env.DB_SHARD_1]) {
      const prepare = d1.prepare.bind(d1);
      vi.spyOn(d1, "prepare").mockImplementation((sql: string) => {
        const statement = prepare(sql);
        const bind = statement.bind.bind(statement);
        statements.set(sql, []);
        statement.bind = (...values: unknown[]) => {
          statements.set(sql, values);
          return bind(...values);
        };
        return statement;
      });
    }
    await startMove(env, tenant.organizationId, "DB_SHARD_1", { drainSeconds: 0 });
    await advanceMove(env, tenant.organizationId, { maxSteps: 1000, pageRows: 2 });
    vi.restoreAllMocks();
    expect((await moveState(env, tenant.organizationId)).move).toBeNull();

    const scans: { sql: string; steps: string[] }[] = [];
    for (const [sql, values] of statements) {
      if (!/\bselect\b|^\s*(update|delete)\b/i.test(sql)) continue;
      const { results } = await env.DB_SHARD_1.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...values).all<{ detail: string }>();
      const steps = results.map((row) => row.detail).filter((detail) => /^SCAN /.test(detail));
      if (steps.length > 0) scans.push({ sql: sql.slice(0, 200), steps });
    }
    expect(statements.size).toBeGreaterThan(TENANT_TABLES.length * 3);
    expect(scans).toEqual([]);
  });

  it("holds queued reviews of a moving organization back without spending their retries, and reviews them on the new shard", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    await startMove(env, tenant.organizationId, "DB_SHARD_1", { drainSeconds: 0 });
    const sent = vi.spyOn(env.REVIEW_QUEUE, "send").mockResolvedValue(undefined as never);
    const result = await deliver("kivo-review-runs", [message(tenant, runId)]);
    // Acked and sent again for later, rather than retried against the queue's budget.
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(sent).toHaveBeenCalledWith(message(tenant, runId), expect.objectContaining({ delaySeconds: 10 }));
    vi.restoreAllMocks();
    expect(await env.DB.prepare("SELECT status FROM review_runs WHERE id = ?").bind(runId).first<{ status: string }>()).toEqual({ status: "queued" });

    await advanceMove(env, tenant.organizationId, { maxSteps: 1000 });
    await deliver("kivo-review-runs", [message(tenant, runId)]);
    expect(await env.DB_SHARD_1.prepare("SELECT status FROM review_runs WHERE id = ?").bind(runId).first<{ status: string }>()).toEqual({ status: "completed" });
    expect((await waitForRun(tenant, runId)).status).toBe("completed");
  });
});
