import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { call, seedTenant } from "../helpers/harness.ts";
import { accepted, postImport, SAMPLE_ROWS } from "../helpers/imports.ts";
import { answered, createRun, SEED_PACKET, type Json } from "../helpers/runs.ts";
import { deliver, message, queuedRun } from "../helpers/review-queue.ts";
import { REVIEW_QUEUE_NAME } from "../../src/queues/review-consumer.ts";

afterEach(() => vi.restoreAllMocks());

type Queryable = Pick<D1Database, "prepare" | "batch">;

/** Applies `spy` to the database and to every read-replica session opened on it (API requests query in one). */
function onDatabaseAndSessions(spy: (target: Queryable) => void) {
  spy(env.DB);
  const withSession = env.DB.withSession.bind(env.DB);
  vi.spyOn(env.DB, "withSession").mockImplementation((start) => {
    const session = withSession(start);
    spy(session);
    return session;
  });
}

/** Every SQL statement the Worker prepares while `work` runs, with the values it was last bound to. */
async function statementsOf(work: () => Promise<unknown>): Promise<Map<string, unknown[]>> {
  const seen = new Map<string, unknown[]>();
  onDatabaseAndSessions((target) => {
    const prepare = target.prepare.bind(target);
    vi.spyOn(target, "prepare").mockImplementation((sql: string) => {
      const statement = prepare(sql);
      const bind = statement.bind.bind(statement);
      seen.set(sql, []);
      statement.bind = (...values: unknown[]) => {
        seen.set(sql, values);
        return bind(...values);
      };
      return statement;
    });
  });
  await work();
  vi.restoreAllMocks();
  return seen;
}

/** The plan steps that read a whole table or index: a cost that grows with every run ever stored. */
async function scans(sql: string, values: unknown[]): Promise<string[]> {
  if (!/\bselect\b|^\s*(update|delete)\b/i.test(sql)) return [];
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...values)
    .all<{ detail: string }>();
  return results.map((row) => row.detail).filter((detail) => /^SCAN /.test(detail) && !/^SCAN (json_each|CONSTANT ROW)\b/.test(detail));
}

async function offenders(statements: Map<string, unknown[]>, allowed: RegExp | null = null) {
  const found: { sql: string; scans: string[] }[] = [];
  for (const [sql, values] of statements) {
    const steps = (await scans(sql, values)).filter((step) => !allowed?.test(step));
    if (steps.length > 0) found.push({ sql: sql.replace(/\s+/g, " ").slice(0, 300), scans: steps });
  }
  return found;
}

describe("query plans", () => {
  it("no request on the hot paths scans a table", async () => {
    const tenant = await seedTenant();
    const { body: imported } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows: SAMPLE_ROWS } }));
    const statements = await statementsOf(async () => {
      const { body: run } = answered(await createRun(tenant, { ...SEED_PACKET, external_id: "ext-1" }, { Prefer: "wait=10", "Idempotency-Key": "plan-1" }), 200);
      const get = (path: string) => call(path, { key: tenant.apiKey });
      await get(`/v1/review-runs/${run.id}`);
      await get(`/v1/review-runs/${run.id}/claims`);
      await get(`/v1/review-runs/${run.id}/verification-results`);
      await get(`/v1/review-runs/${run.id}/claim-report`);
      await get(`/v1/review-runs/${run.id}/claim-report?format=html`);
      const page = (await (await get("/v1/review-runs?limit=1")).json()) as Json;
      await get(`/v1/review-runs?limit=1&cursor=${page.next_cursor}`);
      await get("/v1/review-runs?status=completed&intended_use=customer_facing");
      await get("/v1/review-runs?external_id=ext-1");
      await get(`/v1/review-runs?import_id=${imported.id}`);
      await get("/v1/imports");
      await get(`/v1/imports/${imported.id}`);
      await get("/v1/usage");
      await call(`/v1/review-runs/${run.id}`, { method: "DELETE", key: tenant.apiKey });
    });
    expect(statements.size).toBeGreaterThan(10);
    expect(await offenders(statements)).toEqual([]);
  });

  it("the cron's sweeps and retention read runs and imports through indexes", async () => {
    const tenant = await seedTenant({ plan: "free" });
    await createRun(tenant, SEED_PACKET, { Prefer: "wait=10" });
    const statements = await statementsOf(() =>
      worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 400 * 24 * 3_600_000, cron: "*/5 * * * *" }), env),
    );
    // Retention walks the organizations and their projects on the primary, then seeks each project's expired runs on the shard.
    // The two work lists (prefixes to delete, legacy artifact rows to move) are read from their
    // start up to the LIMIT, and shrink as they are worked off. `organization_moves` holds only the
    // moves between shards under way, a handful at most.
    expect(await offenders(statements, /^SCAN (o|p|organizations|projects|object_deletions|review_artifacts|organization_moves)\b/)).toEqual([]);
  });
});

