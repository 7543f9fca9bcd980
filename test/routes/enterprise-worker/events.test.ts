import { describe, expect, it } from "vitest";
import { expectError, seedTenant } from "../../helpers/harness.ts";
import {
  OUTPUT_TEXT,
  SOURCE_TEXT,
  completedEvent,
  createRun,
  hashOf,
  listedRun,
  sendEvent,
  statusEvent,
  storedRows,
  wholeDatabase,
} from "./helpers.ts";
import { documented } from "../../helpers/documented.ts";
import { WorkerEventResultSchema } from "../../../src/schemas/enterprise-worker.ts";

async function accepted(response: Response) {
  const json: unknown = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  return documented(WorkerEventResultSchema, json);
}

describe("POST /v1/private-worker/review-runs/{id}/events", () => {
  it("moves the run to processing, then completes it with the worker's verdict and counts", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);

    const status = await accepted(await sendEvent(id, token, statusEvent()));
    expect(status).toMatchObject({ review_run_id: id, event_type: "status", status: "processing", replayed: false });
    expect(await listedRun(tenant, id)).toMatchObject({ status: "processing", completed_at: null });

    const completed = await accepted(
      await sendEvent(id, token, completedEvent({ review_run_id: id, status: "completed", output_hash: await hashOf(OUTPUT_TEXT) })),
    );
    expect(completed).toMatchObject({ event_type: "completed", status: "completed", replayed: false });

    const run = await listedRun(tenant, id);
    expect(run).toMatchObject({
      status: "completed",
      capture_method: "private_worker",
      claim_count: 2,
      unsupported_claim_count: 1,
      safe_use_status: "needs_repair",
      completed_at: expect.any(String),
      error_code: null,
      gate_verdict: {
        id: `${id}_gate_verdict`,
        review_run_id: id,
        verdict: "needs_repair",
        safe_use_status: "needs_repair",
        reasons: [],
        strictness: "standard",
        mode: "advisory",
        metadata: { intended_use: "customer_facing", policy_version: "gate-policy.2026-11-22.v1" },
      },
    });
    const { details } = await storedRows(id);
    expect(details).toMatchObject({ event_count: 2, policy_version: "gate-policy.2026-11-22.v1" });
    expect(JSON.parse(details!.artifact_summaries as string)).toEqual([
      { kind: "claim_report", count: 1, storage_pointer: "s3://acme/reports/run-1/claim-report.json" },
    ]);
  });

  it("maps every verdict to its use status one to one", async () => {
    const tenant = await seedTenant();
    const pairs = [
      ["allow", "verified_for_use"],
      ["allow_with_limits", "verified_with_limits"],
      ["needs_review", "needs_review"],
      ["needs_repair", "needs_repair"],
      ["blocked", "blocked"],
    ] as const;
    for (const [verdict, safeUse] of pairs) {
      const { id, token } = await createRun(tenant);
      await accepted(await sendEvent(id, token, completedEvent({ gate_verdict: verdict })));
      expect(await listedRun(tenant, id)).toMatchObject({ safe_use_status: safeUse, gate_verdict: { verdict, safe_use_status: safeUse } });
    }
  });

  it("fails the run naming only the redacted categories", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    await accepted(await sendEvent(id, token, { event_type: "failed", event_id: "evt-1", redacted_failure_categories: ["engine_error", "source_unreadable"] }));
    const run = await listedRun(tenant, id);
    expect(run).toMatchObject({
      status: "failed",
      error_code: "worker_failed",
      error_message: "The Enterprise Worker reported a failure: engine_error, source_unreadable.",
      safe_use_status: null,
      completed_at: expect.any(String),
    });
  });

  it("answers a retried event_id with its first result and applies it once", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    const event = completedEvent();
    const first = await accepted(await sendEvent(id, token, event));
    // Key order does not make a retry a different event.
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    const again = await accepted(await sendEvent(id, token, reordered));
    expect(again).toEqual({ ...first, replayed: true, request_id: again.request_id });
    expect(again.request_id).not.toBe(first.request_id);
    expect((await storedRows(id)).details).toMatchObject({ event_count: 1 });
  });

  it("refuses the same event_id for a different event", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    await accepted(await sendEvent(id, token, statusEvent({ event_id: "evt-a" })));
    await expectError(await sendEvent(id, token, completedEvent({ event_id: "evt-a" })), 409, "idempotency_key_reused");
    expect(await listedRun(tenant, id)).toMatchObject({ status: "processing" });
  });

  it("refuses any new event after a terminal one", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    await accepted(await sendEvent(id, token, completedEvent()));
    await expectError(await sendEvent(id, token, statusEvent()), 409, "run_already_terminal");
    await expectError(await sendEvent(id, token, completedEvent({ gate_verdict: "allow" })), 409, "run_already_terminal");
    await expectError(await sendEvent(id, token, { event_type: "failed", event_id: "late", redacted_failure_categories: ["x"] }), 409, "run_already_terminal");
    expect(await listedRun(tenant, id)).toMatchObject({ status: "completed", safe_use_status: "needs_repair" });
  });

  it("applies exactly one of two concurrent terminal events", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    const responses = await Promise.all([
      sendEvent(id, token, completedEvent({ gate_verdict: "allow" })),
      sendEvent(id, token, completedEvent({ gate_verdict: "blocked" })),
      sendEvent(id, token, { event_type: "failed", event_id: "f", redacted_failure_categories: ["timeout"] }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect((await storedRows(id)).details).toMatchObject({ event_count: 1 });
  });

  describe("fails closed before any change", () => {
    async function expectUnchanged(run: { id: string }, before: Awaited<ReturnType<typeof storedRows>>) {
      expect(await storedRows(run.id)).toEqual(before);
    }

    it("refuses raw content three levels deep and inside arrays, naming the paths", async () => {
      const tenant = await seedTenant();
      const run = await createRun(tenant);
      await accepted(await sendEvent(run.id, run.token, statusEvent()));
      const before = await storedRows(run.id);
      const marker = `raw-marker-${crypto.randomUUID()}`;
      const event = completedEvent({
        prompt: marker,
        artifact_summaries: [
          { kind: "claim_report", count: 1 },
          { kind: "trace", details: { steps: [{ tool_trace: marker }] } },
        ],
        extra: { level2: { level3: { retrieved_context: [marker], embeddings: [0.1, 0.2] } } },
      });
      const body = await expectError(await sendEvent(run.id, run.token, event), 422, "raw_content_rejected");
      expect((body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual([
        "artifact_summaries.1.details.steps.0.tool_trace",
        "extra.level2.level3.embeddings",
        "extra.level2.level3.retrieved_context",
        "prompt",
      ]);
      expect(JSON.stringify(body)).not.toContain(marker);
      await expectUnchanged(run, before);
      expect(await wholeDatabase()).not.toContain(marker);
    });

    it("refuses fields outside the allowlist, nested ones included", async () => {
      const tenant = await seedTenant();
      const run = await createRun(tenant);
      const before = await storedRows(run.id);
      const body = await expectError(
        await sendEvent(run.id, run.token, completedEvent({ safe_use_status: "blocked", artifact_summaries: [{ kind: "claim_report", note: "x" }] })),
        422,
        "unknown_field",
      );
      expect((body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(["artifact_summaries.0.note", "safe_use_status"]);
      await expectUnchanged(run, before);
    });

    it("refuses a completed event without its counts or verdict, and a failed one without categories", async () => {
      const tenant = await seedTenant();
      const run = await createRun(tenant);
      const before = await storedRows(run.id);
      const cases: [Record<string, unknown>, string[]][] = [
        [completedEvent({ claim_count: undefined, unsupported_claim_count: undefined }), ["claim_count", "unsupported_claim_count"]],
        [completedEvent({ gate_verdict: undefined }), ["gate_verdict"]],
        [completedEvent({ claim_count: 1, unsupported_claim_count: 2 }), ["unsupported_claim_count"]],
        [completedEvent({ gate_verdict: "verified_for_use" }), ["gate_verdict"]],
        [{ event_type: "failed", event_id: "f1" }, ["redacted_failure_categories"]],
        [{ event_type: "failed", event_id: "f2", redacted_failure_categories: ["The output said: refunds in 60 days"] }, ["redacted_failure_categories.0"]],
        [statusEvent({ gate_verdict: "allow" }), ["gate_verdict"]],
        [statusEvent({ status: "completed" }), ["status"]],
        [statusEvent({ event_id: "has spaces" }), ["event_id"]],
      ];
      for (const [event, paths] of cases) {
        const body = await expectError(await sendEvent(run.id, run.token, event), 400, "validation_error");
        expect((body.error.details as { path: string }[]).map((d) => d.path).sort(), JSON.stringify(event)).toEqual(paths);
      }
      await expectUnchanged(run, before);
    });

    it("refuses 300-character strings in metadata fields", async () => {
      const tenant = await seedTenant();
      const run = await createRun(tenant);
      const before = await storedRows(run.id);
      const long = "x".repeat(300);
      for (const field of ["worker_version", "policy_version", "customer_run_id"]) {
        const body = await expectError(await sendEvent(run.id, run.token, statusEvent({ [field]: long })), 400, "validation_error");
        expect(body.error.details).toEqual([{ path: field, message: expect.stringContaining("256") }]);
      }
      const pointer = await expectError(
        await sendEvent(run.id, run.token, completedEvent({ artifact_summaries: [{ kind: "claim_report", storage_pointer: long }] })),
        400,
        "validation_error",
      );
      expect(pointer.error.details).toEqual([{ path: "artifact_summaries.0.storage_pointer", message: expect.any(String) }]);
      await expectUnchanged(run, before);
    });

    it("refuses an event that describes another run or other content", async () => {
      const tenant = await seedTenant();
      const run = await createRun(tenant);
      const other = await createRun(tenant);
      const before = await storedRows(run.id);
      const cases: [Record<string, unknown>, string][] = [
        [statusEvent({ review_run_id: other.id }), "review_run_id"],
        [statusEvent({ customer_run_id: "someone-else" }), "customer_run_id"],
        [statusEvent({ output_hash: await hashOf("another output") }), "output_hash"],
        [statusEvent({ source_hashes: [await hashOf("another source")] }), "source_hashes"],
      ];
      for (const [event, path] of cases) {
        const body = await expectError(await sendEvent(run.id, run.token, event), 400, "validation_error");
        expect(body.error.details).toEqual([{ path, message: expect.any(String) }]);
      }
      await expectUnchanged(run, before);
    });
  });

  it("keeps no raw content after a whole run", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    await accepted(await sendEvent(id, token, statusEvent()));
    await accepted(await sendEvent(id, token, completedEvent({ source_hashes: [await hashOf(SOURCE_TEXT)] })));
    const stored = JSON.stringify(await storedRows(id));
    expect(stored).not.toContain(OUTPUT_TEXT);
    expect(stored).not.toContain(SOURCE_TEXT);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain("60 days");
  });
});
