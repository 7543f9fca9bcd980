import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index.ts";
import { seedTenant, type Tenant } from "../helpers/harness.ts";
import { queuedRun } from "../helpers/review-queue.ts";
import { waitForRun } from "../helpers/runs.ts";

const MINUTE = 60_000;

/** A stored run whose queue message was lost: created without one. */
async function orphanedRun(tenant: Tenant, ageMinutes: number, enqueueCount = 1): Promise<string> {
  const runId = await queuedRun(tenant);
  const past = new Date(Date.now() - ageMinutes * MINUTE).toISOString();
  await env.DB.prepare("UPDATE review_runs SET created_at = ?, updated_at = ?, enqueue_count = ? WHERE id = ?")
    .bind(past, past, enqueueCount, runId)
    .run();
  return runId;
}

const statusOf = async (id: string) =>
  env.DB.prepare("SELECT status, enqueue_count, error_code FROM review_runs WHERE id = ?").bind(id).first<{
    status: string;
    enqueue_count: number;
    error_code: string | null;
  }>();

describe("the scheduled sweeper", () => {
  it("re-enqueues a run whose message was lost, which then completes", async () => {
    const tenant = await seedTenant();
    const lost = await orphanedRun(tenant, 30);
    const fresh = await orphanedRun(tenant, 1);

    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);

    expect((await statusOf(lost))?.enqueue_count).toBe(2);
    expect(await statusOf(fresh)).toMatchObject({ status: "queued", enqueue_count: 1 });
    expect((await waitForRun(tenant, lost)).status).toBe("completed");
  });

  it("fails a run that was handed to the queue too often, with a code", async () => {
    const tenant = await seedTenant();
    const hopeless = await orphanedRun(tenant, 30, 5);
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    expect(await statusOf(hopeless)).toEqual({ status: "failed", enqueue_count: 5, error_code: "processing_stalled" });
  });

  it("leaves a run alone until it is past the threshold, by the scheduled clock", async () => {
    const tenant = await seedTenant();
    const run = await orphanedRun(tenant, 5);
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    expect((await statusOf(run))?.enqueue_count).toBe(1);
    // Ten minutes later by the controller's clock, the same run is stale.
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 10 * MINUTE, cron: "*/5 * * * *" }), env);
    expect((await statusOf(run))?.enqueue_count).toBe(2);
  });
});
