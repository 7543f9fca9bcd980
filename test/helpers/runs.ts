import type { z } from "zod";
import { expect } from "vitest";
import { call, type Tenant } from "./harness.ts";
import { documented } from "./documented.ts";
import { QueuedReviewRunSchema, ReviewRunSchema } from "../../src/schemas/review-run.ts";
import { type ErrorEnvelope, ErrorEnvelopeSchema } from "../../src/errors.ts";

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

type QueuedReviewRun = z.infer<typeof QueuedReviewRunSchema>;

/**
 * `POST /v1/review-runs`, its answer read through the schema documented for
 * its status: the run itself (200, reviewed inline under `Prefer: wait`), the
 * queued run (202) or the error envelope.
 */
export type ErrorStatus = 400 | 401 | 402 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
export type CreateRunAnswer =
  | { response: Response; status: 200; body: ReviewRun }
  | { response: Response; status: 202; body: QueuedReviewRun }
  | { response: Response; status: ErrorStatus; body: ErrorEnvelope };

export async function createRun(tenant: Tenant, packet: unknown, headers: Record<string, string> = {}): Promise<CreateRunAnswer> {
  const response = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: packet, headers });
  const json: unknown = await response.json();
  if (response.status === 200) return { response, status: 200, body: documented(ReviewRunSchema, json) };
  if (response.status === 202) return { response, status: 202, body: documented(QueuedReviewRunSchema, json) };
  return { response, status: response.status as ErrorStatus, body: documented(ErrorEnvelopeSchema, json) };
}

/** The answer, which must have come with `status`, typed as that status documents it. */
export function answered<S extends 200 | 202 | ErrorStatus>(answer: CreateRunAnswer, status: S): Extract<CreateRunAnswer, { status: S extends ErrorStatus ? ErrorStatus : S }> {
  expect(answer.response.status, JSON.stringify(answer.body).slice(0, 500)).toBe(status);
  return answer as Extract<CreateRunAnswer, { status: S extends ErrorStatus ? ErrorStatus : S }>;
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
