import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Bindings } from "../../src/env.ts";
import { verifySignature } from "../../src/lib/webhook-signature.ts";
import { WEBHOOK_DLQ_NAME, WEBHOOK_QUEUE_NAME, webhookRetryDelaySeconds } from "../../src/queues/webhook-consumer.ts";
import type { WebhookQueueMessage } from "../../src/schemas/queue-messages.ts";
import { emitEvent } from "../../src/services/webhooks/events.ts";
import { failRun } from "../../src/services/review-runs/process.ts";
import { call, expectError, seedTenant, type Tenant } from "../helpers/harness.ts";
import { queuedRun } from "../helpers/review-queue.ts";
import { accepted, deliver, postImport, row, withHeldChunks } from "../helpers/imports.ts";
import { IMPORT_QUEUE_NAME } from "../../src/queues/import-consumer.ts";
import { cancelImport } from "../../src/services/imports/cancel.ts";
import { createImport } from "../../src/services/imports/create.ts";
import type { Json } from "../helpers/runs.ts";
import { onPrimary } from "../helpers/tenant-env.ts";

// Webhooks end to end inside workerd: a stand-in receiver at the HTTP
// boundary (fetch, as the Stripe tests do) records what Kivo sends and
// answers as each test needs.

const HOOK_URL = "https://hooks.example.com/kivo";

interface Received {
  url: string;
  headers: Headers;
  body: string;
  redirect: string | undefined;
}

function receiver(answer: (n: number) => Response = () => new Response("ok")) {
  const received: Received[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    if (new URL(request.url).hostname !== "hooks.example.com") throw new Error(`unexpected outbound request to ${request.url}`);
    received.push({ url: request.url, headers: request.headers, body: await request.text(), redirect: init?.redirect });
    return answer(received.length);
  });
  return received;
}

afterEach(() => vi.restoreAllMocks());

const createEndpoint = async (tenant: Tenant, json: Json = {}) => {
  const response = await call("/v1/webhook-endpoints", { method: "POST", key: tenant.apiKey, json: { url: HOOK_URL, event_types: ["import.completed"], ...json } });
  return { response, body: (await response.clone().json()) as Json };
};
const deliveriesOf = async (tenant: Tenant, endpointId: string) =>
  ((await (await call(`/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`, { key: tenant.apiKey })).json()) as Json).items as Json[];

/** Bindings whose webhook queue keeps its messages, so the test hands them to the consumer itself. */
function withHeldDeliveries() {
  const held: WebhookQueueMessage[] = [];
  const queue = {
    send: async (body: WebhookQueueMessage) => void held.push(body),
    sendBatch: async (messages: Iterable<MessageSendRequest<WebhookQueueMessage>>) => void held.push(...[...messages].map((m) => m.body)),
  } as unknown as Queue<WebhookQueueMessage>;
  return { testEnv: { ...env, WEBHOOK_QUEUE: queue } as Bindings, held };
}

