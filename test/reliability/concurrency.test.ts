import { describe, expect, it } from "vitest";
import { seedTenant } from "../helpers/harness.ts";
import { completedEvent, createRun, sendEvent, statusEvent, storedRows } from "../routes/enterprise-worker/helpers.ts";

/** Retries that race each other must still have one effect each. */
describe("parallel Enterprise Worker events with one event_id", () => {
  it("record a status event once, however many copies arrive together", async () => {
    const tenant = await seedTenant();
    const run = await createRun(tenant);
    const event = statusEvent();
    const responses = await Promise.all(Array.from({ length: 8 }, () => sendEvent(run.id, run.token, event)));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<Record<string, unknown>>));
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const answered = bodies.filter((_, i) => responses[i]!.status === 200);
    // One request applied the event; every other copy replays its answer.
    expect(answered.filter((b) => b.replayed === false)).toHaveLength(1);
    expect(new Set(answered.map((b) => JSON.stringify({ ...b, request_id: null, replayed: null }))).size).toBe(1);
    const rows = await storedRows(run.id);
    expect(rows.events).toHaveLength(1);
    expect(rows.details).toMatchObject({ event_count: 1 });
  });

  it("complete the run once, with the verdict of that one event", async () => {
    const tenant = await seedTenant();
    const run = await createRun(tenant);
    const event = completedEvent({ gate_verdict: "blocked" });
    const responses = await Promise.all(Array.from({ length: 8 }, () => sendEvent(run.id, run.token, event)));
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const rows = await storedRows(run.id);
    expect(rows.events).toHaveLength(1);
    expect(rows.run).toMatchObject({ status: "completed", safe_use_status: "blocked" });
  });
});
