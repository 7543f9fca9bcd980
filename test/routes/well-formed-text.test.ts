import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";
import { SEED_PACKET, type Json } from "../helpers/runs.ts";
import { createBody } from "./enterprise-worker/helpers.ts";
import { row } from "../helpers/imports.ts";

async function storedRuns(tenant: Tenant) {
  const runs = await env.DB.prepare("SELECT COUNT(*) AS n FROM review_runs WHERE project_id = ?").bind(tenant.projectId).first<{ n: number }>();
  const objects = await env.SOURCES.list({ prefix: `runs/${tenant.projectId}/` });
  // Artifact objects appear as runs are reviewed in the background; this counts what the requests store.
  return { runs: runs?.n ?? 0, objects: objects.objects.filter((object) => !object.key.includes("/artifacts/")).length };
}

/** A JSON body as raw text, so escapes like `\ud800` reach Kivo exactly as written. */
const send = (tenant: Tenant, path: string, body: BodyInit, contentType = "application/json") =>
  call(path, { method: "POST", key: tenant.apiKey, headers: { "Content-Type": contentType }, body });

describe("text Kivo cannot store as sent is refused, never rewritten", () => {
  it("refuses lone surrogates in any string or key, naming each field, and stores nothing", async () => {
    const tenant = await seedTenant();
    const cases: [string, Json, string][] = [
      ["ai_output", { ...SEED_PACKET, ai_output: "Refunds within 60 days \ud800 for all." }, "ai_output"],
      ["a source title", { ...SEED_PACKET, sources: [{ ...SEED_PACKET.sources[0], title: "\udc00Refund policy" }] }, "sources.0.title"],
      ["external_id", { ...SEED_PACKET, external_id: "order-\udbff" }, "external_id"],
      ["a metadata key", { ...SEED_PACKET, metadata: { "team\ud83d": "x" } }, "metadata.team\ud83d"],
    ];
    for (const [name, packet, path] of cases) {
      const body = await expectError(await send(tenant, "/v1/review-runs", JSON.stringify(packet)), 400, "validation_error");
      expect(body.error.details, name).toEqual([{ path, message: expect.stringContaining("lone UTF-16 surrogate") }]);
    }
    const worker = await expectError(
      await send(tenant, "/v1/private-worker/review-runs", JSON.stringify(await createBody({ customer_run_id: "run-\ud800" }))),
      400,
      "validation_error",
    );
    expect(worker.error.details).toEqual([{ path: "customer_run_id", message: expect.any(String) }]);
    expect(await storedRuns(tenant)).toEqual({ runs: 0, objects: 0 });
  });

  it("refuses a body that is not valid UTF-8, or declares another charset", async () => {
    const tenant = await seedTenant();
    const json = JSON.stringify({ ...SEED_PACKET, ai_output: "Refunds within 60 days, caf\u00e9 included." });
    // "é" as the single Latin-1 byte 0xE9, which is not UTF-8.
    const bytes = Uint8Array.from([...new TextEncoder().encode(json.replace("\u00e9", "#"))].map((byte) => (byte === 0x23 ? 0xe9 : byte)));
    const invalid = await expectError(await send(tenant, "/v1/review-runs", bytes), 400, "invalid_json");
    expect(invalid.error.message).toMatch(/UTF-8/);
    await expectError(await send(tenant, "/v1/review-runs", json, "application/json; charset=iso-8859-1"), 415, "unsupported_media_type");
    expect(await storedRuns(tenant)).toEqual({ runs: 0, objects: 0 });
  });

  it("accepts well-formed text, astral characters included, with or without charset=utf-8", async () => {
    const tenant = await seedTenant();
    const packet = { ...SEED_PACKET, ai_output: "Refunds within 60 days 🙂 for all.", external_id: "order-🙂" };
    expect((await send(tenant, "/v1/review-runs", JSON.stringify(packet))).status).toBe(202);
    const again = { ...packet, external_id: "order-2" };
    expect((await send(tenant, "/v1/review-runs", JSON.stringify(again), "application/json; charset=UTF-8")).status).toBe(202);
    const found = (await (await call(`/v1/review-runs?external_id=${encodeURIComponent("order-🙂")}`, { key: tenant.apiKey })).json()) as Json;
    expect(found.items).toHaveLength(1);
  });

  it("checks raw CSV and JSON Lines imports too: invalid UTF-8 refuses the file, a lone surrogate only its row", async () => {
    const tenant = await seedTenant();
    const csv = "ai_output,source_title,source_content,intended_use\ncaf#,Guide,Admins can export audit logs.,internal_draft\n";
    const latin1 = Uint8Array.from([...new TextEncoder().encode(csv)].map((byte) => (byte === 0x23 ? 0xe9 : byte)));
    for (const contentType of ["text/csv", "text/csv; charset=utf-8", "application/x-ndjson"]) {
      const refused = await expectError(await send(tenant, "/v1/imports", latin1, contentType), 400, "validation_error");
      expect(refused.error.details, contentType).toEqual([{ path: "data", message: expect.stringContaining("UTF-8") }]);
    }
    expect((await send(tenant, "/v1/imports", csv.replace("#", "\u00e9"), "text/csv")).status).toBe(202);

    // JSON can spell a lone surrogate inside a JSONL line or a CSV JSON cell; only that row is rejected.
    const good = JSON.stringify(row(1));
    const lone = JSON.stringify(row(2)).replace("Admins can", "Admins \\ud800 can");
    const jsonl = await send(tenant, "/v1/imports", `${good}\n${lone}\n`, "application/x-ndjson");
    expect(jsonl.status).toBe(202);
    const imported = (await jsonl.json()) as Json;
    expect(imported).toMatchObject({ accepted_count: 1, rejected_count: 1 });
    expect(imported.validation_errors).toEqual([
      { row: 2, external_id: "row-2", path: "ai_output", code: "validation_error", message: expect.stringContaining("lone UTF-16 surrogate") },
    ]);
    const cell = 'ai_output,sources,intended_use\nok,"[{""title"":""T\\udc00"",""content"":""c""}]",internal_draft\n';
    const fromCsv = (await (await send(tenant, "/v1/imports", cell, "text/csv")).json()) as Json;
    expect(fromCsv.validation_errors).toEqual([expect.objectContaining({ row: 1, path: "sources.0.title", code: "validation_error" })]);
  });
});
