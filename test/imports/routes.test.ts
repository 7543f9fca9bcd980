import { describe, expect, it } from "vitest";
import { IMPORT_EXAMPLE } from "../../src/routes/imports/examples.ts";
import { withLostAnswerWrite } from "../helpers/idempotency.ts";
import { call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";
import { accepted, SAMPLE_CSV, SAMPLE_JSONL, SAMPLE_ROWS, postImport, row, runsOfImport, storedState, waitForImport, type ImportCall } from "../helpers/imports.ts";
import { type Json, waitForRun } from "../helpers/runs.ts";
import { ReviewRunListSchema } from "../../src/schemas/review-run.ts";
import { documented } from "../helpers/documented.ts";

const keysOf = (value: object) => Object.keys(value).sort();
const pathsOf = (body: { error: { details?: unknown[] } }) => (body.error.details as Json[]).map((detail) => detail.path as string);
const RUN_ID = /^run_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The run of an import that carries `externalId`, found the way a caller maps results back. */
async function runByExternalId(tenant: Tenant, importId: string, externalId: string) {
  const page = documented(ReviewRunListSchema, await (await call(`/v1/review-runs?external_id=${externalId}&import_id=${importId}`, { key: tenant.apiKey })).json());
  expect(page.items).toHaveLength(1);
  return waitForRun(tenant, page.items[0]!.id);
}

describe("examples/fixtures/sample.jsonl", () => {
  const forms: [string, ImportCall][] = [
    ["as a raw JSONL body", { raw: SAMPLE_JSONL, contentType: "application/x-ndjson" }],
    ["as JSON rows", { json: { media_type: "application/x-ndjson", rows: SAMPLE_ROWS } }],
    ["converted to CSV, as a raw text/csv body", { raw: SAMPLE_CSV, contentType: "text/csv; charset=utf-8" }],
    ["as JSONL text in data", { json: { media_type: "application/x-ndjson", data: SAMPLE_JSONL } }],
    ["converted to CSV, as text in data", { json: { media_type: "text/csv", data: SAMPLE_CSV } }],
    ["as a JSON array in data", { json: { media_type: "application/json", data: JSON.stringify(SAMPLE_ROWS) } }],
  ];

  it.each(forms)("%s becomes two runs with the expected outcomes, traceable by external_id", async (_name, request) => {
    const tenant = await seedTenant();
    const { response, body } = accepted(await postImport(tenant, request));
    expect(response.status).toBe(202);
    expect(keysOf(body)).toEqual(expect.arrayContaining(keysOf(IMPORT_EXAMPLE)));
    expect(body).toMatchObject({
      project_id: tenant.projectId,
      status: "completed",
      capture_method: "upload",
      row_count: 2,
      accepted_count: 2,
      rejected_count: 0,
      validation_errors: [],
    });
    expect(body.id).toMatch(/^import_[0-9a-z]{26}$/);
    expect(body.review_run_ids).toHaveLength(2);
    for (const id of body.review_run_ids) expect(id).toMatch(RUN_ID);
    expect(response.headers.get("X-Request-Id")).toBe(body.request_id);

    const refund = await runByExternalId(tenant, body.id, "answer_001");
    const logs = await runByExternalId(tenant, body.id, "answer_002");
    expect(body.review_run_ids).toEqual([refund.id, logs.id]);
    expect(refund).toMatchObject({
      status: "completed",
      capture_method: "upload",
      import_id: body.id,
      external_id: "answer_001",
      question: "What is the refund window?",
      intended_use: "customer_facing",
      safe_use_status: "needs_repair",
    });
    expect(refund.verification_results.map((r: Json) => r.support_status)).toEqual(["contradicted"]);
    expect(logs).toMatchObject({ status: "completed", external_id: "answer_002", intended_use: "internal_draft", safe_use_status: "verified_for_use" });
    expect(logs.verification_results.map((r: Json) => r.support_status)).toEqual(["supported"]);

    const read = await call(`/v1/imports/${body.id}`, { key: tenant.apiKey });
    expect(read.status).toBe(200);
    const again = (await read.json()) as Json;
    // Only the review progress moved on: both runs were reviewed in the meantime.
    expect({ ...again, request_id: body.request_id, review_progress: body.review_progress }).toEqual(body);
    expect(again.review_progress).toMatchObject({ runs_created: 2, reviewed: 2, pending: 0, all_reviewed: true });
    expect(again.request_id).not.toBe(body.request_id);
  });
});

describe("rows are validated one by one", () => {
  it("lists each rejected row precisely and turns every valid row into a run", async () => {
    const tenant = await seedTenant();
    const rows = [
      row(1),
      row(2, { sources: undefined }),
      row(3, { intended_use: "marketing" }),
      "not an object",
      row(5, { external_id: "row-1" }),
      row(6, { sources: [{ title: "Admin guide", content: "" }] }),
      row(7, { metadata: { token: `kivo_live_${"A".repeat(32)}` } }),
      row(8, { surprise: true }),
      row(9),
    ];
    const { response, body } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows } }));
    expect(response.status).toBe(202);
    expect(body).toMatchObject({ status: "completed", row_count: 9, accepted_count: 2, rejected_count: 7 });
    expect(body.validation_errors).toEqual([
      { row: 2, external_id: "row-2", path: "sources", code: "validation_error", message: "Required." },
      { row: 3, external_id: "row-3", path: "intended_use", code: "validation_error", message: expect.stringContaining("internal_draft") },
      { row: 4, external_id: null, path: "(row)", code: "invalid_row", message: "Each row must be a JSON object, not a string." },
      { row: 5, external_id: "row-1", path: "external_id", code: "duplicate_external_id", message: expect.stringContaining("Row 1") },
      { row: 6, external_id: "row-6", path: "sources.0.content", code: "validation_error", message: expect.stringMatching(/>=1 characters/) },
      { row: 6, external_id: "row-6", path: "sources.0.content", code: "validation_error", message: "Must not be only whitespace." },
      { row: 7, external_id: "row-7", path: "metadata.token", code: "validation_error", message: expect.stringContaining("do not put credentials") },
      { row: 8, external_id: "row-8", path: "(row)", code: "validation_error", message: 'Unrecognized key: "surprise"' },
    ]);
    const runs = await runsOfImport(tenant, body.id);
    expect(runs.map((run) => run.external_id).sort()).toEqual(["row-1", "row-9"]);
    expect(body.review_run_ids).toEqual([
      runs.find((run) => run.external_id === "row-1")!.id,
      runs.find((run) => run.external_id === "row-9")!.id,
    ]);
  });

  it("keeps the good JSONL lines around a line that is not JSON", async () => {
    const tenant = await seedTenant();
    const lines = [JSON.stringify(row(1)), '{"external_id": "row-2", "ai_output": ', "", JSON.stringify(row(3))];
    const { body } = accepted(await postImport(tenant, { raw: lines.join("\r\n") }));
    expect(body).toMatchObject({ status: "completed", row_count: 3, accepted_count: 2, rejected_count: 1 });
    expect(body.validation_errors).toEqual([
      { row: 2, external_id: null, path: "(row)", code: "invalid_json", message: expect.stringMatching(/^Line 2 is not valid JSON/) },
    ]);
  });

  it("keeps the good CSV records around a ragged one, with quotes, embedded newlines and numbered sources", async () => {
    const tenant = await seedTenant();
    const csv = [
      "external_id,ai_output,source_1_title,source_1_content,source_2_title,source_2_content",
      'a,"Admins can export audit logs, ""quickly"".",Admin guide,"Admins can export audit logs\nfrom the security workspace.",,',
      "b,Admins can export audit logs.,Admin guide",
      "c,Refunds are available for 30 days.,Refund policy,Refunds within 30 days.,FAQ,Ask support.",
    ].join("\n");
    const { body } = accepted(await postImport(tenant, { raw: csv, contentType: "text/csv", query: "intended_use=customer_facing&strictness=strict" }));
    expect(body).toMatchObject({ media_type: "text/csv", row_count: 3, accepted_count: 2, rejected_count: 1 });
    expect(body.validation_errors).toEqual([
      { row: 2, external_id: null, path: "(row)", code: "invalid_row", message: "This record has 3 fields; the header has 6." },
    ]);
    const [a, c] = await Promise.all([waitForRun(tenant, body.review_run_ids[0]!), waitForRun(tenant, body.review_run_ids[1]!)]);
    expect(a).toMatchObject({ external_id: "a", ai_output: 'Admins can export audit logs, "quickly".', intended_use: "customer_facing", strictness: "strict", source_count: 1 });
    expect(c).toMatchObject({ external_id: "c", source_count: 2 });
    expect(c.sources.map((s: Json) => s.title)).toEqual(["Refund policy", "FAQ"]);
  });

  it("keeps every source of a row with many, in order", async () => {
    const tenant = await seedTenant();
    const sources = Array.from({ length: 25 }, (_, i) => ({ title: `Policy ${i + 1}`, content: `Clause ${i + 1}: admins can export audit logs.` }));
    const { body } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows: [row(1, { sources })] } }));
    const run = await waitForRun(tenant, body.review_run_ids[0]!);
    expect(run.source_count).toBe(25);
    expect(run.sources.map((s: Json) => s.title)).toEqual(sources.map((s) => s.title));
  });

  it("reads sources from a JSON column and reports one that is not JSON", async () => {
    const tenant = await seedTenant();
    const sources = JSON.stringify([{ title: "Admin guide", content: "Admins can export audit logs." }]);
    const csv = `external_id,ai_output,sources,intended_use\nx,Admins can export audit logs.,"${sources.replace(/"/g, '""')}",internal_draft\ny,Admins can export audit logs.,[{oops,internal_draft\n`;
    const { body } = accepted(await postImport(tenant, { json: { media_type: "text/csv", data: csv } }));
    expect(body).toMatchObject({ accepted_count: 1, rejected_count: 1 });
    expect(body.validation_errors).toEqual([
      { row: 2, external_id: "y", path: "sources", code: "invalid_json", message: expect.stringContaining("The sources column is not valid JSON") },
    ]);
  });

  it("fills intended_use and strictness from the request only where a row leaves them out", async () => {
    const tenant = await seedTenant();
    const rows = [row(1, { intended_use: undefined }), row(2, { intended_use: "eval_only", strictness: "advisory" })];
    const { body } = accepted(await postImport(tenant, { json: { media_type: "application/json", rows, intended_use: "regulated_workflow", strictness: "strict" } }));
    const runs = await Promise.all(body.review_run_ids.map((id: string) => waitForRun(tenant, id)));
    expect(runs.map((run) => [run.intended_use, run.strictness])).toEqual([
      ["regulated_workflow", "strict"],
      ["eval_only", "advisory"],
    ]);
  });

  it("answers failed, with every row's error, when no row is valid", async () => {
    const tenant = await seedTenant();
    const garbage = "\u0000\u0001PK\u0003\u0004 binary junk\n%PDF-1.7 \u00ff\u00fe\nlorem ipsum";
    const { response, body } = accepted(await postImport(tenant, { raw: garbage }));
    expect(response.status).toBe(202);
    expect(body).toMatchObject({ status: "failed", row_count: 3, accepted_count: 0, rejected_count: 3, review_run_ids: [], error_code: "no_rows_accepted" });
    expect(body.validation_errors.map((e: Json) => [e.row, e.code])).toEqual([
      [1, "invalid_json"],
      [2, "invalid_json"],
      [3, "invalid_json"],
    ]);
    expect(await storedState(tenant)).toEqual({ imports: 1, runs: 0, objects: 0 });
  });
});

