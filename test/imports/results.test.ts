import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/env.ts";
import { IMPORT_QUEUE_NAME } from "../../src/queues/import-consumer.ts";
import { ImportResultLineSchema } from "../../src/routes/imports/schema.ts";
import { cancelImport } from "../../src/services/imports/cancel.ts";
import { createImport } from "../../src/services/imports/create.ts";
import { addKey, call, seedTenant, type Tenant } from "../helpers/harness.ts";
import { accepted, SAMPLE_JSONL, deliver, postImport, row, withHeldChunks } from "../helpers/imports.ts";
import { type Json, waitForRun } from "../helpers/runs.ts";
import { onPrimary } from "../helpers/tenant-env.ts";

// Review progress on the import, and the results file a support team joins
// back into its own system by external_id.

const owner = (tenant: Tenant) => ({ organizationId: tenant.organizationId, projectId: tenant.projectId });
const readImport = async (tenant: Tenant, id: string) => (await (await call(`/v1/imports/${id}`, { key: tenant.apiKey })).json()) as Json;
const results = (tenant: Tenant, id: string, query = "", headers: Record<string, string> = {}) =>
  call(`/v1/imports/${id}/results${query}`, { key: tenant.apiKey, headers });
const jsonLines = (text: string) => text.trimEnd().split("\n").map((line) => JSON.parse(line) as Json);
// Decoded by hand: workerd warns on .text() for a body whose type is not text/* (JSON Lines).
const textOf = async (response: Response) => new TextDecoder().decode(await response.arrayBuffer());

/** Bindings that hold chunk and review messages, so the test decides what has happened. */
function heldEnv() {
  const { testEnv, held } = withHeldChunks();
  const reviews = { send: async () => undefined, sendBatch: async () => undefined } as unknown as Bindings["REVIEW_QUEUE"];
  return { testEnv: { ...testEnv, REVIEW_QUEUE: reviews } as Bindings, held };
}

/** examples/fixtures/sample.jsonl plus a row that fails validation and one with an awkward external_id. */
async function reviewedImport(tenant: Tenant) {
  const lines = [...SAMPLE_JSONL.split("\n"), JSON.stringify(row(3, { ai_output: " " })), JSON.stringify(row(4, { external_id: 'T-4, "quoted"' }))];
  const { body } = accepted(await postImport(tenant, { raw: lines.join("\n") }));
  for (const id of body.review_run_ids) await waitForRun(tenant, id);
  return body;
}

describe("review progress", () => {
  it("counts the runs created, pending and reviewed, by safe_use_status, until the batch is truly done", async () => {
    const tenant = await seedTenant();
    const { testEnv, held } = heldEnv();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: Array.from({ length: 150 }, (_, i) => row(i + 1)) }, "req_test");
    expect(created.review_progress).toMatchObject({ runs_created: 0, pending: 0, all_reviewed: false });
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0]]);
    expect((await readImport(tenant, created.id)).review_progress).toMatchObject({ runs_created: 100, pending: 100, reviewed: 0, all_reviewed: false });
    await cancelImport(onPrimary(testEnv), tenant.projectId, created.id);
    expect((await readImport(tenant, created.id)).review_progress).toMatchObject({ runs_created: 100, pending: 0, cancelled: 100, all_reviewed: true });
  });

  it("reports what the reviews concluded once they finish", async () => {
    const tenant = await seedTenant();
    const created = await reviewedImport(tenant);
    const done = await readImport(tenant, created.id);
    expect(done.status).toBe("completed");
    expect(done.review_progress).toEqual({
      runs_created: 3,
      reviewed: 3,
      failed: 0,
      cancelled: 0,
      pending: 0,
      by_safe_use_status: { verified_for_use: 2, verified_with_limits: 0, needs_review: 0, needs_repair: 1, blocked: 0 },
      last_reviewed_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      all_reviewed: true,
    });
  });
});

