import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { REVIEW_QUEUE_NAME } from "../../src/queues/review-consumer.ts";
import { call, seedTenant, type Tenant } from "../helpers/harness.ts";
import { deliver, message, queuedRun } from "../helpers/review-queue.ts";
import type { Json } from "../helpers/runs.ts";

const HOUR = 3_600_000;
const cron = (at = Date.now()) => worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env);

async function completedRun(tenant: Tenant): Promise<string> {
  const runId = await queuedRun(tenant);
  await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
  return runId;
}

/** Everything a client reads about a run's results. */
async function results(tenant: Tenant, runId: string) {
  const get = async (path: string) => (await (await call(path, { key: tenant.apiKey })).json()) as Json;
  const { request_id: _a, ...run } = await get(`/v1/review-runs/${runId}`);
  const { request_id: _b, ...claims } = await get(`/v1/review-runs/${runId}/claims`);
  const { request_id: _c, ...report } = await get(`/v1/review-runs/${runId}/claim-report`);
  const markdown = await (await call(`/v1/review-runs/${runId}/claim-report?format=markdown`, { key: tenant.apiKey })).text();
  return { run, claims, report, markdown };
}

const artifactObjects = async (tenant: Tenant, runId: string) =>
  (await env.SOURCES.list({ prefix: `runs/${tenant.projectId}/${runId}/artifacts/`, include: ["customMetadata"] })).objects;

const d1Rows = async (runId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM review_artifacts WHERE review_run_id = ?").bind(runId).first<{ n: number }>())!.n;

describe("a completed run's artifacts", () => {
  it("are one compressed R2 object, and no D1 rows", async () => {
    const tenant = await seedTenant();
    const runId = await completedRun(tenant);
    const objects = await artifactObjects(tenant, runId);
    expect(objects).toHaveLength(1);
    expect(objects[0]!.customMetadata).toEqual({ encoding: "gzip" });
    expect(await d1Rows(runId)).toBe(0);

    const { run, claims, report } = await results(tenant, runId);
    expect(run.status).toBe("completed");
    expect(claims.items.length).toBe(run.claim_count);
    expect(run.verification_results).toHaveLength(run.claim_count);
    expect(report).toEqual(run.claim_report);
    expect(report.safe_use_status).toBe("needs_repair");
  });

  it("are read from the old D1 rows until the cron moves them to R2, with identical answers", async () => {
    const tenant = await seedTenant();
    const runId = await completedRun(tenant);
    const before = await results(tenant, runId);

    // What a run completed before the move looks like: rows in review_artifacts, no object.
    const [object] = await artifactObjects(tenant, runId);
    const { source_spans, verification_results, claim_report } = before.run as Json;
    const insert = env.DB.prepare("INSERT INTO review_artifacts (review_run_id, kind, position, id, body) VALUES (?, ?, ?, ?, ?)");
    await env.DB.batch([
      insert.bind(runId, "claim", 0, before.claims.items[0].id, JSON.stringify(before.claims.items)),
      insert.bind(runId, "source_span", 0, source_spans[0].id, JSON.stringify(source_spans)),
      insert.bind(runId, "verification_result", 0, verification_results[0].id, JSON.stringify(verification_results)),
      insert.bind(runId, "claim_report", 0, claim_report.id, JSON.stringify(claim_report)),
      env.DB.prepare("UPDATE review_runs SET artifact_version = NULL WHERE id = ?").bind(runId),
    ]);
    await env.SOURCES.delete(object!.key);

    expect(await results(tenant, runId)).toEqual(before);
    await cron();
    expect(await d1Rows(runId)).toBe(0);
    expect(await artifactObjects(tenant, runId)).toHaveLength(1);
    expect(await results(tenant, runId)).toEqual(before);
  });

  it("replace the earlier object when a retry completes the run again", async () => {
    const tenant = await seedTenant();
    const runId = await completedRun(tenant);
    const before = await results(tenant, runId);
    // The first attempt committed but its ack was lost: the run is picked up again.
    await env.DB.prepare("UPDATE review_runs SET status = 'processing' WHERE id = ?").bind(runId).run();
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    expect(await artifactObjects(tenant, runId)).toHaveLength(1);
    const after = await results(tenant, runId);
    expect({ ...after, run: after.run.verification_results }).toEqual({ ...before, run: before.run.verification_results });
  });
});

describe("idempotency records", () => {
  it("are purged by the cron once their 24 hours are over", async () => {
    const tenant = await seedTenant();
    const keyed = (key: string) => call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: { ...SEED, external_id: key }, headers: { "Idempotency-Key": key } });
    expect((await keyed("old")).status).toBe(202);
    expect((await keyed("recent")).status).toBe(202);
    await env.DB.prepare("UPDATE idempotency_keys SET created_at = ? WHERE project_id = ? AND key = 'old'")
      .bind(new Date(Date.now() - 25 * HOUR).toISOString(), tenant.projectId)
      .run();
    await cron();
    const { results: left } = await env.DB.prepare("SELECT key FROM idempotency_keys WHERE project_id = ?").bind(tenant.projectId).all<{ key: string }>();
    expect(left.map((row) => row.key)).toEqual(["recent"]);
  });
});

const SEED = {
  ai_output: "Customers can request refunds for any order within 60 days.",
  sources: [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }],
  intended_use: "customer_facing",
};
