import { describe, expect, it } from "vitest";
import { call, seedTenant } from "../helpers/harness.ts";
import { SEED_PACKET } from "../helpers/runs.ts";
import { createBody, createRun } from "../routes/enterprise-worker/helpers.ts";
import { row } from "../helpers/imports.ts";
import { canonicalJson } from "../../src/lib/canonical-json.ts";

/** JSON nested `levels` deep, built as text (no recursion here either). */
const nested = (levels: number) => `${'{"n":'.repeat(levels)}"bottom"${"}".repeat(levels)}`;

/** Found by `npm run fuzz`: a walk over deeply nested JSON overflowed the stack and answered 500. */
describe("deeply nested JSON is refused, never a crash", () => {
  it("in hosted run metadata", async () => {
    const tenant = await seedTenant();
    const body = JSON.stringify({ ...SEED_PACKET, metadata: "@" }).replace('"@"', nested(100_000));
    const response = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, headers: { "Content-Type": "application/json" }, body });
    expect(response.status).toBeLessThan(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(/validation_error|invalid_json/);
  });

  it("in an Enterprise Worker create and event", async () => {
    const tenant = await seedTenant();
    // 9,000 levels fit the 64 KB limit of these endpoints (the fuzz case was 2,000).
    const create = JSON.stringify({ ...(await createBody()), metadata: "@" }).replace('"@"', nested(9_000));
    const created = await call("/v1/private-worker/review-runs", { method: "POST", key: tenant.apiKey, headers: { "Content-Type": "application/json" }, body: create });
    expect(created.status).toBeLessThan(500);
    expect(((await created.json()) as { error: { code: string } }).error.code).toMatch(/validation_error|invalid_json/);

    const run = await createRun(tenant);
    const event = JSON.stringify({ event_type: "status", event_id: "deep", status: "processing", artifact_summaries: "@" }).replace('"@"', nested(9_000));
    const sent = await call(`/v1/private-worker/review-runs/${run.id}/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${run.token}`, "Content-Type": "application/json" },
      body: event,
    });
    expect(sent.status).toBeLessThan(500);
    expect(((await sent.json()) as { error: { code: string } }).error.code).toBe("validation_error");
  });

  it("in import rows sent with an Idempotency-Key, which is hashed before the rows are validated", async () => {
    const tenant = await seedTenant();
    const post = (body: string, key: string) =>
      call("/v1/imports", { method: "POST", key: tenant.apiKey, headers: { "Content-Type": "application/json", "Idempotency-Key": key }, body });
    // The case: a 10 KB body, 5,000 levels deep.
    const deep = JSON.stringify({ rows: [{ ...row(1), metadata: "@" }] }).replace('"@"', nested(5_000));
    const refused = await post(deep, "deep-1");
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe("validation_error");
    expect(body.error.details[0]!.path).toBe("rows.0");
    // The key was not consumed by the refusal: a good request may use it.
    expect((await post(JSON.stringify({ rows: [row(1)] }), "deep-1")).status).toBe(202);

    // Deep, but within the bound: that row alone is rejected, its neighbour becomes a run, and a retry replays.
    const shallow = JSON.stringify({ rows: [{ ...row(2), metadata: "@" }, row(3)] }).replace('"@"', nested(20));
    const first = await post(shallow, "deep-2");
    expect(first.status).toBe(202);
    const imported = (await first.json()) as { id: string; accepted_count: number; validation_errors: { row: number; path: string }[] };
    expect(imported).toMatchObject({ accepted_count: 1, validation_errors: [{ row: 1, path: "metadata" }] });
    const replay = await post(shallow, "deep-2");
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(((await replay.json()) as { id: string }).id).toBe(imported.id);
  });
});

describe("the Idempotency-Key request hash", () => {
  it("walks any depth without recursion, and ignores key order", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 200_000; i++) deep = { n: deep, a: [i] };
    expect(canonicalJson(deep).startsWith('{"a":[199999],"n":{"a":[199998],')).toBe(true);
    expect(canonicalJson({ b: [1, { d: null, c: "x" }], a: {} })).toBe('{"a":{},"b":[1,{"c":"x","d":null}]}');
  });
});
