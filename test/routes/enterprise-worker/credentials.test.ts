import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { issueWorkerCredential } from "../../../src/services/enterprise-worker/credentials.ts";
import { call, expectError, seedTenant } from "../../helpers/harness.ts";
import { completedEvent, createRun, listedRun, readRun, sendEvent, statusEvent, storedRows } from "./helpers.ts";
import type { z } from "zod";
import { documented } from "../../helpers/documented.ts";
import { RevokedCredentialSchema, RotatedCredentialSchema, WorkerEventResultSchema } from "../../../src/schemas/enterprise-worker.ts";

const rotate = (runId: string, key: string, json?: unknown) =>
  call(`/v1/private-worker/review-runs/${runId}/credential/rotate`, { method: "POST", key, ...(json ? { json } : {}) });
const revoke = (runId: string, key: string) =>
  call(`/v1/private-worker/review-runs/${runId}/credential/revoke`, { method: "POST", key });

/** A 200 answer, read through the schema that documents it. */
async function ok<Schema extends z.ZodType>(response: Response, schema: Schema) {
  const json: unknown = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  return documented(schema, json);
}

/** Each refused token leaves the run exactly as it was. */
async function expectRefused(runId: string, token: string | undefined, code: string) {
  const before = await storedRows(runId);
  await expectError(await sendEvent(runId, token, statusEvent()), 401, code);
  expect(await storedRows(runId)).toEqual(before);
}

