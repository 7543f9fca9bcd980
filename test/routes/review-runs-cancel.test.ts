import { describe, expect, it } from "vitest";
import { REVIEW_QUEUE_NAME } from "../../src/queues/review-consumer.ts";
import { call, expectError, seedTenant } from "../helpers/harness.ts";
import { artifactsOf, deliver, message, queuedRun } from "../helpers/review-queue.ts";
import type { Json } from "../helpers/runs.ts";

describe("POST /v1/review-runs/{id}/cancel", () => {
  it("cancels a queued run, which the consumer then skips", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    const response = await call(`/v1/review-runs/${runId}/cancel`, { method: "POST", key: tenant.apiKey });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).status).toBe("cancelled");
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    const after = await artifactsOf(tenant, runId);
    expect(after).toMatchObject({ status: "cancelled", rows: 0, claims: [] });
    await expectError(await call(`/v1/review-runs/${runId}/cancel`, { method: "POST", key: tenant.apiKey }), 409, "run_not_cancellable");
  });

  it("refuses to cancel a completed run", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    const body = await expectError(await call(`/v1/review-runs/${runId}/cancel`, { method: "POST", key: tenant.apiKey }), 409, "run_not_cancellable");
    expect(body.error.message).toContain("completed");
  });
});
