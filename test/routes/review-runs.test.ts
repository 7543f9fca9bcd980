import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createExecutionContext } from "cloudflare:test";
import type { Bindings } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { QUEUED_EXAMPLE, RUN_EXAMPLE } from "../../src/routes/review-runs/examples.ts";
import { LIMITS, PACKET_BODY_BYTES } from "../../src/schemas/review-run-input.ts";
import { withLostAnswerWrite } from "../helpers/idempotency.ts";
import { call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";
import { ADMIN_EXPORT_PACKET, SEED_PACKET, answered, createRun, waitForRun, type Json } from "../helpers/runs.ts";
import { documented } from "../helpers/documented.ts";
import { VerificationResultListSchema } from "../../src/routes/review-runs/verification-results.ts";
import { ClaimListSchema, ClaimReportResponseSchema, ReviewRunListSchema, ReviewRunSchema } from "../../src/schemas/review-run.ts";

const keysOf = (value: object) => Object.keys(value).sort();

async function storedState(tenant: Tenant) {
  const runs = await env.DB.prepare("SELECT COUNT(*) AS n FROM review_runs WHERE project_id = ?").bind(tenant.projectId).first<{ n: number }>();
  const objects = await env.SOURCES.list({ prefix: `runs/${tenant.projectId}/` });
  // Artifact objects appear as runs are reviewed in the background; this counts what the requests store.
  return { runs: runs?.n ?? 0, objects: objects.objects.filter((object) => !object.key.includes("/artifacts/")).length };
}

describe("the hosted review flow (the README tour's packet)", () => {
  it("queues the run, reviews it through the queue and answers the four reads in their documented shapes", async () => {
    const tenant = await seedTenant();
    const { response, body } = answered(await createRun(tenant, SEED_PACKET), 202);
    expect(keysOf(body)).toEqual(keysOf(QUEUED_EXAMPLE));
    expect(keysOf(body.review_run)).toEqual(keysOf(QUEUED_EXAMPLE.review_run));
    const runId = body.review_run.id as string;
    expect(runId).toMatch(/^run_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.review_run).toMatchObject({
      project_id: tenant.projectId,
      status: "queued",
      intended_use: "customer_facing",
      strictness: "standard",
      source_count: 1,
      claim_count: 0,
      safe_use_status: null,
      gate_verdict: null,
      capture_method: "api",
      metadata: SEED_PACKET.metadata,
    });
    expect(body.polling_url).toBe(`http://kivo.test/v1/review-runs/${runId}`);
    expect(body.queued).toEqual({ review_run_id: runId, status: "queued", polling_url: body.polling_url, recommended_poll_interval_seconds: 2 });
    expect(response.headers.get("X-Request-Id")).toBe(body.request_id);

    const object = await env.SOURCES.get(`runs/${tenant.projectId}/${runId}/sources/1`);
    expect(await object?.text()).toBe(SEED_PACKET.sources[0].content);

    const run = await waitForRun(tenant, runId);
    expect(keysOf(run)).toEqual(expect.arrayContaining(keysOf(RUN_EXAMPLE)));
    expect(run).toMatchObject({ status: "completed", safe_use_status: "needs_repair" });
    expect(run.gate_verdict).toMatchObject({ id: `${runId}_gate_verdict`, verdict: "needs_repair", mode: "advisory" });
    expect(run.sources).toEqual([
      {
        id: `${runId}_source_1`,
        title: "Refund policy",
        uri: null,
        citation_label: "source 1",
        media_type: "text/plain",
        content_sha256: await sha256(SEED_PACKET.sources[0].content),
      },
    ]);
    expect(JSON.stringify(run.sources)).not.toContain("30 days of purchase");
    expect(run.ai_output).toBe(SEED_PACKET.ai_output);

    const claims = documented(ClaimListSchema, await (await call(`/v1/review-runs/${runId}/claims`, { key: tenant.apiKey })).json());
    // The tour's 60-day claim (README, "A 60-second tour"), plus the appended "including international orders" as its own atomic claim.
    expect(claims.items[0]).toMatchObject({
      id: `${runId}_claim_1`,
      text: "Customers can request refunds for any order within 60 days",
      support_status: "contradicted",
      output_start_offset: 0,
      // Offsets slice exactly the claim, without the trailing ", " (UTF-16 code units, as README "Using the API" documents).
      output_end_offset: 58,
    });
    expect(SEED_PACKET.ai_output.slice(0, 58)).toBe(claims.items[0]!.text);
    expect(run.claim_count).toBe(claims.items.length);
    expect(run.unsupported_claim_count).toBe(
      claims.items.filter((c) => c.support_status === "unsupported" || c.support_status === "contradicted").length,
    );
    expect(claims.items[0]?.primary_source_span?.quote).toBe(SEED_PACKET.sources[0].content);

    const results = documented(VerificationResultListSchema, await (await call(`/v1/review-runs/${runId}/verification-results`, { key: tenant.apiKey })).json());
    expect(results.items[0]?.rationale).toMatch(/30/);
    expect(results.items[0]?.rationale).toMatch(/60/);

    const report = documented(ClaimReportResponseSchema, await (await call(`/v1/review-runs/${runId}/claim-report`, { key: tenant.apiKey })).json());
    expect(report).toMatchObject({ id: `${runId}_claim_report`, review_run_id: runId, safe_use_status: "needs_repair" });
    expect(report.unsupported_claims[0]?.suggested_repair).toContain("30 days");

    for (const request of [
      call(`/v1/review-runs/${runId}/claim-report?format=markdown`, { key: tenant.apiKey }),
      call(`/v1/review-runs/${runId}/claim-report`, { key: tenant.apiKey, headers: { Accept: "text/markdown" } }),
    ]) {
      const markdown = await request;
      expect(markdown.headers.get("Content-Type")).toBe("text/markdown; charset=utf-8");
      const text = await markdown.text();
      expect(text).toBe(report.markdown);
      expect(text.split("\n").filter((line) => line.startsWith("#"))).toEqual([
        "# Claim report",
        "## Summary",
        "## Unsupported claims",
        "## Citation issues",
        "## Evidence notes",
        "## Follow-up questions",
      ]);
      expect(text).toContain("Use status: Needs Repair");
    }
  });

  it("supports the admin-guide claim with the exact source span", async () => {
    const tenant = await seedTenant();
    const { body } = answered(await createRun(tenant, ADMIN_EXPORT_PACKET), 202);
    const run = await waitForRun(tenant, body.review_run.id);
    expect(run.safe_use_status).toBe("verified_for_use");
    const claims = documented(ClaimListSchema, await (await call(`/v1/review-runs/${run.id}/claims`, { key: tenant.apiKey })).json());
    const span = claims.items[0]!.primary_source_span!;
    expect(claims.items[0]?.support_status).toBe("supported");
    expect(ADMIN_EXPORT_PACKET.sources[0].content.slice(span.start_offset, span.end_offset)).toBe(span.quote);
  });

  it("lists created runs newest first and finds one by external_id", async () => {
    const tenant = await seedTenant();
    const first = answered(await createRun(tenant, { ...ADMIN_EXPORT_PACKET, external_id: "ticket-1" }), 202);
    const second = answered(await createRun(tenant, { ...ADMIN_EXPORT_PACKET, external_id: "ticket-2" }), 202);
    const list = documented(ReviewRunListSchema, await (await call("/v1/review-runs", { key: tenant.apiKey })).json());
    expect(list.items.map((item: Json) => item.id)).toEqual([second.body.review_run.id, first.body.review_run.id]);
    const found = documented(ReviewRunListSchema, await (await call("/v1/review-runs?external_id=ticket-1", { key: tenant.apiKey })).json());
    expect(found.items.map((item: Json) => item.id)).toEqual([first.body.review_run.id]);
  });
});

describe("bad input creates nothing", () => {
  const cases: [string, unknown, string[]][] = [
    ["missing ai_output", { ...SEED_PACKET, ai_output: undefined }, ["ai_output"]],
    ["whitespace-only ai_output", { ...SEED_PACKET, ai_output: "   \n " }, ["ai_output"]],
    ["ai_output over 20,000 characters", { ...SEED_PACKET, ai_output: "a".repeat(20_001) }, ["ai_output"]],
    ["no sources", { ...SEED_PACKET, sources: [] }, ["sources"]],
    ["51 sources", { ...SEED_PACKET, sources: Array.from({ length: 51 }, () => SEED_PACKET.sources[0]) }, ["sources"]],
    ["empty source content", { ...SEED_PACKET, sources: [{ title: "t", content: "" }] }, ["sources.0.content"]],
    ["source over 100,000 characters", { ...SEED_PACKET, sources: [{ title: "t", content: "a".repeat(100_001) }] }, ["sources.0.content"]],
    [
      "over 1,000,000 characters of sources",
      { ...SEED_PACKET, sources: Array.from({ length: 11 }, () => ({ title: "t", content: "a".repeat(95_000) })) },
      ["sources"],
    ],
    ["unknown intended_use", { ...SEED_PACKET, intended_use: "marketing" }, ["intended_use"]],
    ["unknown strictness", { ...SEED_PACKET, strictness: "lenient" }, ["strictness"]],
    ["non-object metadata", { ...SEED_PACKET, metadata: ["a"] }, ["metadata"]],
    ["a credential in metadata", { ...SEED_PACKET, metadata: { note: `key kivo_live_${"A".repeat(32)}` } }, ["metadata.note"]],
    ["a Kivo key split by U+200B in metadata", { ...SEED_PACKET, metadata: { note: `kivo_live_abcd\u200b${"A".repeat(28)}` } }, ["metadata.note"]],
    ["an OpenAI key in metadata", { ...SEED_PACKET, metadata: { note: `sk-proj-${"a1B2c3D4".repeat(4)}` } }, ["metadata.note"]],
    ["a credential as external_id", { ...SEED_PACKET, external_id: `whsec_${"a1B2".repeat(8)}` }, ["external_id"]],
    [
      "a credential as a source label",
      { ...SEED_PACKET, sources: [{ ...SEED_PACKET.sources[0], citation_label: "postgres://kivo:pw@db/kivo" }] },
      ["sources.0.citation_label"],
    ],
    ["an unknown field", { ...SEED_PACKET, surprise: 1 }, ["(root)"]],
  ];

  it.each(cases)("%s → 400 validation_error naming the field", async (_name, packet, paths) => {
    const tenant = await seedTenant();
    const { body } = answered(await createRun(tenant, packet), 400);
    expect(body.error.code).toBe("validation_error");
    expect(body.error.details?.map((d) => d.path)).toEqual(expect.arrayContaining(paths));
    expect(await storedState(tenant)).toEqual({ runs: 0, objects: 0 });
  });

  it("takes a packet at every character limit in a three-byte script, and refuses a body past the stated size", async () => {
    const tenant = await seedTenant();
    // Held review messages: the test is about the request, not a 3 MB review.
    const testEnv = { ...env, REVIEW_QUEUE: { send: async () => undefined, sendBatch: async () => undefined } } as unknown as Bindings;
    const han = (n: number) => "審".repeat(n);
    const packet = {
      ...SEED_PACKET,
      ai_output: han(LIMITS.aiOutputChars),
      question: han(LIMITS.questionChars),
      sources: Array.from({ length: LIMITS.totalSourceChars / LIMITS.sourceChars }, (_, i) => ({
        title: han(LIMITS.titleChars),
        content: han(LIMITS.sourceChars),
        citation_label: `${i + 1}${han(LIMITS.citationLabelChars - 3)}`,
      })),
    };
    const body = JSON.stringify(packet);
    expect(new TextEncoder().encode(body).length).toBeGreaterThan(3_000_000);
    const post = (text: string) =>
      worker.fetch(
        new Request("http://kivo.test/v1/review-runs", {
          method: "POST",
          headers: { Authorization: `Bearer ${tenant.apiKey}`, "Content-Type": "application/json" },
          body: text,
        }),
        testEnv,
        createExecutionContext(),
      );
    const accepted = await post(body);
    expect(accepted.status).toBe(202);
    expect(await storedState(tenant)).toEqual({ runs: 1, objects: 10 });

    const over = await post(JSON.stringify({ ...SEED_PACKET, metadata: { pad: "a".repeat(PACKET_BODY_BYTES) } }));
    const refused = await expectError(over, 413, "payload_too_large");
    expect(refused.error.message).toContain(`${PACKET_BODY_BYTES / (1024 * 1024)} MB`);
    expect(await storedState(tenant)).toEqual({ runs: 1, objects: 10 });
  });

  it("answers unknown and malformed run IDs with not_found", async () => {
    const tenant = await seedTenant();
    for (const id of [`run_${crypto.randomUUID()}`, "run_nope", "%20", "x".repeat(90)]) {
      await expectError(await call(`/v1/review-runs/${id}`, { key: tenant.apiKey }), 404, "not_found");
      await expectError(await call(`/v1/review-runs/${id}/claims`, { key: tenant.apiKey }), 404, "not_found");
    }
  });
});

describe("Idempotency-Key", () => {
  it("replays the first answer for the same body and creates nothing new", async () => {
    const tenant = await seedTenant();
    const headers = { "Idempotency-Key": "order-42" };
    const first = answered(await createRun(tenant, SEED_PACKET, headers), 202);
    const again = answered(await createRun(tenant, { ...SEED_PACKET, metadata: { environment: "quickstart", workflow: "support_answer" } }, headers), 202);
    expect(again.body).toEqual(first.body);
    expect(again.response.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await storedState(tenant)).runs).toBe(1);
  });

  it("answers a retry with the run even when storing the first answer after the create fails", async () => {
    const tenant = await seedTenant();
    const headers = { "Idempotency-Key": "lost-answer" };
    // D1 refuses the write that records the answer once the run exists (the batch that created it went through).
    const first = answered(await withLostAnswerWrite(() => createRun(tenant, SEED_PACKET, headers)), 202);
    const again = answered(await createRun(tenant, SEED_PACKET, headers), 202);
    expect(again.response.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body.review_run.id).toBe(first.body.review_run.id);
    expect((await storedState(tenant)).runs).toBe(1);
  });

  it("refuses the same key with a different body", async () => {
    const tenant = await seedTenant();
    await createRun(tenant, SEED_PACKET, { "Idempotency-Key": "k1" });
    const { body } = answered(await createRun(tenant, ADMIN_EXPORT_PACKET, { "Idempotency-Key": "k1" }), 409);
    expect(body.error.code).toBe("idempotency_key_reused");
    expect((await storedState(tenant)).runs).toBe(1);
  });

  it("creates exactly one run for parallel retries with one key", async () => {
    const tenant = await seedTenant();
    const responses = await Promise.all(Array.from({ length: 8 }, () => createRun(tenant, SEED_PACKET, { "Idempotency-Key": "burst" })));
    const created = responses.flatMap((r) => (r.status === 202 ? [r.body.review_run.id] : []));
    expect(new Set(created).size).toBe(1);
    expect(responses.every((r) => r.status === 202 || (r.status !== 200 && r.body.error.code === "idempotency_key_reused"))).toBe(true);
    expect((await storedState(tenant)).runs).toBe(1);
  });

  it("scopes keys to the project", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    const first = answered(await createRun(a, SEED_PACKET, { "Idempotency-Key": "shared" }), 202);
    const second = answered(await createRun(b, SEED_PACKET, { "Idempotency-Key": "shared" }), 202);
    expect(second.body.review_run.id).not.toBe(first.body.review_run.id);
  });
});