describe("worker credentials", () => {
  it("refuses missing, malformed, forged, truncated and other-run tokens", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    const other = await createRun(tenant);
    const [payload, signature] = token.slice("kivo_wrk_".length).split(".") as [string, string];
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);

    await expectRefused(id, undefined, "missing_worker_credential");
    await expectRefused(id, "kivo_wrk_", "invalid_worker_credential");
    await expectRefused(id, `kivo_wrk_${payload}.${flipped}`, "invalid_worker_credential");
    await expectRefused(id, token.slice(0, -5), "invalid_worker_credential");
    await expectRefused(id, `kivo_wrk_${payload}`, "invalid_worker_credential");
    // The other run's valid token, and this run's payload under its signature.
    await expectRefused(id, other.token, "invalid_worker_credential");
    await expectRefused(id, `kivo_wrk_${payload}.${other.token.split(".")[1]}`, "invalid_worker_credential");
    // A payload rewritten to name another run cannot keep the signature.
    const decoded = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    const swapped = btoa(JSON.stringify({ ...decoded, run: other.id })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    await expectRefused(other.id, `kivo_wrk_${swapped}.${signature}`, "invalid_worker_credential");
    // Still works for its own run.
    await ok(await sendEvent(id, token, statusEvent()), WorkerEventResultSchema);
  });

  it("refuses an API key as a worker credential", async () => {
    const tenant = await seedTenant();
    const { id } = await createRun(tenant);
    await expectRefused(id, tenant.apiKey, "invalid_worker_credential");
  });

  it("refuses an expired token", async () => {
    const tenant = await seedTenant();
    const { id } = await createRun(tenant);
    // Issued through the real signer two minutes ago with the shortest TTL.
    const expired = await issueWorkerCredential(
      env,
      { reviewRunId: id, projectId: tenant.projectId },
      60,
      new Date(Date.now() - 120_000),
    );
    await expectRefused(id, expired.token, "worker_credential_expired");
  });

  it("rotation refuses the old token from that instant and the new one works", async () => {
    const tenant = await seedTenant();
    const { id, token, credentialId } = await createRun(tenant);
    await ok(await sendEvent(id, token, statusEvent()), WorkerEventResultSchema);

    const rotated = await ok(await rotate(id, tenant.apiKey, { credential_ttl_seconds: 600 }), RotatedCredentialSchema);
    expect(rotated.worker_credential).toMatchObject({
      token: expect.stringMatching(/^kivo_wrk_/),
      credential_id: expect.not.stringMatching(credentialId),
      events_url: `http://kivo.test/v1/private-worker/review-runs/${id}/events`,
    });
    const ttl = Date.parse(rotated.worker_credential.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);

    await expectRefused(id, token, "worker_credential_revoked");
    await ok(await sendEvent(id, rotated.worker_credential.token, completedEvent()), WorkerEventResultSchema);
    expect(await listedRun(tenant, id)).toMatchObject({ status: "completed" });
    expect((await storedRows(id)).details).toMatchObject({ credential_id: rotated.worker_credential.credential_id });
  });

  it("revocation makes every later event fail closed, for good", async () => {
    const tenant = await seedTenant();
    const { id, token, credentialId } = await createRun(tenant);
    await ok(await sendEvent(id, token, statusEvent()), WorkerEventResultSchema);

    const revoked = await ok(await revoke(id, tenant.apiKey), RevokedCredentialSchema);
    expect(revoked).toMatchObject({
      review_run_id: id,
      credential: { credential_id: credentialId, revoked: true, revoked_at: expect.any(String) },
    });
    await expectRefused(id, token, "worker_credential_revoked");
    await expectError(await sendEvent(id, token, completedEvent()), 401, "worker_credential_revoked");
    expect(await listedRun(tenant, id)).toMatchObject({ status: "processing" });
    // Revoking twice is harmless and keeps the first time.
    const again = await ok(await revoke(id, tenant.apiKey), RevokedCredentialSchema);
    expect(again.credential.revoked_at).toBe(revoked.credential.revoked_at);

    // Rotation cannot undo it: no token is issued and the record is unchanged.
    const before = await storedRows(id);
    await expectError(await rotate(id, tenant.apiKey), 409, "credential_revoked");
    expect(await storedRows(id)).toEqual(before);
    await expectRefused(id, token, "worker_credential_revoked");
    expect((await readRun(tenant, id)).private_worker!.credential).toMatchObject({ revoked: true, revoked_at: revoked.credential.revoked_at });
  });

  it("keeps every credential it issued on record: when, until when, and why it ended", async () => {
    const tenant = await seedTenant();
    const { id, credentialId, body } = await createRun(tenant);
    expect(body.review_run.private_worker.credential_history).toEqual([
      { credential_id: credentialId, issued_at: expect.any(String), expires_at: body.worker_credential!.expires_at, ended_at: null, end_reason: null },
    ]);
    const rotated = await ok(await rotate(id, tenant.apiKey), RotatedCredentialSchema);
    const revoked = await ok(await revoke(id, tenant.apiKey), RevokedCredentialSchema);
    await expectError(await rotate(id, tenant.apiKey), 409, "credential_revoked");
    const history = (await readRun(tenant, id)).private_worker!.credential_history as Record<string, unknown>[];
    expect(history.map(({ credential_id, end_reason }) => [credential_id, end_reason])).toEqual([
      [credentialId, "rotated"],
      [rotated.worker_credential.credential_id, "revoked"],
    ]);
    expect(history[1]!.ended_at).toBe(revoked.credential.revoked_at);
    expect(JSON.stringify(history)).not.toContain("kivo_wrk_");
  });

  it("a rotation racing a revocation never leaves a working token behind", async () => {
    const tenant = await seedTenant();
    const { id } = await createRun(tenant);
    const [rotated, revoked] = await Promise.all([rotate(id, tenant.apiKey), revoke(id, tenant.apiKey)]);
    expect(revoked.status).toBe(200);
    if (rotated.status === 200) {
      const { worker_credential } = documented(RotatedCredentialSchema, await rotated.json());
      await expectRefused(id, worker_credential.token, "worker_credential_revoked");
    } else {
      await expectError(rotated, 409, "credential_revoked");
    }
  });

  it("does not issue a credential for a finished run", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    await ok(await sendEvent(id, token, completedEvent()), WorkerEventResultSchema);
    await expectError(await rotate(id, tenant.apiKey), 409, "run_already_terminal");
  });

  it("rotating or revoking a hosted run, a missing run or a malformed ID answers 404", async () => {
    const tenant = await seedTenant();
    const hostedId = `run_${crypto.randomUUID()}`;
    await env.DB.prepare(
      "INSERT INTO review_runs (id, organization_id, project_id, status, intended_use, strictness, capture_method, ai_output, created_at, updated_at) VALUES (?, ?, ?, 'queued', 'customer_facing', 'standard', 'api', 'x', ?, ?)",
    )
      .bind(hostedId, tenant.organizationId, tenant.projectId, new Date().toISOString(), new Date().toISOString())
      .run();
    for (const runId of [hostedId, `run_${crypto.randomUUID()}`, "not-a-run"]) {
      await expectError(await rotate(runId, tenant.apiKey), 404, "not_found");
      await expectError(await revoke(runId, tenant.apiKey), 404, "not_found");
    }
  });

  it("refuses unknown and raw fields in a rotation body", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    await expectError(await rotate(id, tenant.apiKey, { ttl: 60 }), 422, "unknown_field");
    await expectError(await rotate(id, tenant.apiKey, { prompt: "x" }), 422, "raw_content_rejected");
    await expectError(await rotate(id, tenant.apiKey, { credential_ttl_seconds: 10 }), 400, "validation_error");
    // None of them rotated anything.
    await ok(await sendEvent(id, token, statusEvent()), WorkerEventResultSchema);
  });

  it("forgets a run's credential state after every token has expired", async () => {
    const tenant = await seedTenant();
    const { id } = await createRun(tenant, { credential_ttl_seconds: 60 });
    const stub = env.WORKER_CREDENTIALS.get(env.WORKER_CREDENTIALS.idFromName(id));
    const alarmAt = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarmAt).toBeGreaterThan(Date.now() + 60_000);
    // Running the alarm early keeps the state (tokens could still be presented)…
    await runDurableObjectAlarm(stub);
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.get("state"))).toBeDefined();
    // …and once it is due, the state goes.
    await runInDurableObject(stub, async (_instance, state) => {
      const current = (await state.storage.get<{ expiresAtMs: number }>("state"))!;
      await state.storage.put("state", { ...current, expiresAtMs: Date.now() - 2 * 86_400_000 });
    });
    await runDurableObjectAlarm(stub);
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.get("state"))).toBeUndefined();
  });
});
