import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { REVIEW_DLQ_NAME, REVIEW_QUEUE_NAME, retryDelaySeconds } from "../../src/queues/review-consumer.ts";
import { call, seedTenant } from "../helpers/harness.ts";
import { artifactsOf, deliver, message, queuedRun } from "../helpers/review-queue.ts";
import type { Json } from "../helpers/runs.ts";

afterEach(() => vi.restoreAllMocks());

describe("the review queue consumer", () => {
  it("produces identical artifacts when the same message arrives three times", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    const result = await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    expect(result.explicitAcks).toHaveLength(1);
    const clean = await artifactsOf(tenant, runId);
    expect(clean.status).toBe("completed");

    const redelivered = await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId), message(tenant, runId), message(tenant, runId)]);
    expect(redelivered.explicitAcks).toHaveLength(3);
    expect(await artifactsOf(tenant, runId)).toEqual(clean);
  });

  it("rewrites the same artifacts, without duplicates, after a crash between the write and the ack", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    const clean = await artifactsOf(tenant, runId);
    // The batch committed but the ack was lost: the run is picked up again as processing.
    await env.DB.prepare("UPDATE review_runs SET status = 'processing' WHERE id = ?").bind(runId).run();
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    expect(await artifactsOf(tenant, runId)).toEqual(clean);
  });

  it("keeps no claims or report for a run that was failed while the engine ran", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    const realGet = env.SOURCES.get.bind(env.SOURCES);
    // The sweeper gives up on the run between the consumer's claim and its write.
    vi.spyOn(env.SOURCES, "get").mockImplementation(async (key: string) => {
      await env.DB.prepare("UPDATE review_runs SET status = 'failed', error_code = 'processing_stalled' WHERE id = ?").bind(runId).run();
      return realGet(key);
    });
    const result = await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await artifactsOf(tenant, runId)).toMatchObject({ status: "failed", claims: [], claim_report: null, verification_results: [], stored: 0 });
    const report = await call(`/v1/review-runs/${runId}/claim-report`, { key: tenant.apiKey });
    expect(report.status).toBe(404);
  });

  it("serves no artifacts for a failed run even if rows exist", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    expect((await artifactsOf(tenant, runId)).claims.length).toBeGreaterThan(0);
    await env.DB.prepare("UPDATE review_runs SET status = 'failed' WHERE id = ?").bind(runId).run();
    expect(await artifactsOf(tenant, runId)).toMatchObject({ status: "failed", claims: [], claim_report: null, source_spans: [] });
  });

  it("retries a transient failure with backoff and then completes", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    const realGet = env.SOURCES.get.bind(env.SOURCES);
    const spy = vi.spyOn(env.SOURCES, "get").mockImplementationOnce(async () => {
      throw new Error("R2 is having a moment");
    });
    const first = await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    expect(first.retryMessages).toEqual([{ msgId: expect.any(String) }]);
    expect((await artifactsOf(tenant, runId)).status).toBe("processing");
    spy.mockImplementation(realGet as typeof env.SOURCES.get);
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    expect((await artifactsOf(tenant, runId)).status).toBe("completed");
  });

  it("backs off exponentially between attempts, capped at five minutes", () => {
    expect([1, 2, 3, 4, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 16, 300]);
  });

  it("fails the run at once when its source content is gone", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    await env.SOURCES.delete(`runs/${tenant.projectId}/${runId}/sources/1`);
    const result = await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    expect(result.explicitAcks).toHaveLength(1);
    const run = (await (await call(`/v1/review-runs/${runId}`, { key: tenant.apiKey })).json()) as Json;
    expect(run).toMatchObject({ status: "failed", error_code: "source_unavailable" });
  });

  it("acks a poisoned message without touching any run", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    const result = await deliver(REVIEW_QUEUE_NAME, [{ hello: "world" }, "not even an object", { kind: "review_run", review_run_id: runId }]);
    expect(result.explicitAcks).toHaveLength(3);
    expect((await artifactsOf(tenant, runId)).status).toBe("queued");
  });

  it("fails a run whose message exhausted its retries, with a code and no internals", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    await deliver(REVIEW_DLQ_NAME, [message(tenant, runId)]);
    const run = (await (await call(`/v1/review-runs/${runId}`, { key: tenant.apiKey })).json()) as Json;
    expect(run).toMatchObject({ status: "failed", error_code: "processing_failed" });
    expect(run.error_message).not.toMatch(/Error|at |\.ts/);
  });

  it("does not fail a completed run when a stale dead letter arrives", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    await deliver(REVIEW_DLQ_NAME, [message(tenant, runId)]);
    expect((await artifactsOf(tenant, runId)).status).toBe("completed");
  });
});
