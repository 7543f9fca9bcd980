import { afterEach, describe, expect, it, vi } from "vitest";
import { admin, call, seedTenant } from "../helpers/harness.ts";
import { OPENAI_JUDGE, deliverWith, interceptJudge, judgeEnv, queuedRunOf } from "../helpers/judge.ts";
import { waitForRun } from "../helpers/runs.ts";

// Every log line names the request (or queue batch) it was written in, and
// the run it is about, without each call site passing them: a line from deep
// inside a service can be read together with the request line.

type Line = Record<string, unknown>;

function captureLogs() {
  const lines: Line[] = [];
  const keep = (line: unknown) => {
    // Kivo's own lines are JSON; the platform may write others alongside.
    try {
      lines.push(JSON.parse(String(line)) as Line);
    } catch {}
  };
  const spies = (["log", "warn", "error"] as const).map((level) => vi.spyOn(console, level).mockImplementation(keep));
  return { lines, stop: () => spies.forEach((spy) => spy.mockRestore()) };
}

afterEach(() => vi.restoreAllMocks());

const packet = {
  ai_output: "Refunds go back to the card or account used to pay.",
  sources: [{ title: "Refund policy", content: "Refunds are issued to the original payment method." }],
  intended_use: "customer_facing",
};

describe("request_id on every log line", () => {
  it("a service's warning during an inline review carries the request's ID and the run's", async () => {
    const tenant = await seedTenant();
    await admin(`/admin/v1/projects/${tenant.projectId}`, { semantic_judge: "openai-compatible" }, "PATCH");
    interceptJudge(() => ({ status: 503 }));
    const logs = captureLogs();
    const response = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: packet, headers: { Prefer: "wait=10" } });
    logs.stop();
    expect(response.status).toBe(200);
    const requestId = response.headers.get("X-Request-Id");
    const runId = ((await response.json()) as { id: string }).id;

    expect(logs.lines.map((l) => l.event)).toEqual(expect.arrayContaining(["semantic_judge_unavailable", "request"]));
    for (const line of logs.lines) expect(line, JSON.stringify(line)).toMatchObject({ request_id: requestId });
    expect(logs.lines.find((l) => l.event === "semantic_judge_unavailable")).toMatchObject({ review_run_id: runId, reason: "provider_error" });
  });

  it("lines written while a queue batch is consumed share one ID of their own and name their run", async () => {
    const tenant = await seedTenant();
    interceptJudge(() => ({ status: 429 }));
    const runId = await queuedRunOf(tenant, packet);
    const logs = captureLogs();
    await deliverWith(judgeEnv(OPENAI_JUDGE), tenant, runId);
    logs.stop();

    const events = logs.lines.map((l) => l.event);
    expect(events).toEqual(["semantic_judge_unavailable", "review_message_processed"]);
    const [first] = logs.lines;
    expect(first!.request_id).toMatch(/^req_[0-9a-z]{26}$/);
    for (const line of logs.lines) {
      expect(line).toMatchObject({ request_id: first!.request_id, queue: "kivo-review-runs", review_run_id: runId });
    }
  });

  it("the queue consumer logs a run under the ID of the request that created it", async () => {
    const tenant = await seedTenant();
    await admin(`/admin/v1/projects/${tenant.projectId}`, { semantic_judge: "openai-compatible" }, "PATCH");
    interceptJudge(() => ({ status: 500 }));
    const logs = captureLogs();
    const response = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: packet });
    expect(response.status).toBe(202);
    const runId = ((await response.json()) as { review_run: { id: string } }).review_run.id;
    expect((await waitForRun(tenant, runId)).status).toBe("completed");
    logs.stop();

    const consumed = logs.lines.filter((l) => l.review_run_id === runId && l.queue === "kivo-review-runs");
    expect(consumed.map((l) => l.event)).toEqual(["semantic_judge_unavailable", "review_message_processed"]);
    for (const line of consumed) expect(line.request_id).toBe(response.headers.get("X-Request-Id"));
  });
});
