import type { z } from "zod";
import { expect } from "vitest";
import { call, type Tenant } from "./harness.ts";
import { documented } from "./documented.ts";
import { ReviewRunSchema } from "../../src/schemas/review-run.ts";

type ReviewRun = z.infer<typeof ReviewRunSchema>;

export const SEED_PACKET = {
  ai_output: "Customers can request refunds for any order within 60 days, including international orders.",
  sources: [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }],
  intended_use: "customer_facing",
  strictness: "standard",
  metadata: { workflow: "support_answer", environment: "quickstart" },
} as const;

export const ADMIN_EXPORT_PACKET = {
  ai_output: "Admins can export audit logs.",
  sources: [{ title: "Admin guide", content: "Admins can export audit logs from the security workspace." }],
  intended_use: "internal_draft",
} as const;

export type Json = Record<string, any>;

export async function createRun(tenant: Tenant, packet: unknown, headers: Record<string, string> = {}) {
  const response = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: packet, headers });
  return { response, body: (await response.json()) as Json };
}

/** Polls like a client would, until the run leaves queued/processing. */
export async function waitForRun(tenant: Tenant, runId: string, attempts = 200): Promise<ReviewRun> {
  for (let i = 0; i < attempts; i++) {
    const run = documented(ReviewRunSchema, await (await call(`/v1/review-runs/${runId}`, { key: tenant.apiKey })).json());
    if (run.status !== "queued" && run.status !== "processing") return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect.fail(`run ${runId} did not finish`);
}
