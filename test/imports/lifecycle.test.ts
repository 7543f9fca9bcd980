import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import { IMPORT_QUEUE_NAME } from "../../src/queues/import-consumer.ts";
import type { ImportQueueMessage } from "../../src/schemas/queue-messages.ts";
import { cancelImport } from "../../src/services/imports/cancel.ts";
import { createImport } from "../../src/services/imports/create.ts";
import { importRequestKey } from "../../src/services/imports/store.ts";
import { addKey, call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";
import { accepted, deliver, postImport, row, runsOfImport, storedState, waitForImport, withHeldChunks } from "../helpers/imports.ts";
import { type Json, waitForRun } from "../helpers/runs.ts";
import { documented } from "../helpers/documented.ts";
import { ImportListSchema, ImportSchema } from "../../src/routes/imports/schema.ts";
import { onPrimary } from "../helpers/tenant-env.ts";

// The import statuses of README "Imports" made observable: every status an import
// can be in, how it gets there, and who may read it.

const owner = (tenant: Tenant) => ({ organizationId: tenant.organizationId, projectId: tenant.projectId });
const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i + 1));
const readImport = async (tenant: Tenant, id: string, key = tenant.apiKey) => documented(ImportSchema, await (await call(`/v1/imports/${id}`, { key })).json());
const runStatuses = async (importId: string) =>
  (await env.DB.prepare("SELECT status, COUNT(*) AS n FROM review_runs WHERE import_id = ? GROUP BY status ORDER BY status").bind(importId).all<{ status: string; n: number }>())
    .results.map(({ status, n }) => `${status}:${n}`);

/** Bindings whose review queue drops its messages, so the runs an import creates stay `queued`. */
function withHeldReviews(testEnv: Bindings): Bindings {
  const queue = { send: async () => undefined, sendBatch: async () => undefined } as unknown as Bindings["REVIEW_QUEUE"];
  return { ...testEnv, REVIEW_QUEUE: queue };
}

describe("a JSON rows import request without media_type", () => {
  it("runs verbatim, without media_type, as JSON rows", async () => {
    const tenant = await seedTenant();
    // Rows without media_type are JSON rows (routes/imports/create.ts, importRequestOf).
    const body =
      '{"rows":[{"external_id":"answer_001","ai_output":"Refunds are available for 60 days.","sources":[{"title":"Refund policy","content":"Customers may request a refund within 30 days of purchase."}],"intended_use":"customer_facing"}]}';
    const response = await call("/v1/imports", { method: "POST", key: tenant.apiKey, headers: { "Content-Type": "application/json" }, body });
    expect(response.status).toBe(202);
    const created = documented(ImportSchema, await response.json());
    expect(created).toMatchObject({ status: "completed", media_type: "application/json", row_count: 1, accepted_count: 1, mapping: null });
    expect(await waitForRun(tenant, created.review_run_ids[0]!)).toMatchObject({ external_id: "answer_001", safe_use_status: "needs_repair" });
  });

  it("still needs media_type with data, to know how to read it", async () => {
    const tenant = await seedTenant();
    const { response } = await postImport(tenant, { json: { data: JSON.stringify([row(1)]) } });
    const body = await expectError(response, 400, "validation_error");
    expect((body.error.details as Json[]).map((d) => d.path)).toEqual(["media_type"]);
  });
});