describe("webhook endpoints", () => {
  it("show the signing secret once, and manage the endpoint: list, get, update, rotate, delete", async () => {
    const tenant = await seedTenant();
    const { response, body: created } = await createEndpoint(tenant, { description: "Support exports" });
    expect(response.status).toBe(201);
    expect(created).toMatchObject({ url: HOOK_URL, event_types: ["import.completed"], enabled: true, description: "Support exports", previous_secret_expires_at: null });
    expect(created.secret).toMatch(/^whsec_[0-9A-Za-z]{40}$/);
    const stored = await env.DB.prepare("SELECT * FROM webhook_endpoints WHERE id = ?").bind(created.id).first<Json>();
    expect(JSON.stringify(stored)).not.toContain(created.secret);

    const read = (await (await call(`/v1/webhook-endpoints/${created.id}`, { key: tenant.apiKey })).json()) as Json;
    expect(read).not.toHaveProperty("secret");
    const list = (await (await call("/v1/webhook-endpoints", { key: tenant.apiKey })).json()) as Json;
    expect(list.items.map((item: Json) => item.id)).toEqual([created.id]);
    expect(JSON.stringify(list)).not.toContain("whsec_");

    const updated = (await (await call(`/v1/webhook-endpoints/${created.id}`, { method: "PATCH", key: tenant.apiKey, json: { enabled: false, event_types: ["import.failed", "import.failed"] } })).json()) as Json;
    expect(updated).toMatchObject({ enabled: false, event_types: ["import.failed"], url: HOOK_URL });

    const rotated = (await (await call(`/v1/webhook-endpoints/${created.id}/rotate-secret`, { method: "POST", key: tenant.apiKey, json: {} })).json()) as Json;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.previous_secret_expires_at) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);

    const deleted = await call(`/v1/webhook-endpoints/${created.id}`, { method: "DELETE", key: tenant.apiKey });
    expect(((await deleted.json()) as Json).deleted).toBe(true);
    await expectError(await call(`/v1/webhook-endpoints/${created.id}`, { key: tenant.apiKey }), 404, "not_found");
  });

  it.each([
    ["http://hooks.example.com/kivo", "https"],
    ["https://localhost:8443/hook", "local"],
    ["https://10.1.2.3/hook", "private"],
    ["https://169.254.169.254/latest", "private"],
    ["https://[::1]/hook", "private"],
  ])("refuses %s", async (url, problem) => {
    const tenant = await seedTenant();
    const { response } = await createEndpoint(tenant, { url });
    const body = await expectError(response, 400, "validation_error");
    expect(body.error.details).toEqual([{ path: "url", message: expect.stringContaining(problem) }]);
    expect((await (await call("/v1/webhook-endpoints", { key: tenant.apiKey })).json() as Json).items).toEqual([]);
  });

  it("refuses unknown event types", async () => {
    const tenant = await seedTenant();
    await expectError((await createEndpoint(tenant, { event_types: ["import.deleted"] })).response, 400, "validation_error");
  });
});

