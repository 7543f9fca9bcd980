import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { REVIEW_DLQ_NAME, REVIEW_QUEUE_NAME } from "../../src/queues/review-consumer.ts";
import { call, seedTenant, type Tenant } from "../helpers/harness.ts";
import { deliver, message, queuedRun } from "../helpers/review-queue.ts";
import type { Json } from "../helpers/runs.ts";

/**
 * A run the engine throws on. Stored state no request can produce (an intended
 * use the gate policy does not know) stands in for hostile text that once
 * overflowed the engine's stack (issue 14, item 8), so this keeps testing the
 * consumer after the engine is fixed.
 */
async function runTheEngineThrowsOn(tenant: Tenant): Promise<string> {
  const runId = await queuedRun(tenant);
  await env.DB.prepare("UPDATE review_runs SET intended_use = 'no_such_use' WHERE id = ?").bind(runId).run();
  return runId;
}

const used = async (tenant: Tenant) => ((await (await call("/v1/usage", { key: tenant.apiKey })).json()) as Json).used as number;

describe("a run that fails by Kivo's fault", () => {
  it("fails at once with engine_error when the engine throws, instead of five identical retries", async () => {
    const tenant = await seedTenant();
    const runId = await runTheEngineThrowsOn(tenant);
    const result = await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    const run = (await (await call(`/v1/review-runs/${runId}`, { key: tenant.apiKey })).json()) as Json;
    expect(run).toMatchObject({ status: "failed", error_code: "engine_error" });
    expect(run.error_message).not.toMatch(/RangeError|stack|\.ts/);
  });

  it("does not count against the allowance, and is given back exactly once", async () => {
    const tenant = await seedTenant();
    const engineFailure = await runTheEngineThrowsOn(tenant);
    const deadLetter = await queuedRun(tenant);
    expect(await used(tenant)).toBe(2);
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, engineFailure), message(tenant, engineFailure)]);
    expect(await used(tenant)).toBe(1);
    await deliver(REVIEW_DLQ_NAME, [message(tenant, deadLetter), message(tenant, deadLetter)]);
    expect(await used(tenant)).toBe(0);
  });
});