describe("CSV columns that cannot be mapped", () => {
  const csv = "ticket,answer,kb_title,kb_text\nT-1,Admins can export audit logs.,Admin guide,Admins can export audit logs from the security workspace.\n";

  it("store the import as mapping_required, naming the columns found and the fields missing, and create no run", async () => {
    const tenant = await seedTenant();
    const { response, body } = accepted(await postImport(tenant, { raw: csv, contentType: "text/csv" }));
    expect(response.status).toBe(202);
    expect(body).toMatchObject({ status: "mapping_required", row_count: 0, accepted_count: 0, review_run_ids: [], completed_at: null });
    expect(body.mapping).toEqual({
      columns: ["ticket", "answer", "kb_title", "kb_text"],
      missing: [
        { field: "ai_output", message: expect.stringContaining("field_mapping.ai_output") },
        { field: "intended_use", message: expect.any(String) },
        { field: "sources", message: expect.stringContaining("source_title and source_content") },
      ],
    });
    // The import and its stored request, nothing else.
    expect(await storedState(tenant)).toEqual({ imports: 1, runs: 0, objects: 1 });
  });

  it("names the missing half of a source and a mapped column that is not there", async () => {
    const tenant = await seedTenant();
    const { body } = accepted(
      await postImport(tenant, {
        json: { media_type: "text/csv", data: csv, intended_use: "internal_draft", field_mapping: { ai_output: "reply", source_content: "kb_text" } },
      }),
    );
    expect(body.status).toBe("mapping_required");
    expect(body.mapping!.missing.map((m) => m.field)).toEqual(["ai_output", "ai_output", "source_title"]);
    expect(body.mapping!.missing[0]!.message).toBe('Column "reply" is not in the CSV header.');
  });

  it("succeed when retried with field_mapping, as JSON or as a raw body with the mapping in the query", async () => {
    const tenant = await seedTenant();
    const field_mapping = { external_id: "ticket", ai_output: "answer", source_title: "kb_title", source_content: "kb_text" };
    const json = await postImport(tenant, { json: { media_type: "text/csv", data: csv, intended_use: "internal_draft", field_mapping } });
    const raw = await postImport(tenant, {
      raw: csv,
      contentType: "text/csv",
      query: `intended_use=internal_draft&field_mapping=${encodeURIComponent(JSON.stringify(field_mapping))}`,
    });
    for (const { response, body } of [accepted(json), accepted(raw)]) {
      expect(response.status).toBe(202);
      expect(body).toMatchObject({ status: "completed", accepted_count: 1, rejected_count: 0 });
      const run = await waitForRun(tenant, body.review_run_ids[0]!);
      expect(run).toMatchObject({ external_id: "T-1", safe_use_status: "verified_for_use", import_id: body.id });
    }
  });

  it("refuses a field_mapping key that is not a row field", async () => {
    const tenant = await seedTenant();
    const bad = await postImport(tenant, { json: { media_type: "text/csv", data: csv, field_mapping: { answer_text: "answer" } } });
    expect(pathsOf(await expectError(bad.response, 400, "validation_error"))[0]).toBe("field_mapping.answer_text");
    const query = await postImport(tenant, { raw: csv, contentType: "text/csv", query: "field_mapping=not-json" });
    expect(pathsOf(await expectError(query.response, 400, "validation_error"))[0]).toBe("field_mapping");
    expect(await storedState(tenant)).toEqual({ imports: 0, runs: 0, objects: 0 });
  });
});

