import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import worker from "../../src/index.ts";
import type { ReviewQueueMessage } from "../../src/schemas/queue-messages.ts";
import { ReviewRunInputSchema } from "../../src/schemas/review-run-input.ts";
import { createReviewRuns } from "../../src/services/review-runs/create.ts";
import type { AuthContext } from "../../src/services/tenancy/auth.ts";
import { call, type Tenant } from "./harness.ts";
import { SEED_PACKET, type Json } from "./runs.ts";
import { onPrimary } from "./tenant-env.ts";

const authOf = (tenant: Tenant): AuthContext => ({
  keyId: tenant.apiKeyId,
  organizationId: tenant.organizationId,
  projectId: tenant.projectId,
  scopes: [],
  plan: "enterprise",
  rateLimitPerMinute: null,
  shard: null,
  writesPaused: false,
});

/** A stored, queued run whose message we deliver by hand. */
export async function queuedRun(tenant: Tenant, captureMethod: "api" | "upload" = "api"): Promise<string> {
  const [run] = await createReviewRuns(onPrimary(env), authOf(tenant), [ReviewRunInputSchema.parse(SEED_PACKET)], {
    captureMethod,
    enqueue: false,
  });
  return run!.id;
}

export async function deliver(queue: string, bodies: unknown[], environment: typeof env = env) {
  const batch = createMessageBatch<unknown>(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, environment);
  return getQueueResult(batch, ctx);
}

export const message = (tenant: Tenant, runId: string): ReviewQueueMessage => ({ kind: "review_run", review_run_id: runId, project_id: tenant.projectId });

export async function artifactsOf(tenant: Tenant, runId: string) {
  const get = async (path: string) => (await (await call(path, { key: tenant.apiKey })).json()) as Json;
  const run = await get(`/v1/review-runs/${runId}`);
  const claims = await get(`/v1/review-runs/${runId}/claims`);
  const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM review_artifacts WHERE review_run_id = ?").bind(runId).first<{ n: number }>();
  const objects = await env.SOURCES.list({ prefix: `runs/${tenant.projectId}/${runId}/artifacts/` });
  return {
    status: run.status,
    gate_verdict: run.gate_verdict,
    source_spans: run.source_spans,
    verification_results: run.verification_results,
    claim_report: run.claim_report,
    claims: claims.items,
    /** Stored artifact records of the run: legacy D1 rows plus R2 objects. */
    stored: (rows?.n ?? 0) + objects.objects.length,
  };
}