describe("GET /v1/imports/{importId}/results", () => {
  it("answers one JSON line per row, in row order: runs with their verdict, rejected rows with their error", async () => {
    const tenant = await seedTenant();
    const created = await reviewedImport(tenant);
    const response = await results(tenant, created.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/x-ndjson");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="${created.id}-results.jsonl"`);
    const lines = jsonLines(await textOf(response));
    expect(lines.map((line) => [line.row, line.external_id, line.status])).toEqual([
      [1, "answer_001", "completed"],
      [2, "answer_002", "completed"],
      [3, "row-3", "rejected"],
      [4, 'T-4, "quoted"', "completed"],
    ]);
    // Each line is the documented ImportResultLine, no field more or less (SDK types are generated from it).
    for (const line of lines) expect(ImportResultLineSchema.safeParse(line).error?.issues ?? []).toEqual([]);
    expect(lines[0]).toMatchObject({
      review_run_id: created.review_run_ids[0],
      safe_use_status: "needs_repair",
      verdict: "needs_repair",
      claim_count: 1,
      unsupported_claim_count: 1,
      reasons: [{ code: "contradicted", message: expect.any(String) }],
      error_code: null,
    });
    expect(lines[1]).toMatchObject({ safe_use_status: "verified_for_use", verdict: "allow", reasons: [] });
    expect(lines[2]).toEqual({
      row: 3,
      external_id: "row-3",
      review_run_id: null,
      status: "rejected",
      safe_use_status: null,
      verdict: null,
      claim_count: null,
      unsupported_claim_count: null,
      reasons: [],
      error_code: "validation_error",
      error_message: "ai_output: Must not be only whitespace.",
    });
  });

  it("answers CSV for Accept: text/csv or ?format=csv, which joins back by external_id", async () => {
    const tenant = await seedTenant();
    const created = await reviewedImport(tenant);
    const byAccept = await results(tenant, created.id, "", { Accept: "text/csv" });
    expect(byAccept.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const csv = await byAccept.text();
    expect(await (await results(tenant, created.id, "?format=csv", { Accept: "application/x-ndjson" })).text()).toBe(csv);
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([
      "row",
      "external_id",
      "review_run_id",
      "status",
      "safe_use_status",
      "verdict",
      "claim_count",
      "unsupported_claim_count",
      "reasons",
      "error_code",
      "error_message",
    ]);
    const byExternalId = new Map(parsed.data.map((record) => [record.external_id, record]));
    expect(byExternalId.get('T-4, "quoted"')).toMatchObject({ row: "4", status: "completed", verdict: "allow" });
    expect(byExternalId.get("answer_001")?.reasons).toMatch(/^contradicted: /);
    expect(byExternalId.get("row-3")).toMatchObject({ status: "rejected", review_run_id: "", error_code: "validation_error" });
  });

  it("streams every row of a large import across lookup windows, marks rows whose runs were never created, and resumes from_row", async () => {
    const tenant = await seedTenant();
    const { testEnv, held } = heldEnv();
    const created = await createImport(onPrimary(testEnv), owner(tenant), { media_type: "application/json", rows: Array.from({ length: 250 }, (_, i) => row(i + 1)) }, "req_test");
    await deliver(testEnv, IMPORT_QUEUE_NAME, [held[0]]);
    await cancelImport(onPrimary(testEnv), tenant.projectId, created.id);
    const lines = jsonLines(await textOf(await results(tenant, created.id)));
    expect(lines.map((line) => line.row)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(lines.filter((line) => line.status === "cancelled")).toHaveLength(100);
    expect(lines.slice(100).every((line) => line.status === "not_created" && line.review_run_id === null)).toBe(true);
    expect(lines[99]).toMatchObject({ row: 100, external_id: "row-100", status: "cancelled" });
    // A row that never got its run is still named by its external_id, so it can be joined back.
    expect(lines.slice(100).map((line) => line.external_id)).toEqual(Array.from({ length: 150 }, (_, i) => `row-${i + 101}`));

    const resumed = jsonLines(await textOf(await results(tenant, created.id, "?from_row=91")));
    expect(resumed).toEqual(lines.slice(90));
    const csv = await (await results(tenant, created.id, "?format=csv&from_row=250")).text();
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(2);
  });

  it("is readable with a read-only key", async () => {
    const tenant = await seedTenant();
    const { body } = accepted(await postImport(tenant, { json: { rows: [row(1)] } }));
    const reader = await addKey(tenant, ["review_runs:read"]);
    const response = await call(`/v1/imports/${body.id}/results`, { key: reader });
    expect(response.status).toBe(200);
    expect(jsonLines(await textOf(response))).toHaveLength(1);
  });
});