describe("JSON field names that cannot be mapped", () => {
  const exported = [
    { ticket: "T-1", answer: "Admins can export audit logs.", docs: [{ title: "Admin guide", content: "Admins can export audit logs from the security workspace." }], use: "internal_draft" },
    { ticket: "T-2", answer: "Refunds take 30 days.", docs: [{ title: "Refund policy", content: "Customers may request a refund within 30 days." }], use: "internal_draft" },
  ];
  const jsonl = exported.map((line) => JSON.stringify(line)).join("\n");

  it("store a JSON Lines or JSON import as mapping_required, as CSV headers do, naming the names found and the fields missing", async () => {
    const tenant = await seedTenant();
    for (const request of [{ raw: jsonl }, { json: { rows: exported } }, { json: { media_type: "application/json", data: JSON.stringify(exported) } }] as ImportCall[]) {
      const { response, body } = accepted(await postImport(tenant, request));
      expect(response.status).toBe(202);
      expect(body).toMatchObject({ status: "mapping_required", accepted_count: 0, review_run_ids: [] });
      expect(body.mapping).toEqual({
        columns: ["ticket", "answer", "docs", "use"],
        missing: [
          { field: "ai_output", message: expect.stringContaining("field_mapping.ai_output") },
          { field: "sources", message: expect.stringContaining("field_mapping.sources") },
          { field: "intended_use", message: expect.any(String) },
        ],
      });
    }
    expect(await storedState(tenant)).toMatchObject({ imports: 3, runs: 0 });
  });

  it("proceed once the mapping arrives, renaming the mapped names and ignoring the rest", async () => {
    const tenant = await seedTenant();
    const { body: waiting } = accepted(await postImport(tenant, { raw: jsonl }));
    const mapping = { external_id: "ticket", ai_output: "answer", sources: "docs", intended_use: "use" };
    const response = await call(`/v1/imports/${waiting.id}/field-mapping`, { method: "POST", key: tenant.apiKey, json: { field_mapping: mapping } });
    expect(response.status).toBe(202);
    const mapped = (await response.json()) as Json;
    expect(mapped).toMatchObject({ status: "completed", accepted_count: 2, rejected_count: 0 });
    expect(await runByExternalId(tenant, mapped.id, "T-2")).toMatchObject({ ai_output: "Refunds take 30 days.", intended_use: "internal_draft" });

    const direct = await postImport(tenant, { raw: jsonl, query: `field_mapping=${encodeURIComponent(JSON.stringify({ ai_output: "answer", sources: "docs" }))}&intended_use=eval_only` });
    expect(direct.body).toMatchObject({ status: "completed", accepted_count: 2 });
  });

  it("build a source from flat fields, as CSV columns do", async () => {
    const tenant = await seedTenant();
    const flat = exported.map(({ ticket, answer, docs, use }) => ({ ticket, answer, kb_title: docs[0]!.title, kb_text: docs[0]!.content, use }));
    const field_mapping = { external_id: "ticket", ai_output: "answer", source_title: "kb_title", source_content: "kb_text", intended_use: "use" };
    const { body } = accepted(await postImport(tenant, { json: { rows: flat, field_mapping } }));
    expect(body).toMatchObject({ status: "completed", accepted_count: 2 });
    const run = await waitForRun(tenant, body.review_run_ids[0]!);
    expect(run.sources).toEqual([expect.objectContaining({ title: "Admin guide" })]);
  });

  it("leave rows with every field present but a stray name to fail one by one, as before", async () => {
    const tenant = await seedTenant();
    const { body } = accepted(await postImport(tenant, { json: { rows: [row(1), { ...row(2), note: "x" }] } }));
    expect(body).toMatchObject({ status: "completed", accepted_count: 1, rejected_count: 1 });
    expect(body.validation_errors).toEqual([expect.objectContaining({ row: 2, code: "validation_error" })]);
  });
});

