import type { z } from "zod";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { call, type Tenant } from "../../helpers/harness.ts";
import { documented } from "../../helpers/documented.ts";
import { ReviewRunListSchema, ReviewRunSchema } from "../../../src/schemas/review-run.ts";
import { CreatedEnterpriseWorkerRunSchema } from "../../../src/schemas/enterprise-worker.ts";

export const OUTPUT_TEXT = "Customers can request refunds for any order within 60 days, including international orders.";
export const SOURCE_TEXT = "Customers may request a refund within 30 days of purchase.";

export const hashOf = async (text: string) => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return `sha256:${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
};

export async function createBody(overrides: Record<string, unknown> = {}) {
  return {
    schema_version: "kivo_private_worker_review_run_create.v1",
    customer_run_id: `acme-${crypto.randomUUID()}`,
    workflow_id: "support_answer",
    title: "Refund answer",
    intended_use: "customer_facing",
    source_count: 1,
    source_hashes: [await hashOf(SOURCE_TEXT)],
    output_hash: await hashOf(OUTPUT_TEXT),
    worker_version: "kivo-worker/test",
    ...overrides,
  };
}

export interface CreatedRun {
  id: string;
  token: string;
  credentialId: string;
  body: z.infer<typeof CreatedEnterpriseWorkerRunSchema>;
}

export async function createRun(tenant: Tenant, overrides: Record<string, unknown> = {}): Promise<CreatedRun> {
  const response = await call("/v1/private-worker/review-runs", {
    method: "POST",
    key: tenant.apiKey,
    json: await createBody(overrides),
  });
  const json: unknown = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(201);
  const body = documented(CreatedEnterpriseWorkerRunSchema, json);
  return {
    id: body.review_run.id,
    token: body.worker_credential!.token,
    credentialId: body.worker_credential!.credential_id,
    body,
  };
}

export function sendEvent(runId: string, token: string | undefined, json: unknown) {
  return call(`/v1/private-worker/review-runs/${runId}/events`, {
    method: "POST",
    ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
    json,
  });
}

export const statusEvent = (overrides: Record<string, unknown> = {}) => ({
  event_type: "status",
  event_id: `evt_${crypto.randomUUID()}`,
  occurred_at: new Date().toISOString(),
  status: "processing",
  ...overrides,
});

export const completedEvent = (overrides: Record<string, unknown> = {}) => ({
  event_type: "completed",
  event_id: `evt_${crypto.randomUUID()}`,
  occurred_at: new Date().toISOString(),
  gate_verdict: "needs_repair",
  claim_count: 2,
  unsupported_claim_count: 1,
  policy_version: "gate-policy.2026-11-22.v1",
  artifact_summaries: [{ kind: "claim_report", count: 1, storage_pointer: "s3://acme/reports/run-1/claim-report.json" }],
  ...overrides,
});

/** The run as the API lists it (the list is the read path every capture method shares). */
export async function listedRun(tenant: Tenant, runId: string) {
  const response = await call("/v1/review-runs?limit=100", { key: tenant.apiKey });
  expect(response.status).toBe(200);
  const { items } = documented(ReviewRunListSchema, await response.json());
  return items.find((item) => item.id === runId);
}

/** The run as `GET /v1/review-runs/{id}` answers it, private-worker metadata included. */
export async function readRun(tenant: Tenant, runId: string) {
  const response = await call(`/v1/review-runs/${runId}`, { key: tenant.apiKey });
  expect(response.status).toBe(200);
  return documented(ReviewRunSchema, await response.json());
}

/** Every stored row that mentions the run, for "nothing changed" and "no raw content" checks. */
export async function storedRows(runId: string) {
  const [run, details, events] = await Promise.all([
    env.DB.prepare("SELECT * FROM review_runs WHERE id = ?").bind(runId).first(),
    env.DB.prepare("SELECT * FROM private_worker_runs WHERE review_run_id = ?").bind(runId).first(),
    env.DB.prepare("SELECT * FROM private_worker_events WHERE review_run_id = ? ORDER BY received_at").bind(runId).all(),
  ]);
  return { run, details, events: events.results };
}

/** Every row of every table, serialized: a marker found here was stored somewhere. */
export async function wholeDatabase(): Promise<string> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
  ).all<{ name: string }>();
  const dumps = await Promise.all(tables.results.map(({ name }) => env.DB.prepare(`SELECT * FROM "${name}"`).all()));
  return JSON.stringify(dumps.map((d) => d.results));
}
