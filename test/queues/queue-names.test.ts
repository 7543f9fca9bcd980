import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { REVIEW_DLQ_NAME, REVIEW_QUEUE_NAME } from "../../src/queues/review-consumer.ts";
import { call, seedTenant } from "../helpers/harness.ts";
import { deliver, message, queuedRun } from "../helpers/review-queue.ts";
import type { Json } from "../helpers/runs.ts";

// Staging's queues are named with a suffix (wrangler.toml [env.staging]); the
// handler must still tell the review queue from its dead letters.
describe("queues of a deployment with KIVO_QUEUE_SUFFIX", () => {
  const staging = { ...env, KIVO_QUEUE_SUFFIX: "-staging" };
  const runOf = async (apiKey: string, runId: string) => (await (await call(`/v1/review-runs/${runId}`, { key: apiKey })).json()) as Json;

  it("reviews a message from kivo-review-runs-staging", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    const result = await deliver(`${REVIEW_QUEUE_NAME}-staging`, [message(tenant, runId)], staging);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await runOf(tenant.apiKey, runId)).toMatchObject({ status: "completed" });
  });

  it("treats kivo-review-runs-dlq-staging as dead letters: the run fails instead of being reviewed", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    await deliver(`${REVIEW_DLQ_NAME}-staging`, [message(tenant, runId)], staging);
    expect(await runOf(tenant.apiKey, runId)).toMatchObject({ status: "failed", error_code: "processing_failed" });
  });
});