/** D1 round trips (a query or a batch) and R2 reads that `request` makes. */
async function roundTrips(request: () => Promise<Response>) {
  const counted = await countRoundTrips(async () => {
    const response = await request();
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });
  return { d1: counted.d1, r2: counted.r2 };
}

/** D1 statements run (alone or in a batch, each batch once), and R2 reads, while `work` runs. */
async function countRoundTrips(work: () => Promise<unknown>) {
  let d1 = 0;
  const counted = (statement: D1PreparedStatement): D1PreparedStatement => {
    for (const method of ["first", "all", "run", "raw"] as const) {
      const original = (statement[method] as (...args: unknown[]) => unknown).bind(statement);
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        d1++;
        return original(...args);
      };
    }
    const bind = statement.bind.bind(statement);
    statement.bind = (...values: unknown[]) => counted(bind(...values));
    return statement;
  };
  onDatabaseAndSessions((target) => {
    const prepare = target.prepare.bind(target);
    const batch = target.batch.bind(target);
    vi.spyOn(target, "prepare").mockImplementation((sql: string) => counted(prepare(sql)));
    vi.spyOn(target, "batch").mockImplementation((statements) => {
      d1 += 1;
      return batch(statements);
    });
  });
  const r2 = vi.spyOn(env.SOURCES, "get");
  await work();
  const counts = { d1, r2: r2.mock.calls.length };
  vi.restoreAllMocks();
  return counts;
}

describe("round trips", () => {
  it("a read is two D1 round trips (the key, the run) and at most one R2 read, whatever the run's size", async () => {
    const tenant = await seedTenant();
    const { body: run } = answered(await createRun(tenant, SEED_PACKET, { Prefer: "wait=10" }), 200);
    const get = (path: string) => () => call(path, { key: tenant.apiKey });
    await get("/v1/usage")(); // the key's first use also records when it was last used
    expect({
      run: await roundTrips(get(`/v1/review-runs/${run.id}`)),
      claims: await roundTrips(get(`/v1/review-runs/${run.id}/claims`)),
      verification_results: await roundTrips(get(`/v1/review-runs/${run.id}/verification-results`)),
      claim_report: await roundTrips(get(`/v1/review-runs/${run.id}/claim-report`)),
      list: await roundTrips(get("/v1/review-runs?limit=20")),
    }).toEqual({
      run: { d1: 2, r2: 1 },
      claims: { d1: 2, r2: 1 },
      verification_results: { d1: 2, r2: 1 },
      claim_report: { d1: 2, r2: 1 },
      list: { d1: 2, r2: 0 },
    });
  });

  it("a review in the queue consumer is six D1 queries: the shard, the claim and the project, the completion, the announcement", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    const counted = await countRoundTrips(() => deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]));
    // The claim and the project read run at the same time: five round trips' wait. One source, read once from R2.
    expect(counted).toEqual({ d1: 6, r2: 1 });
  });
});

