import { describe, expect, it } from "vitest";
import { call, expectError, seedTenant } from "../../helpers/harness.ts";
import { withLostAnswerWrite } from "../../helpers/idempotency.ts";
import {
  OUTPUT_TEXT,
  SOURCE_TEXT,
  completedEvent,
  createBody,
  createRun,
  listedRun,
  readRun,
  sendEvent,
  storedRows,
  wholeDatabase,
} from "./helpers.ts";
import { documented } from "../../helpers/documented.ts";
import { CreatedEnterpriseWorkerRunSchema } from "../../../src/schemas/enterprise-worker.ts";

const create = async (key: string, json: unknown) => call("/v1/private-worker/review-runs", { method: "POST", key, json });

describe("POST /v1/private-worker/review-runs", () => {
  it("creates a queued metadata-only run and a one-run credential", async () => {
    const tenant = await seedTenant();
    const json = await createBody({ storage_pointers: ["s3://acme/reports/"], metadata: { team: "support" } });
    const response = await create(tenant.apiKey, json);
    expect(response.status).toBe(201);
    const body = documented(CreatedEnterpriseWorkerRunSchema, await response.json());

    expect(body.review_run).toMatchObject({
      id: expect.stringMatching(/^run_[0-9a-f-]{36}$/),
      project_id: tenant.projectId,
      status: "queued",
      capture_method: "private_worker",
      intended_use: "customer_facing",
      strictness: "standard",
      source_count: 1,
      claim_count: 0,
      safe_use_status: null,
      gate_verdict: null,
      external_id: json.customer_run_id,
      metadata: { team: "support" },
      private_worker: {
        customer_run_id: json.customer_run_id,
        workflow_id: "support_answer",
        title: "Refund answer",
        source_hashes: json.source_hashes,
        output_hash: json.output_hash,
        storage_pointers: ["s3://acme/reports/"],
        event_count: 0,
        credential: { credential_id: body.worker_credential!.credential_id, revoked: false },
      },
    });
    expect(body.worker_credential).toEqual({
      token: expect.stringMatching(/^kivo_wrk_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/),
      credential_id: expect.stringMatching(/^wcred_[0-9a-z]{26}$/),
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      events_url: `http://kivo.test/v1/private-worker/review-runs/${body.review_run.id}/events`,
    });
    // Default TTL: one day.
    const ttl = Date.parse(body.worker_credential!.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(86_390_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
    expect(body.request_id).toBe(response.headers.get("X-Request-Id"));
  });

  it("lists the run with its capture method, findable by the customer's run ID", async () => {
    const tenant = await seedTenant();
    const { id, body } = await createRun(tenant);
    expect(await listedRun(tenant, id)).toMatchObject({ id, capture_method: "private_worker", status: "queued" });
    const byExternal = await call(`/v1/review-runs?external_id=${body.review_run.external_id}`, { key: tenant.apiKey });
    expect(((await byExternal.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([id]);
  });

  it("stores no token and no raw content, only metadata", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    const { run, details } = await storedRows(id);
    expect(run).toMatchObject({ ai_output: null, question: null, capture_method: "private_worker" });
    const stored = JSON.stringify([run, details]);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.split(".")[1]);
    expect(stored).not.toContain(OUTPUT_TEXT);
    expect(stored).not.toContain(SOURCE_TEXT);
  });

  it("refuses raw-content fields at any depth, naming every path, and creates nothing", async () => {
    const tenant = await seedTenant();
    const marker = `raw-marker-${crypto.randomUUID()}`;
    const json = await createBody({
      ai_output: marker,
      metadata: { context: { inner: { source_text: marker } } },
      storage_pointers: [{ messages: [{ content: marker }] }],
    });
    const body = await expectError(await create(tenant.apiKey, json), 422, "raw_content_rejected");
    const paths = (body.error.details as { path: string }[]).map((d) => d.path);
    expect(paths.sort()).toEqual(["ai_output", "metadata.context.inner.source_text", "storage_pointers.0.messages"]);
    for (const path of paths) expect(body.error.message).toContain(path);
    expect(body.error.message).not.toContain(marker);

    const list = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
    expect(await wholeDatabase()).not.toContain(marker);
  });

  it("refuses every raw-content field the route's description names", async () => {
    const tenant = await seedTenant();
    const fields = ["ai_output", "prompt", "messages", "source_text", "source_spans", "retrieved_context", "embeddings", "screenshots", "uploads", "tool_trace"];
    for (const field of fields) {
      const body = await expectError(await create(tenant.apiKey, await createBody({ [field]: "x" })), 422, "raw_content_rejected");
      expect(body.error.details).toEqual([{ path: field, message: expect.any(String) }]);
    }
  });

  it("refuses raw-content fields under any spelling: case, camelCase, separators, full-width, look-alikes, invisible characters", async () => {
    const tenant = await seedTenant();
    const marker = `raw-marker-${crypto.randomUUID()}`;
    const spellings = [
      "AI_OUTPUT",
      "aiOutput",
      "ai-output",
      "Prompt",
      "sourceText",
      "Embeddings",
      "toolTrace",
      "ＡＩ＿ＯＵＴＰＵＴ",
      "аi_output", // Cyrillic а
      "prοmpt", // Greek ο
      "tool\u200b_trace",
      "retrieved context",
      "message",
    ];
    for (const key of spellings) {
      for (const where of [{ metadata: { [key]: marker } }, { metadata: { team: "support" }, [key]: { nested: [{ x: marker }] } }]) {
        const body = await expectError(await create(tenant.apiKey, await createBody(where)), 422, "raw_content_rejected");
        expect((body.error.details as { path: string }[]).map((d) => d.path), key).toEqual([where.metadata.team ? key : `metadata.${key}`]);
      }
    }
    // The same disguises on the event and rotate bodies.
    const { id, token } = await createRun(tenant);
    await expectError(await sendEvent(id, token, { ...completedEvent(), artifact_summaries: [{ kind: "x", AiOutput: marker }] }), 422, "raw_content_rejected");
    await expectError(
      await call(`/v1/private-worker/review-runs/${id}/credential/rotate`, { method: "POST", key: tenant.apiKey, json: { "PROMPT\u200d": marker } }),
      422,
      "raw_content_rejected",
    );
    expect(await wholeDatabase()).not.toContain(marker);
  });

  it("keeps ordinary metadata names that merely contain a raw-content word", async () => {
    const tenant = await seedTenant();
    const metadata = { prompt_version: "v3", message_count: 4, uploads_dir: "s3://bucket/", output_format: "markdown" };
    const { body } = await createRun(tenant, { metadata });
    expect(body.review_run.metadata).toEqual(metadata);
  });

  it("refuses credentials in metadata and in every stored ID and label, however they are disguised", async () => {
    const tenant = await seedTenant();
    const secrets = {
      admin: `kivo_admin_${"a1B2".repeat(8)}`,
      webhook: `whsec_${"a1B2".repeat(8)}`,
      openai: `sk-proj-${"a1B2c3D4".repeat(4)}`,
      anthropic: `sk-ant-api03-${"a1B2c3D4".repeat(4)}`,
      jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      google: "AIzaSy0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV",
      database: "postgres://kivo:s3cret-pw@db.internal/kivo",
      split: "kivo_live_abcd\u200befgh1234567890",
      shouted: "KIVO_TEST_ABCDEFGH12345678",
    };
    for (const [name, secret] of Object.entries(secrets)) {
      const body = await expectError(await create(tenant.apiKey, await createBody({ metadata: { note: secret } })), 400, "validation_error");
      expect(body.error.details, name).toEqual([{ path: "metadata.note", message: expect.stringMatching(/^Looks like a /) }]);
    }
    for (const field of ["customer_run_id", "worker_id", "workflow_id", "workflow_name", "title", "worker_version", "policy_version"]) {
      const body = await expectError(await create(tenant.apiKey, await createBody({ [field]: secrets.split })), 400, "validation_error");
      expect(body.error.details, field).toEqual([{ path: field, message: "Looks like a Kivo API key; do not put credentials in IDs or labels." }]);
    }
    await expectError(await create(tenant.apiKey, await createBody({ storage_pointers: [secrets.database] })), 400, "validation_error");
    expect(await wholeDatabase()).not.toContain("a1B2c3D4");
    expect(await wholeDatabase()).not.toContain("s3cret-pw");
  });

  it("refuses fields outside the allowlist with unknown_field", async () => {
    const tenant = await seedTenant();
    const body = await expectError(await create(tenant.apiKey, await createBody({ sources: [], output: "x" })), 422, "unknown_field");
    expect((body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual(["output", "sources"]);
  });

  it("validates schema_version, hashes, counts, lengths and TTL with readable details", async () => {
    const tenant = await seedTenant();
    const cases: [Record<string, unknown>, string][] = [
      [{ schema_version: "v0" }, "schema_version"],
      [{ customer_run_id: undefined }, "customer_run_id"],
      [{ intended_use: "publishing" }, "intended_use"],
      [{ output_hash: "sha256:abc" }, "output_hash"],
      [{ source_hashes: ["md5:0123"] }, "source_hashes.0"],
      [{ source_count: 2 }, "source_count"],
      [{ title: "t".repeat(300) }, "title"],
      [{ worker_version: "v".repeat(300) }, "worker_version"],
      [{ metadata: { note: "n".repeat(300) } }, "metadata.note"],
      [{ metadata: { nested: { deep: true } } }, "metadata.nested"],
      [{ metadata: { deploy: "Bearer abcdefghijklmnopqrstuvwxyz012345" } }, "metadata.deploy"],
      [{ metadata: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "v".repeat(250)])) }, "metadata"],
      [{ credential_ttl_seconds: 59 }, "credential_ttl_seconds"],
      [{ credential_ttl_seconds: 604_801 }, "credential_ttl_seconds"],
    ];
    for (const [overrides, path] of cases) {
      const body = await expectError(await create(tenant.apiKey, await createBody(overrides)), 400, "validation_error");
      expect((body.error.details as { path: string }[]).map((d) => d.path), JSON.stringify(overrides)).toContain(path);
    }
    const list = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("answers malformed JSON and a wrong media type with the documented codes", async () => {
    const tenant = await seedTenant();
    const headers = { Authorization: `Bearer ${tenant.apiKey}` };
    await expectError(
      await call("/v1/private-worker/review-runs", { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: "{" }),
      400,
      "invalid_json",
    );
    await expectError(
      await call("/v1/private-worker/review-runs", { method: "POST", headers: { ...headers, "Content-Type": "text/plain" }, body: "x" }),
      415,
      "unsupported_media_type",
    );
  });

  it("refuses a worker credential in place of an API key", async () => {
    const tenant = await seedTenant();
    const { token } = await createRun(tenant);
    await expectError(await create(token, await createBody()), 401, "invalid_api_key");
  });

  it("reads back metadata only; claims, verification results and report are not hosted", async () => {
    const tenant = await seedTenant();
    const { id, token } = await createRun(tenant);
    expect((await sendEvent(id, token, completedEvent())).status).toBe(200);

    const response = await call(`/v1/review-runs/${id}`, { key: tenant.apiKey });
    expect(response.status).toBe(200);
    const run = (await response.json()) as Record<string, unknown>;
    expect(run).toMatchObject({
      id,
      status: "completed",
      capture_method: "private_worker",
      safe_use_status: "needs_repair",
      ai_output: null,
      sources: [],
      source_spans: [],
      verification_results: [],
      claim_report: null,
    });
    for (const artifact of ["claims", "verification-results", "claim-report"]) {
      await expectError(await call(`/v1/review-runs/${id}/${artifact}`, { key: tenant.apiKey }), 409, "artifact_not_hosted");
    }
  });

  it("replays an Idempotency-Key retry as the same run with a fresh credential, creating nothing new", async () => {
    const tenant = await seedTenant();
    const json = await createBody();
    const send = (body: unknown) =>
      call("/v1/private-worker/review-runs", { method: "POST", key: tenant.apiKey, headers: { "Idempotency-Key": "create-1" }, json: body });
    const first = await send(json);
    const firstBody = documented(CreatedEnterpriseWorkerRunSchema, await first.json());
    expect(first.status).toBe(201);
    const again = await send(json);
    const againBody = documented(CreatedEnterpriseWorkerRunSchema, await again.json());
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(againBody.review_run).toEqual(firstBody.review_run);
    expect(againBody.request_id).toBe(firstBody.request_id);
    expect(againBody.worker_credential!.token).toMatch(/^kivo_wrk_/);
    expect(againBody.worker_credential!.token).not.toBe(firstBody.worker_credential!.token);

    const list = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
    // The replayed credential is the run's one; the lost first answer's token no longer is.
    const id = firstBody.review_run.id as string;
    await expectError(await sendEvent(id, firstBody.worker_credential!.token, completedEvent()), 401, "worker_credential_revoked");
    expect((await sendEvent(id, againBody.worker_credential!.token, completedEvent())).status).toBe(200);
    // Kivo kept no token, not even in the idempotency record.
    const stored = await wholeDatabase();
    expect(stored).not.toContain(firstBody.worker_credential!.token.split(".")[1]);
    expect(stored).not.toContain(againBody.worker_credential!.token.split(".")[1]);

    await expectError(await send({ ...json, title: "Another title" }), 409, "idempotency_key_reused");
  });

  it("answers a retry with the run even when storing the first answer after the create fails", async () => {
    const tenant = await seedTenant();
    const json = await createBody();
    const send = () =>
      call("/v1/private-worker/review-runs", { method: "POST", key: tenant.apiKey, headers: { "Idempotency-Key": "lost-answer" }, json });
    const first = await withLostAnswerWrite(send);
    expect(first.status).toBe(201);
    const firstBody = documented(CreatedEnterpriseWorkerRunSchema, await first.json());
    // The answer is built from what was written: it reads back the same.
    expect(await readRun(tenant, firstBody.review_run.id)).toMatchObject(firstBody.review_run);
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    const againBody = documented(CreatedEnterpriseWorkerRunSchema, await again.json());
    expect(againBody.review_run.id).toBe(firstBody.review_run.id);
    expect(againBody.worker_credential!.token).toMatch(/^kivo_wrk_/);
    const list = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("never issues a credential on replay once the run's credentials were revoked", async () => {
    const tenant = await seedTenant();
    const json = await createBody();
    const send = () =>
      call("/v1/private-worker/review-runs", { method: "POST", key: tenant.apiKey, headers: { "Idempotency-Key": "revoke-1" }, json });
    const first = documented(CreatedEnterpriseWorkerRunSchema, await (await send()).json());
    const id = first.review_run.id as string;
    const revoked = await call(`/v1/private-worker/review-runs/${id}/credential/revoke`, { method: "POST", key: tenant.apiKey });
    expect(revoked.status).toBe(200);

    const replay = await send();
    const replayBody = documented(CreatedEnterpriseWorkerRunSchema, await replay.json());
    expect(replay.status).toBe(201);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replayBody.review_run).toEqual(first.review_run);
    expect(replayBody.worker_credential).toBeNull();
    await expectError(await sendEvent(id, first.worker_credential!.token, completedEvent()), 401, "worker_credential_revoked");
    expect((await readRun(tenant, id)).private_worker!.credential).toMatchObject({ revoked: true, revoked_at: expect.any(String) });
  });

  it("answers a replay after the run finished with the first response, not run_already_terminal", async () => {
    const tenant = await seedTenant();
    const json = await createBody();
    const send = () =>
      call("/v1/private-worker/review-runs", { method: "POST", key: tenant.apiKey, headers: { "Idempotency-Key": "done-1" }, json });
    const first = documented(CreatedEnterpriseWorkerRunSchema, await (await send()).json());
    expect((await sendEvent(first.review_run.id, first.worker_credential!.token, completedEvent())).status).toBe(200);

    const replay = await send();
    const replayBody = documented(CreatedEnterpriseWorkerRunSchema, await replay.json());
    expect(replay.status).toBe(201);
    expect(replayBody).toEqual({ ...first, worker_credential: null });
  });

  it("counts against the monthly allowance and creates nothing once it is used up", async () => {
    const tenant = await seedTenant({ plan: "free", monthlyRunLimit: 1 });
    await createRun(tenant);
    const marker = `customer-${crypto.randomUUID()}`;
    await expectError(await create(tenant.apiKey, await createBody({ customer_run_id: marker })), 402, "usage_limit_exceeded");
    const list = await call("/v1/review-runs", { key: tenant.apiKey });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
    expect(await wholeDatabase()).not.toContain(marker);
  });
});