describe("a request-level error creates nothing", () => {
  const cases: [string, ImportCall, number, string, string?][] = [
    ["1,001 rows", { json: { media_type: "application/json", rows: Array.from({ length: 1001 }, (_, i) => row(i)) } }, 400, "validation_error", "rows"],
    ["1,001 JSONL lines", { raw: Array.from({ length: 1001 }, (_, i) => JSON.stringify(row(i))).join("\n") }, 400, "validation_error", "data"],
    ["no rows", { json: { media_type: "application/json", rows: [] } }, 400, "validation_error", "rows"],
    ["an empty JSONL body", { raw: "\n\n" }, 400, "validation_error", "data"],
    ["a CSV header without records", { raw: "ai_output,sources,intended_use\r\n", contentType: "text/csv" }, 400, "validation_error", "data"],
    ["both rows and data", { json: { media_type: "application/x-ndjson", rows: [row(1)], data: SAMPLE_JSONL } }, 400, "validation_error", "rows"],
    ["an unknown media_type", { json: { media_type: "application/xml", rows: [row(1)] } }, 400, "validation_error", "media_type"],
    ["an unknown intended_use default", { json: { media_type: "application/json", rows: [row(1)], intended_use: "x" } }, 400, "validation_error", "intended_use"],
    ["data that is not a JSON array", { json: { media_type: "application/json", data: '{"rows": []}' } }, 400, "validation_error", "data"],
    ["a JSON body that is not JSON", { raw: '{"media_type": "text/csv", "data": ', contentType: "application/json" }, 400, "invalid_json"],
    ["an XML body", { raw: "<rows/>", contentType: "application/xml" }, 415, "unsupported_media_type"],
    ["a Latin-1 CSV", { raw: SAMPLE_CSV, contentType: "text/csv; charset=iso-8859-1" }, 415, "unsupported_media_type"],
  ];

  it.each(cases)("%s", async (_name, request, status, code, path) => {
    const tenant = await seedTenant();
    const { response } = await postImport(tenant, request);
    const body = await expectError(response, status, code);
    if (path) expect(pathsOf(body)).toContain(path);
    expect(await storedState(tenant)).toEqual({ imports: 0, runs: 0, objects: 0 });
  });

  it("refuses a 20 MB body with payload_too_large", async () => {
    const tenant = await seedTenant();
    const line = JSON.stringify(row(1, { sources: [{ title: "t", content: "a".repeat(99_000) }] }));
    const { response } = await postImport(tenant, { raw: Array.from({ length: 200 }, () => line).join("\n") });
    await expectError(response, 413, "payload_too_large");
    expect(await storedState(tenant)).toEqual({ imports: 0, runs: 0, objects: 0 });
  });

  it("refuses an import that does not fit the monthly allowance, whole, with 402", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 2 });
    const { response } = await postImport(tenant, { json: { media_type: "application/json", rows: [row(1), row(2), row(3)] } });
    await expectError(response, 402, "usage_limit_exceeded");
    expect(await storedState(tenant)).toEqual({ imports: 0, runs: 0, objects: 0 });
    const fits = await postImport(tenant, { json: { media_type: "application/json", rows: [row(1), row(2), "bad row"] } });
    expect(fits.body).toMatchObject({ status: "completed", accepted_count: 2 });
  });
});

