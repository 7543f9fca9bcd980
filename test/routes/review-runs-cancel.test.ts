import { describe, expect, it } from "vitest";
import { REVIEW_QUEUE_NAME } from "../../src/queues/review-consumer.ts";
import { SCOPES } from "../../src/services/tenancy/scopes.ts";
import { addKey, call, expectError, seedTenant } from "../helpers/harness.ts";
import { createRun, readRun } from "./enterprise-worker/helpers.ts";
import { artifactsOf, deliver, message, queuedRun } from "../helpers/review-queue.ts";
import { documented } from "../helpers/documented.ts";
import { RequestIdSchema } from "../../src/schemas/common.ts";
import { ReviewRunSummarySchema } from "../../src/schemas/review-run.ts";

/** The cancel's documented answer: the run's summary and the request ID. */
const CancelledRunSchema = ReviewRunSummarySchema.extend({ request_id: RequestIdSchema });

describe("POST /v1/review-runs/{id}/cancel", () => {
  it("cancels a queued run, which the consumer then skips", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    const response = await call(`/v1/review-runs/${runId}/cancel`, { method: "POST", key: tenant.apiKey });
    expect(response.status).toBe(200);
    expect(documented(CancelledRunSchema, await response.json()).status).toBe("cancelled");
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    const after = await artifactsOf(tenant, runId);
    expect(after).toMatchObject({ status: "cancelled", stored: 0, claims: [] });
    await expectError(await call(`/v1/review-runs/${runId}/cancel`, { method: "POST", key: tenant.apiKey }), 409, "run_not_cancellable");
  });

  it("refuses to cancel a completed run", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant);
    await deliver(REVIEW_QUEUE_NAME, [message(tenant, runId)]);
    const body = await expectError(await call(`/v1/review-runs/${runId}/cancel`, { method: "POST", key: tenant.apiKey }), 409, "run_not_cancellable");
    expect(body.error.message).toContain("completed");
  });

  it("needs the scope that created the run: a hosted-only key cannot stop a private-worker run", async () => {
    const tenant = await seedTenant();
    const { id } = await createRun(tenant);
    const hostedOnly = await addKey(tenant, SCOPES.filter((scope) => scope !== "private_worker_runs:create"));
    const body = await expectError(await call(`/v1/review-runs/${id}/cancel`, { method: "POST", key: hostedOnly }), 403, "insufficient_scope");
    expect(body.error.message).toContain("private_worker_runs:create");
    expect((await readRun(tenant, id)).status).toBe("queued");

    const both = await addKey(tenant, ["review_runs:create", "review_runs:read", "private_worker_runs:create"]);
    const cancelled = await call(`/v1/review-runs/${id}/cancel`, { method: "POST", key: both });
    expect(documented(CancelledRunSchema, await cancelled.json()).status).toBe("cancelled");
  });

  it("lets a key with only private_worker_runs:create cancel its Enterprise Worker run, and nothing else", async () => {
    const tenant = await seedTenant();
    const workerOnly = await addKey(tenant, ["private_worker_runs:create"]);
    const hosted = await queuedRun(tenant);
    const refused = await expectError(await call(`/v1/review-runs/${hosted}/cancel`, { method: "POST", key: workerOnly }), 403, "insufficient_scope");
    expect(refused.error.message).toContain("review_runs:create");
    const { id } = await createRun(tenant);
    const response = await call(`/v1/review-runs/${id}/cancel`, { method: "POST", key: workerOnly });
    expect(response.status).toBe(200);
    expect(documented(CancelledRunSchema, await response.json()).status).toBe("cancelled");
    expect((await readRun(tenant, id)).status).toBe("cancelled");
  });

  it("needs imports:create to cancel an imported run", async () => {
    const tenant = await seedTenant();
    const runId = await queuedRun(tenant, "upload");
    const noImports = await addKey(tenant, SCOPES.filter((scope) => scope !== "imports:create"));
    await expectError(await call(`/v1/review-runs/${runId}/cancel`, { method: "POST", key: noImports }), 403, "insufficient_scope");
    const response = await call(`/v1/review-runs/${runId}/cancel`, { method: "POST", key: tenant.apiKey });
    expect(documented(CancelledRunSchema, await response.json()).status).toBe("cancelled");
  });
});
