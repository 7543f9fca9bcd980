import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import type { Bindings } from "../../src/env.ts";
import worker from "../../src/index.ts";
import type { ImportQueueMessage } from "../../src/schemas/queue-messages.ts";
import { expect } from "vitest";
import { call, type Tenant } from "./harness.ts";
import type { ErrorStatus, Json } from "./runs.ts";
import { type ErrorEnvelope, ErrorEnvelopeSchema } from "../../src/errors.ts";
import { ReviewRunListSchema, type ReviewRunSummary } from "../../src/schemas/review-run.ts";
import { documented } from "./documented.ts";
import { type ImportResponse, ImportSchema } from "../../src/routes/imports/schema.ts";

/** The two rows of examples/fixtures/sample.jsonl (README, "Imports"), byte for byte. */
export const SAMPLE_JSONL = [
  '{"external_id":"answer_001","question":"What is the refund window?","ai_output":"Refunds are available for 60 days.","sources":[{"title":"Refund policy","content":"Customers may request a refund within 30 days of purchase."}],"intended_use":"customer_facing"}',
  '{"external_id":"answer_002","question":"Can admins export logs?","ai_output":"Admins can export audit logs.","sources":[{"title":"Admin guide","content":"Admins can export audit logs from the security workspace."}],"intended_use":"internal_draft"}',
].join("\n");

export const SAMPLE_ROWS = SAMPLE_JSONL.split("\n").map((line) => JSON.parse(line) as Json);

/** sample.jsonl as a spreadsheet would export it: BOM, CRLF, quoted cells. */
export const SAMPLE_CSV =
  "\uFEFFexternal_id,question,ai_output,source_title,source_content,intended_use\r\n" +
  SAMPLE_ROWS.map((row) =>
    [row.external_id, row.question, row.ai_output, row.sources[0].title, row.sources[0].content, row.intended_use]
      .map((cell: string) => `"${cell.replace(/"/g, '""')}"`)
      .join(","),
  ).join("\r\n") +
  "\r\n";

export interface ImportCall {
  json?: unknown;
  raw?: string;
  contentType?: string;
  query?: string;
  headers?: Record<string, string>;
}

export async function postImport(tenant: Tenant, request: ImportCall): Promise<PostImportAnswer> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.raw !== undefined) headers["Content-Type"] = request.contentType ?? "application/x-ndjson";
  const response = await call(`/v1/imports${request.query ? `?${request.query}` : ""}`, {
    method: "POST",
    key: tenant.apiKey,
    headers,
    ...(request.json !== undefined ? { json: request.json } : { body: request.raw }),
  });
  // A clone, so that expectError can still read the response.
  const json: unknown = await response.clone().json();
  if (response.status === 202) return { response, status: 202, body: documented(ImportSchema, json) };
  return { response, status: response.status as ErrorStatus, body: documented(ErrorEnvelopeSchema, json) };
}

/**
 * `POST /v1/imports`, its answer read through the schema documented for its
 * status: the import (202) or the error envelope.
 */
export type PostImportAnswer =
  | { response: Response; status: 202; body: ImportResponse }
  | { response: Response; status: ErrorStatus; body: ErrorEnvelope };

/** The import, which must have been accepted (202). */
export function accepted(answer: PostImportAnswer): { response: Response; body: ImportResponse } {
  expect(answer.response.status, JSON.stringify(answer.body).slice(0, 500)).toBe(202);
  return answer as Extract<PostImportAnswer, { status: 202 }>;
}

/** Polls the import like a client, until it leaves queued/processing. */
export async function waitForImport(tenant: Tenant, importId: string, attempts = 300): Promise<ImportResponse> {
  for (let i = 0; i < attempts; i++) {
    const body = documented(ImportSchema, await (await call(`/v1/imports/${importId}`, { key: tenant.apiKey })).json());
    if (body.status !== "queued" && body.status !== "processing") return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect.fail(`import ${importId} did not finish`);
}

/** Every run of an import, following the list's cursors. */
export async function runsOfImport(tenant: Tenant, importId: string): Promise<ReviewRunSummary[]> {
  const items: ReviewRunSummary[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `import_id=${importId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = documented(ReviewRunListSchema, await (await call(`/v1/review-runs?${query}`, { key: tenant.apiKey })).json());
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** What a request left behind in the tenant's project: imports, runs and R2 objects. */
export async function storedState(tenant: Tenant) {
  const count = async (table: string) =>
    (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE project_id = ?`).bind(tenant.projectId).first<{ n: number }>())?.n ?? 0;
  // Artifact objects appear as the runs are reviewed in the background; these counts are about what the requests store.
  const objects = async (prefix: string) => (await env.SOURCES.list({ prefix })).objects.filter((object) => !object.key.includes("/artifacts/")).length;
  return {
    imports: await count("imports"),
    runs: await count("review_runs"),
    objects: (await objects(`runs/${tenant.projectId}/`)) + (await objects(`imports/${tenant.projectId}/`)),
  };
}

/** A valid row with its own external_id. */
export const row = (n: number, extra: Json = {}): Json => ({
  external_id: `row-${n}`,
  ai_output: "Admins can export audit logs.",
  sources: [{ title: "Admin guide", content: "Admins can export audit logs from the security workspace." }],
  intended_use: "internal_draft",
  ...extra,
});

/**
 * The Worker's bindings with an import queue that keeps the chunk messages
 * instead of delivering them, so each test hands them to the consumer itself,
 * one by one, crashing wherever it wants.
 */
export function withHeldChunks() {
  const held: ImportQueueMessage[] = [];
  const queue = {
    send: async (body: ImportQueueMessage) => void held.push(body),
    sendBatch: async (messages: Iterable<MessageSendRequest<ImportQueueMessage>>) => void held.push(...[...messages].map((m) => m.body)),
  } as unknown as Queue<ImportQueueMessage>;
  return { testEnv: { ...env, IMPORT_QUEUE: queue } as Bindings, held };
}

export async function deliver(testEnv: Bindings, queue: string, bodies: unknown[], attempts = 1) {
  const batch = createMessageBatch<unknown>(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv);
  return getQueueResult(batch, ctx);
}