describe("Idempotency-Key", () => {
  it("replays the first answer for the same import and creates nothing new", async () => {
    const tenant = await seedTenant();
    const headers = { "Idempotency-Key": "export-2026-11-22" };
    const first = accepted(await postImport(tenant, { raw: SAMPLE_JSONL, headers }));
    const again = accepted(await postImport(tenant, { json: { media_type: "application/x-ndjson", data: SAMPLE_JSONL }, headers }));
    expect(again.response.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await storedState(tenant)).toMatchObject({ imports: 1, runs: 2 });

    const other = await postImport(tenant, { raw: SAMPLE_CSV, contentType: "text/csv", headers });
    await expectError(other.response, 409, "idempotency_key_reused");
    expect(await storedState(tenant)).toMatchObject({ imports: 1, runs: 2 });
  });
});

describe("Idempotency-Key when storing the first answer after the create fails", () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i + 1));
  const cases: [string, Json, string][] = [
    ["a small import", { rows: rows(2) }, "completed"],
    ["a queued import", { rows: rows(150) }, "queued"],
    ["an import waiting for its mapping", { media_type: "text/csv", data: "answer,kb\nA,B\n" }, "mapping_required"],
    ["an import with no valid row", { rows: [{ ai_output: "x" }] }, "failed"],
  ];
  it.each(cases)("%s: a retry answers the import, not 'still being processed'", async (_name, json, status) => {
    const tenant = await seedTenant();
    const headers = { "Idempotency-Key": `lost-${status}` };
    const first = accepted(await withLostAnswerWrite(() => postImport(tenant, { json, headers })));
    expect(first.body.status).toBe(status);
    const again = await postImport(tenant, { json, headers });
    expect(again.response.status).toBe(202);
    expect(again.response.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect((await storedState(tenant)).imports).toBe(1);
  });
});