describe("GET /v1/imports", () => {
  it("lists the project's imports newest first, page by page, filtered by status", async () => {
    const tenant = await seedTenant();
    const stranger = await seedTenant();
    await postImport(stranger, { json: { rows: [row(1)] } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(accepted(await postImport(tenant, { json: { rows: [row(i)] } })).body.id);
    const failed = accepted(await postImport(tenant, { json: { rows: ["not a row"] } })).body.id;
    ids.push(failed);

    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = documented(ImportListSchema, await (await call(`/v1/imports?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key: tenant.apiKey })).json());
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.next_cursor;
      expect(page.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(seen.map((item) => item.id)).toEqual([...ids].reverse());
    expect(Object.keys(seen[0]!)).not.toContain("validation_errors");
    expect(seen[0]).toMatchObject({ id: failed, status: "failed", error_code: "no_rows_accepted", project_id: tenant.projectId });

    const completed = documented(ImportListSchema, await (await call("/v1/imports?status=completed&limit=2", { key: tenant.apiKey })).json());
    // The two newest completed imports, by ID: the failed one, newer still, is filtered out.
    expect(completed.items.map((item) => [item.id, item.status])).toEqual([
      [ids[2], "completed"],
      [ids[1], "completed"],
    ]);
    // A cursor is bound to its filter: it does not page another one.
    await expectError(await call(`/v1/imports?status=failed&cursor=${encodeURIComponent(completed.next_cursor!)}`, { key: tenant.apiKey }), 400, "invalid_cursor");
    await expectError(await call("/v1/imports?status=done", { key: tenant.apiKey }), 400, "validation_error");
  });

  it("answers a read-only key, which cannot create or cancel", async () => {
    const tenant = await seedTenant();
    const { body } = accepted(await postImport(tenant, { json: { rows: [row(1)] } }));
    const reader = await addKey(tenant, ["review_runs:read"]);
    expect((await readImport(tenant, body.id, reader)).id).toBe(body.id);
    const list = documented(ImportListSchema, await (await call("/v1/imports", { key: reader })).json());
    expect(list.items.map((item) => item.id)).toEqual([body.id]);
    await expectError(await call("/v1/imports", { method: "POST", key: reader, json: { rows: [row(1)] } }), 403, "insufficient_scope");
    await expectError(await call(`/v1/imports/${body.id}/cancel`, { method: "POST", key: reader }), 403, "insufficient_scope");
  });
});

describe("a large import's statuses", () => {
  it("is uploaded until its chunks are queued, then queued, processing and completed", async () => {
    const tenant = await seedTenant();
    const { testEnv, held } = withHeldChunks();
    const statusWhileQueueing: string[] = [];
    const hold = testEnv.IMPORT_QUEUE.sendBatch.bind(testEnv.IMPORT_QUEUE);
    testEnv.IMPORT_QUEUE.sendBatch = async (messages) => {
      const importId = [...messages][0]!.body.import_id;
      statusWhileQueueing.push((await readImport(tenant, importId)).status);
      return hold(messages);
    };
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test");
    expect(statusWhileQueueing).toEqual(["uploaded"]);
    expect(created.status).toBe("queued");
    expect((await readImport(tenant, created.id)).status).toBe("queued");
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0]]);
    expect((await readImport(tenant, created.id)).status).toBe("processing");
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[1]]);
    expect(await readImport(tenant, created.id)).toMatchObject({ status: "completed", accepted_count: 150 });
  });
});

describe("POST /v1/imports/{importId}/cancel", () => {
  it("stops an import mid-way: no further runs, and its queued runs are cancelled", async () => {
    const tenant = await seedTenant();
    const { testEnv: chunkEnv, held } = withHeldChunks();
    const testEnv = withHeldReviews(chunkEnv);
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(250) }, "req_test");
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0]]);
    expect(await runStatuses(created.id)).toEqual(["queued:100"]);

    const response = await call(`/v1/imports/${created.id}/cancel`, { method: "POST", key: tenant.apiKey });
    expect(response.status).toBe(200);
    const cancelled = documented(ImportSchema, await response.json());
    expect(cancelled).toMatchObject({ id: created.id, status: "cancelled", accepted_count: 250, completed_at: expect.any(String) });
    expect(cancelled.review_run_ids).toHaveLength(100);
    expect(await runStatuses(created.id)).toEqual(["cancelled:100"]);

    // Chunks still in the queue create nothing, and the staged rows are gone.
    await deliver(testEnv, IMPORT_QUEUE_NAME, held.slice(1));
    expect(await runStatuses(created.id)).toEqual(["cancelled:100"]);
    // The runs' 100 source objects, and the external IDs that name the rows never created in the results.
    expect((await storedState(tenant)).objects).toBe(101);
    expect((await readImport(tenant, created.id)).status).toBe("cancelled");
    await expectError(await call(`/v1/imports/${created.id}/cancel`, { method: "POST", key: tenant.apiKey }), 409, "import_not_cancellable");
  });

  it("also cancels the runs of a chunk that was creating them when the cancel landed", async () => {
    const tenant = await seedTenant();
    const { testEnv: chunkEnv, held } = withHeldChunks();
    const testEnv = withHeldReviews(chunkEnv);
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: rows(150) }, "req_test");
    // The cancel lands once the chunk's runs are written, just before their review messages go out.
    testEnv.REVIEW_QUEUE.sendBatch = async () => {
      await cancelImport(onPrimary(testEnv), tenant.projectId, created.id);
      return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } } as unknown as QueueSendBatchResponse;
    };
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0] as ImportQueueMessage]);
    expect(await runStatuses(created.id)).toEqual(["cancelled:100"]);
    expect((await readImport(tenant, created.id)).status).toBe("cancelled");
  });

  it("leaves reviewed runs alone and refuses a finished import", async () => {
    const tenant = await seedTenant();
    const { body } = accepted(await postImport(tenant, { json: { rows: [row(1)] } }));
    await waitForRun(tenant, body.review_run_ids[0]!);
    const refused = await expectError(await call(`/v1/imports/${body.id}/cancel`, { method: "POST", key: tenant.apiKey }), 409, "import_not_cancellable");
    expect(refused.error.message).toContain("completed");
    await expectError(await call("/v1/imports/import_01hw8894n1v3a9k5sx5v2t3q7b/cancel", { method: "POST", key: tenant.apiKey }), 404, "not_found");
  });
});

describe("mapping_required, then a field_mapping", () => {
  const csv = "ticket,answer,kb_title,kb_text\nT-1,Admins can export audit logs.,Admin guide,Admins can export audit logs from the security workspace.\n";
  const mapping = { external_id: "ticket", ai_output: "answer", source_title: "kb_title", source_content: "kb_text" };
  const mapFields = (tenant: Tenant, id: string, json: unknown) => call(`/v1/imports/${id}/field-mapping`, { method: "POST", key: tenant.apiKey, json });

  it("waits for the mapping, refuses one that still does not map, then proceeds with the right one", async () => {
    const tenant = await seedTenant();
    const { body: waiting } = accepted(await postImport(tenant, { raw: csv, contentType: "text/csv" }));
    expect(waiting.status).toBe("mapping_required");

    const wrong = await expectError(await mapFields(tenant, waiting.id, { field_mapping: { ai_output: "reply" }, intended_use: "internal_draft" }), 422, "mapping_required");
    expect((wrong.error.details as Json[]).map((d) => d.path)).toContain("field_mapping.ai_output");
    const still = await readImport(tenant, waiting.id);
    expect(still.status).toBe("mapping_required");
    expect(still.mapping!.missing.map((m) => m.field)).toEqual(["ai_output", "ai_output", "sources"]);
    expect(await storedState(tenant)).toEqual({ imports: 1, runs: 0, objects: 1 });

    const response = await mapFields(tenant, waiting.id, { field_mapping: mapping, intended_use: "internal_draft" });
    expect(response.status).toBe(202);
    const proceeded = documented(ImportSchema, await response.json());
    expect(proceeded).toMatchObject({ id: waiting.id, status: "completed", media_type: "text/csv", row_count: 1, accepted_count: 1, mapping: null });
    const run = await waitForRun(tenant, proceeded.review_run_ids[0]!);
    expect(run).toMatchObject({ external_id: "T-1", import_id: waiting.id, safe_use_status: "verified_for_use" });
    expect(await env.SOURCES.get(importRequestKey(tenant.projectId, waiting.id))).toBeNull();

    await expectError(await mapFields(tenant, waiting.id, { field_mapping: mapping }), 409, "mapping_not_required");
    await expectError(await mapFields(tenant, waiting.id, { field_mapping: { answer_text: "answer" } }), 400, "validation_error");
  });

  it("sends a large mapped import through the queue", async () => {
    const tenant = await seedTenant();
    const records = Array.from({ length: 150 }, (_, i) => `T-${i + 1},Admins can export audit logs.,Admin guide,Admins can export audit logs.`);
    const { body: waiting } = accepted(await postImport(tenant, { raw: `ticket,answer,kb_title,kb_text\n${records.join("\n")}\n`, contentType: "text/csv" }));
    expect(waiting.status).toBe("mapping_required");
    const response = await mapFields(tenant, waiting.id, { field_mapping: mapping, intended_use: "eval_only" });
    expect(documented(ImportSchema, await response.json()).status).toBe("queued");
    const done = await waitForImport(tenant, waiting.id);
    expect(done).toMatchObject({ status: "completed", accepted_count: 150 });
    expect((await runsOfImport(tenant, waiting.id)).map((r) => r.external_id).sort()).toHaveLength(150);
  });

  it("can be cancelled while it waits, dropping the stored request", async () => {
    const tenant = await seedTenant();
    const { body: waiting } = accepted(await postImport(tenant, { raw: "\u0000\u0001\u0002garbage\u00ff\n\u0003", contentType: "text/csv" }));
    expect(waiting.status).toBe("mapping_required");
    const cancelled = documented(ImportSchema, await (await call(`/v1/imports/${waiting.id}/cancel`, { method: "POST", key: tenant.apiKey })).json());
    expect(cancelled).toMatchObject({ status: "cancelled", review_run_ids: [] });
    expect(await storedState(tenant)).toEqual({ imports: 1, runs: 0, objects: 0 });
    await expectError(await mapFields(tenant, waiting.id, { field_mapping: mapping, intended_use: "eval_only" }), 409, "mapping_not_required");
  });
});