describe("delivery", () => {
  it("announces each reviewed run and the import's completion, signed, with thin payloads", async () => {
    const tenant = await seedTenant();
    const received = receiver();
    const { body: endpoint } = await createEndpoint(tenant, { event_types: ["review_run.completed", "import.completed"] });
    const { body: created } = accepted(await postImport(tenant, { json: { rows: [
      { external_id: "a-1", ai_output: "Refunds are available for 60 days.", sources: [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }], intended_use: "customer_facing" },
      { external_id: "a-2", ai_output: "Admins can export audit logs.", sources: [{ title: "Admin guide", content: "Admins can export audit logs from the security workspace." }], intended_use: "internal_draft" },
    ] } }));

    for (let i = 0; i < 200 && received.filter((r) => r.headers.get("Kivo-Event-Type") === "import.completed").length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let i = 0; i < 100 && (await deliveriesOf(tenant, endpoint.id)).some((d) => d.status !== "succeeded"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(received.map((r) => r.headers.get("Kivo-Event-Type")).sort()).toEqual(["import.completed", "review_run.completed", "review_run.completed"]);
    for (const request of received) {
      expect(request.url).toBe(HOOK_URL);
      expect(request.redirect).toBe("manual");
      expect(await verifySignature(request.headers.get("Kivo-Signature"), request.body, [endpoint.secret])).toBe(true);
      expect(await verifySignature(request.headers.get("Kivo-Signature"), request.body, ["whsec_someone_else"])).toBe(false);
      const event = JSON.parse(request.body) as Json;
      expect(event.id).toBe(request.headers.get("Kivo-Event-Id"));
      expect(event.project_id).toBe(tenant.projectId);
      // Thin: identifiers, statuses, verdicts and counts, never the output or the sources.
      expect(request.body).not.toContain("Refunds are available");
      expect(request.body).not.toContain("Customers may request");
    }
    const runEvents = received.filter((r) => r.headers.get("Kivo-Event-Type") === "review_run.completed").map((r) => JSON.parse(r.body).data as Json);
    expect(runEvents.find((data) => data.external_id === "a-1")).toMatchObject({ object: "review_run", status: "completed", import_id: created.id, safe_use_status: "needs_repair", verdict: "needs_repair" });
    const done = JSON.parse(received.find((r) => r.headers.get("Kivo-Event-Type") === "import.completed")!.body).data as Json;
    expect(done).toMatchObject({ object: "import", id: created.id, status: "completed", accepted_count: 2, review_progress: { reviewed: 2, pending: 0, all_reviewed: true } });
    const deliveries = await deliveriesOf(tenant, endpoint.id);
    expect(deliveries.map((d) => [d.status, d.attempts, d.response_status, d.response_excerpt])).toEqual(Array(3).fill(["succeeded", 1, 200, "ok"]));
  });

  it("retries a failing receiver with backoff, records the dead letter, and can be re-sent", async () => {
    const tenant = await seedTenant();
    const { body: endpoint } = await createEndpoint(tenant);
    const { testEnv, held } = withHeldDeliveries();
    await emitEvent(onPrimary(testEnv), tenant.projectId, "import.completed", { object: "import", id: "import_x" });
    expect(held).toHaveLength(1);

    let answer = () => new Response("x".repeat(5000), { status: 500 });
    const received = receiver(() => answer());
    const first = await deliver(testEnv, WEBHOOK_QUEUE_NAME, held, 1);
    expect(first.retryMessages).toEqual([{ msgId: expect.any(String) }]);
    const later = await deliver(testEnv, WEBHOOK_QUEUE_NAME, held, 5);
    expect(later.retryMessages).toHaveLength(1);
    // 30 s doubling, capped at 6 h: the queue's 12 retries span about a day before the dead letter.
    expect([1, 2, 5, 10, 11, 12].map(webhookRetryDelaySeconds)).toEqual([30, 60, 480, 15360, 21600, 21600]);
    const span = Array.from({ length: 12 }, (_, i) => webhookRetryDelaySeconds(i + 1)).reduce((a, b) => a + b, 0);
    expect(span / 3600).toBeGreaterThan(18);
    expect(span / 3600).toBeLessThan(30);
    let [delivery] = await deliveriesOf(tenant, endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 2, response_status: 500, error: "The endpoint answered 500." });
    expect(delivery!.response_excerpt).toHaveLength(200);

    await deliver(testEnv, WEBHOOK_DLQ_NAME, held);
    [delivery] = await deliveriesOf(tenant, endpoint.id);
    expect(delivery).toMatchObject({ status: "failed", attempts: 2 });

    answer = () => new Response(null, { status: 204 });
    const resend = await call(`/v1/webhook-endpoints/${endpoint.id}/deliveries/${delivery!.id}/resend`, { method: "POST", key: tenant.apiKey });
    expect(resend.status).toBe(202);
    const resent = (await resend.json()) as Json;
    expect(resent).toMatchObject({ status: "pending", attempts: 0, event_id: delivery!.event_id });
    await deliver(testEnv, WEBHOOK_QUEUE_NAME, [{ kind: "webhook_delivery", delivery_id: resent.id, project_id: tenant.projectId }]);
    const [latest, original] = await deliveriesOf(tenant, endpoint.id);
    expect(latest).toMatchObject({ id: resent.id, status: "succeeded", attempts: 1, response_status: 204 });
    expect(original).toMatchObject({ id: delivery!.id, status: "failed" });
    expect(new Set(received.map((r) => JSON.parse(r.body).id)).size).toBe(1);
  });

  it("does not follow redirects, and treats timeouts and network errors as failed attempts", async () => {
    const tenant = await seedTenant();
    await createEndpoint(tenant);
    const { testEnv, held } = withHeldDeliveries();
    await emitEvent(onPrimary(testEnv), tenant.projectId, "import.completed", { object: "import", id: "import_x" });
    let mode = "redirect";
    receiver(() => {
      if (mode === "redirect") return new Response(null, { status: 302, headers: { Location: "https://169.254.169.254/" } });
      throw new DOMException("The operation timed out.", "TimeoutError");
    });
    expect((await deliver(testEnv, WEBHOOK_QUEUE_NAME, held)).retryMessages).toHaveLength(1);
    const [delivery] = (await env.DB.prepare("SELECT * FROM webhook_deliveries WHERE project_id = ?").bind(tenant.projectId).all<Json>()).results;
    expect(delivery).toMatchObject({ response_status: 302, error: expect.stringContaining("redirects are not followed") });
    mode = "timeout";
    expect((await deliver(testEnv, WEBHOOK_QUEUE_NAME, held, 2)).retryMessages).toHaveLength(1);
    const after = await env.DB.prepare("SELECT * FROM webhook_deliveries WHERE project_id = ?").bind(tenant.projectId).first<Json>();
    expect(after).toMatchObject({ attempts: 2, response_status: null, error: "No answer within 10 s." });
  });

  it("signs with both secrets while a rotation overlaps, then with the new one only", async () => {
    const tenant = await seedTenant();
    const { body: endpoint } = await createEndpoint(tenant);
    const rotate = async (json: Json) => (await (await call(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { method: "POST", key: tenant.apiKey, json })).json()) as Json;
    const { testEnv, held } = withHeldDeliveries();
    const received = receiver();
    const { secret: second } = await rotate({});
    await emitEvent(onPrimary(testEnv), tenant.projectId, "import.completed", { object: "import", id: "import_x" });
    await deliver(testEnv, WEBHOOK_QUEUE_NAME, held.splice(0));
    const overlapping = received.at(-1)!;
    expect(overlapping.headers.get("Kivo-Signature")!.match(/v1=/g)).toHaveLength(2);
    expect(await verifySignature(overlapping.headers.get("Kivo-Signature"), overlapping.body, [endpoint.secret])).toBe(true);
    expect(await verifySignature(overlapping.headers.get("Kivo-Signature"), overlapping.body, [second])).toBe(true);

    const { secret: third } = await rotate({ previous_secret_valid_for_seconds: 0 });
    await emitEvent(onPrimary(testEnv), tenant.projectId, "import.completed", { object: "import", id: "import_y" });
    await deliver(testEnv, WEBHOOK_QUEUE_NAME, held.splice(0));
    const alone = received.at(-1)!;
    expect(alone.headers.get("Kivo-Signature")!.match(/v1=/g)).toHaveLength(1);
    expect(await verifySignature(alone.headers.get("Kivo-Signature"), alone.body, [third])).toBe(true);
    expect(await verifySignature(alone.headers.get("Kivo-Signature"), alone.body, [second, endpoint.secret])).toBe(false);
  });

  it("sends nothing to a disabled, deleted or no-longer-allowed endpoint", async () => {
    const tenant = await seedTenant();
    const received = receiver();
    const { body: endpoint } = await createEndpoint(tenant);
    const { testEnv, held } = withHeldDeliveries();
    await emitEvent(onPrimary(testEnv), tenant.projectId, "import.completed", { object: "import", id: "import_x" });
    await env.DB.prepare("UPDATE webhook_endpoints SET url = 'https://10.0.0.5/hook' WHERE id = ?").bind(endpoint.id).run();
    expect((await deliver(testEnv, WEBHOOK_QUEUE_NAME, held.splice(0))).explicitAcks).toHaveLength(1);
    expect((await deliveriesOf(tenant, endpoint.id))[0]).toMatchObject({ status: "failed", error: expect.stringContaining("private") });

    await emitEvent(onPrimary(testEnv), tenant.projectId, "import.completed", { object: "import", id: "import_y" });
    await call(`/v1/webhook-endpoints/${endpoint.id}`, { method: "DELETE", key: tenant.apiKey });
    await deliver(testEnv, WEBHOOK_QUEUE_NAME, held.splice(0));
    const rows = (await env.DB.prepare("SELECT status, error FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at").bind(endpoint.id).all<Json>()).results;
    expect(rows.at(-1)).toEqual({ status: "failed", error: "The endpoint was deleted." });

    const { body: disabled } = await createEndpoint(tenant, { enabled: false });
    expect(await emitEvent(onPrimary(testEnv), tenant.projectId, "import.completed", { object: "import", id: "import_z" })).toBeNull();
    expect(await deliveriesOf(tenant, disabled.id)).toEqual([]);
    expect(received).toEqual([]);
  });

  it("announces a cancelled and a failed run, with the error code and no text", async () => {
    const tenant = await seedTenant();
    const received = receiver();
    const { body: endpoint } = await createEndpoint(tenant, { event_types: ["review_run.cancelled", "review_run.failed"] });
    const cancelled = await queuedRun(tenant);
    await call(`/v1/review-runs/${cancelled}/cancel`, { method: "POST", key: tenant.apiKey });
    const failed = await queuedRun(tenant);
    await failRun(onPrimary(env), failed, "source_unavailable", "Source 1 is no longer available.");
    const events = (await env.DB.prepare("SELECT type, body FROM webhook_events WHERE project_id = ? ORDER BY created_at").bind(tenant.projectId).all<{ type: string; body: string }>()).results;
    expect(events.map((e) => [e.type, JSON.parse(e.body).data.id])).toEqual([
      ["review_run.cancelled", cancelled],
      ["review_run.failed", failed],
    ]);
    expect(JSON.parse(events[1]!.body).data).toMatchObject({ status: "failed", error_code: "source_unavailable", verdict: null });
    expect(events.map((e) => e.body).join()).not.toContain("Customers");
    // Both reach the receiver through the real queue before the test lets go of it.
    for (let i = 0; i < 200 && (await deliveriesOf(tenant, endpoint.id)).some((d) => d.status !== "succeeded"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(received).toHaveLength(2);
  });

  it("announces every run cancelled together with its import, in bulk", async () => {
    const tenant = await seedTenant();
    const { testEnv, held } = withHeldDeliveries();
    const { testEnv: chunkEnv, held: chunks } = withHeldChunks();
    const bothEnv = { ...chunkEnv, WEBHOOK_QUEUE: testEnv.WEBHOOK_QUEUE, REVIEW_QUEUE: { send: async () => undefined, sendBatch: async () => undefined } } as unknown as Bindings;
    const { body: endpoint } = await createEndpoint(tenant, { event_types: ["review_run.cancelled"] });
    const rows = Array.from({ length: 150 }, (_, i) => row(i + 1));
    const created = await createImport(onPrimary(bothEnv), { organizationId: tenant.organizationId, projectId: tenant.projectId }, { media_type: "application/json", rows }, "req_test");
    await deliver(bothEnv, IMPORT_QUEUE_NAME, [chunks[0]]);
    await cancelImport(onPrimary(bothEnv), tenant.projectId, created.id);

    const events = (await env.DB.prepare("SELECT type, body FROM webhook_events WHERE project_id = ?").bind(tenant.projectId).all<{ type: string; body: string }>()).results;
    expect(events).toHaveLength(100);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(["review_run.cancelled"]));
    const data = events.map((e) => JSON.parse(e.body).data as Json);
    expect(data.map((d) => d.external_id).sort()).toEqual(rows.slice(0, 100).map((r) => r.external_id).sort());
    expect(data[0]).toMatchObject({ object: "review_run", status: "cancelled", capture_method: "upload", import_id: created.id });
    expect(held).toHaveLength(100);
    expect(new Set(held.map((m) => m.delivery_id)).size).toBe(100);
    expect((await deliveriesOf(tenant, endpoint.id)).length).toBe(100);
  });
});
