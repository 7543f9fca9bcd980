import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../src/db/client.ts";
import { reviewRuns } from "../../src/db/schema.ts";
import { call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";

/** Rows written directly: these tests pin pagination, not run creation. */
async function insertRuns(tenant: Tenant, count: number, createdAt: (i: number) => string, extra: Partial<typeof reviewRuns.$inferInsert> = {}) {
  const rows = Array.from({ length: count }, (_, i) => ({
    id: `run_${crypto.randomUUID()}`,
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    status: "queued" as const,
    intendedUse: "customer_facing",
    strictness: "standard",
    captureMethod: "api",
    aiOutput: "x",
    sourceCount: 1,
    createdAt: createdAt(i),
    updatedAt: createdAt(i),
    ...extra,
  }));
  for (const row of rows) await database(env.DB).insert(reviewRuns).values(row);
  return rows;
}

async function listAll(tenant: Tenant, query: string) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const response = await call(`/v1/review-runs?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key: tenant.apiKey });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: { id: string }[]; next_cursor: string | null; has_more: boolean };
    seen.push(...page.items.map((item) => item.id));
    expect(page.has_more).toBe(page.next_cursor !== null);
    cursor = page.next_cursor;
  } while (cursor);
  return seen;
}

describe("GET /v1/review-runs", () => {
  it("answers an empty page for a new project", async () => {
    const tenant = await seedTenant();
    const response = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ items: [], next_cursor: null, has_more: false, request_id: expect.stringMatching(/^req_/) });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("pages newest first with no run skipped or repeated, ties included", async () => {
    const tenant = await seedTenant();
    // Five runs share one millisecond: the id breaks the tie.
    const rows = await insertRuns(tenant, 12, (i) => new Date(Date.UTC(2026, 10, 1, 0, 0, i < 5 ? 0 : i)).toISOString());
    const seen = await listAll(tenant, "limit=5");
    const expected = [...rows]
      .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
      .map((r) => r.id);
    expect(seen).toEqual(expected);
  });

  it("does not shift pages when new runs arrive between requests", async () => {
    const tenant = await seedTenant();
    const old = await insertRuns(tenant, 4, (i) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString());
    const first = (await (await call("/v1/review-runs?limit=2", { key: tenant.apiKey })).json()) as { items: { id: string }[]; next_cursor: string };
    await insertRuns(tenant, 3, (i) => new Date(Date.UTC(2026, 5, 1, 0, 0, i)).toISOString());
    const second = (await (await call(`/v1/review-runs?limit=2&cursor=${encodeURIComponent(first.next_cursor)}`, { key: tenant.apiKey })).json()) as { items: { id: string }[] };
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual([...old].reverse().map((r) => r.id));
  });

  it("filters by status, intended use, external_id and creation window", async () => {
    const tenant = await seedTenant();
    const drafts = (await insertRuns(tenant, 2, () => "2026-03-01T00:00:00.000Z", { status: "completed", intendedUse: "internal_draft" }))
      .map((run) => run.id)
      .sort();
    const tagged = (await insertRuns(tenant, 1, () => "2026-04-01T00:00:00.000Z", { externalId: "answer_001" })).map((run) => run.id);
    // Same in every other filtered field, so only the external_id value tells the two apart.
    const other = (await insertRuns(tenant, 1, () => "2026-04-01T00:00:00.000Z", { externalId: "answer_002" })).map((run) => run.id);
    const ids = async (query: string) =>
      ((await (await call(`/v1/review-runs?${query}`, { key: tenant.apiKey })).json()) as { items: { id: string }[] }).items
        .map((run) => run.id)
        .sort();
    expect(await ids("status=completed")).toEqual(drafts);
    expect(await ids("intended_use=internal_draft")).toEqual(drafts);
    expect(await ids("external_id=answer_001")).toEqual(tagged);
    expect(await ids("created_after=2026-03-15T00:00:00Z")).toEqual([...tagged, ...other].sort());
    expect(await ids("created_before=2026-03-15T00:00:00Z")).toEqual(drafts);
  });

  it("never shows another project's runs", async () => {
    const mine = await seedTenant();
    const theirs = await seedTenant();
    await insertRuns(theirs, 3, () => new Date().toISOString());
    expect(await listAll(mine, "limit=10")).toEqual([]);
  });

  it("refuses a tampered cursor, a cursor from another project and one reused with other filters", async () => {
    const tenant = await seedTenant();
    const other = await seedTenant();
    await insertRuns(tenant, 3, (i) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString());
    const page = (await (await call("/v1/review-runs?limit=1", { key: tenant.apiKey })).json()) as { next_cursor: string };
    const [payload, signature] = page.next_cursor.split(".");
    const forged = `${btoa(JSON.stringify(["2099-01-01T00:00:00.000Z", "run_z"])).replace(/=+$/, "")}.${signature}`;
    await expectError(await call(`/v1/review-runs?cursor=${forged}`, { key: tenant.apiKey }), 400, "invalid_cursor");
    await expectError(await call(`/v1/review-runs?cursor=${payload}.AAAA`, { key: tenant.apiKey }), 400, "invalid_cursor");
    await expectError(await call(`/v1/review-runs?cursor=${page.next_cursor}`, { key: other.apiKey }), 400, "invalid_cursor");
    await expectError(await call(`/v1/review-runs?status=failed&cursor=${page.next_cursor}`, { key: tenant.apiKey }), 400, "invalid_cursor");
    await expectError(await call("/v1/review-runs?cursor=garbage", { key: tenant.apiKey }), 400, "invalid_cursor");
  });

  it("explains invalid query parameters", async () => {
    const tenant = await seedTenant();
    const body = await expectError(await call("/v1/review-runs?limit=500&status=done", { key: tenant.apiKey }), 400, "validation_error");
    expect((body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(["limit", "status"]);
  });
});