describe("Prefer: wait", () => {
  it("reviews inline and answers 200 with the completed run", async () => {
    const tenant = await seedTenant();
    const { response, body } = answered(await createRun(tenant, SEED_PACKET, { Prefer: "wait=5" }), 200);
    expect(response.headers.get("Preference-Applied")).toBe("wait=5");
    expect(body).toMatchObject({ status: "completed", safe_use_status: "needs_repair" });
    expect(keysOf(body)).toEqual(expect.arrayContaining(keysOf(RUN_EXAMPLE)));
    const stored = documented(ReviewRunSchema, await (await call(`/v1/review-runs/${body.id}`, { key: tenant.apiKey })).json());
    expect({ ...stored, request_id: null }).toEqual({ ...body, request_id: null });
  });

  it("is a deadline: past it the answer is the usual 202, and the run still completes", async () => {
    const tenant = await seedTenant();
    const realPut = env.SOURCES.put.bind(env.SOURCES);
    // Storing the review takes 2.5 s, well past a 1 s wait.
    const spy = vi.spyOn(env.SOURCES, "put").mockImplementation(async (...args: Parameters<typeof env.SOURCES.put>) => {
      if (args[0].includes("/artifacts/")) await new Promise((resolve) => setTimeout(resolve, 2500));
      return realPut(...args);
    });
    try {
      const started = Date.now();
      const { response, body } = answered(await createRun(tenant, SEED_PACKET, { Prefer: "wait=1" }), 202);
      const elapsed = Date.now() - started;
      expect(response.headers.get("Preference-Applied")).toBeNull();
      expect(elapsed).toBeLessThan(2000);
      expect((await waitForRun(tenant, body.review_run.id)).status).toBe("completed");
    } finally {
      spy.mockRestore();
    }
  });

  it("is ignored without the header or with wait=0", async () => {
    const tenant = await seedTenant();
    expect((await createRun(tenant, SEED_PACKET)).response.status).toBe(202);
    expect((await createRun(tenant, SEED_PACKET, { Prefer: "wait=0" })).response.status).toBe(202);
  });
});

async function sha256(text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