describe("GET /v1/imports/{importId}", () => {
  it("answers an unknown, malformed or other project's import with not_found", async () => {
    const owner = await seedTenant();
    const stranger = await seedTenant();
    const { body } = accepted(await postImport(owner, { raw: SAMPLE_JSONL }));
    for (const id of [body.id, "import_01hw8894n1v3a9k5sx5v2t3q7b", "nope", "x".repeat(90)]) {
      await expectError(await call(`/v1/imports/${id}`, { key: stranger.apiKey }), 404, "not_found");
    }
  });
});

describe("a large import", () => {
  it("is queued, created through the queue in chunks, and completes with a run for every accepted row", async () => {
    const tenant = await seedTenant();
    const rows = Array.from({ length: 250 }, (_, i) => (i === 120 ? row(i + 1, { ai_output: " " }) : row(i + 1)));
    const { response, body } = accepted(await postImport(tenant, { raw: rows.map((r) => JSON.stringify(r)).join("\n") }));
    expect(response.status).toBe(202);
    expect(body).toMatchObject({ status: "queued", row_count: 250, accepted_count: 249, rejected_count: 1, review_run_ids: [], completed_at: null });
    expect(body.validation_errors).toEqual([
      { row: 121, external_id: "row-121", path: "ai_output", code: "validation_error", message: "Must not be only whitespace." },
    ]);

    const done = await waitForImport(tenant, body.id);
    expect(done).toMatchObject({ status: "completed", accepted_count: 249 });
    expect(done.completed_at).toEqual(expect.any(String));
    expect(done.review_run_ids).toHaveLength(249);
    expect(new Set(done.review_run_ids).size).toBe(249);
    const runs = await runsOfImport(tenant, body.id);
    expect(runs.map((run) => run.id).sort()).toEqual([...done.review_run_ids].sort());
    expect(runs.every((run) => run.capture_method === "upload" && run.import_id === body.id)).toBe(true);
    // The staged chunks are dropped once every run exists.
    expect((await storedState(tenant)).objects).toBe(249);
  });
});
