import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreatedEnterpriseWorkerRunSchema, EVENT_ALLOWED_FIELDS } from "../../src/schemas/enterprise-worker.ts";
import { ReviewRunSchema } from "../../src/schemas/review-run.ts";
import { api, kivo, recordingProxy, root, runWorkerCli } from "./helpers.ts";

// The Enterprise Worker end to end: the real CLI reviews the tour's packet on
// this machine against a real `wrangler dev`, through a proxy that records
// every byte sent, so "the server never received the text" is checked on the
// wire rather than assumed.

const packetPath = join(root, "examples", "private-worker", "packet.json");
const packet = JSON.parse(readFileSync(packetPath, "utf8")) as {
  ai_output: string;
  sources: { title: string; content: string }[];
  customer_run_id: string;
  intended_use: string;
};
const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/** Text from the packet that must not cross the wire: whole texts and telling fragments of them. */
const secrets = [packet.ai_output, ...packet.sources.map((s) => s.content), "60 days", "30 days", "international orders", "within 30"];

let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let outRoot: string;

beforeAll(async () => {
  proxy = await recordingProxy(kivo.baseUrl);
  outRoot = mkdtempSync(join(tmpdir(), "kivo-worker-out-"));
});
afterAll(async () => {
  await proxy?.close();
  rmSync(outRoot, { recursive: true, force: true });
});

function expectNothingSecret(text: string, token?: string) {
  for (const secret of secrets) expect(text).not.toContain(secret);
  if (token) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split(".")[1]);
  }
}

async function readRun(runId: string) {
  const { status, body } = await api(`/v1/review-runs/${runId}`, {}, ReviewRunSchema);
  expect(status).toBe(200);
  return body;
}

describe("kivo-worker review against wrangler dev", () => {
  it("reviews a run created beforehand, keeps the text local and reports metadata only", async () => {
    const created = await api(
      "/v1/private-worker/review-runs",
      {
        json: {
          schema_version: "kivo_private_worker_review_run_create.v1",
          customer_run_id: `${packet.customer_run_id}-${Date.now()}`,
          intended_use: packet.intended_use,
          source_count: packet.sources.length,
          source_hashes: packet.sources.map((s) => sha256(s.content)),
          output_hash: sha256(packet.ai_output),
        },
      },
      CreatedEnterpriseWorkerRunSchema,
    );
    expect(created.status).toBe(201);
    const runId = created.body.review_run.id;
    const token = created.body.worker_credential!.token;

    const out = join(outRoot, "precreated");
    const cli = await runWorkerCli(
      ["review", "--packet", packetPath, "--out", out, "--run-id", runId, "--api-base", proxy.url, "--json", "--storage-prefix", "s3://acme-reports/run-1/"],
      { KIVO_WORKER_CREDENTIAL: token },
    );
    expect(cli.code, cli.stderr).toBe(0);

    // The report is here, on the customer's side, and says what the hosted review says.
    expect(readdirSync(out).sort()).toEqual(["claim-report.json", "claim-report.md", "review-artifacts.json"]);
    const report = JSON.parse(readFileSync(join(out, "claim-report.json"), "utf8"));
    expect(report.safe_use_status).toBe("needs_repair");
    expect(report.unsupported_claims.length).toBeGreaterThan(0);
    expect(readFileSync(join(out, "claim-report.md"), "utf8")).toMatch(/^# Claim report\n/);
    const summary = JSON.parse(cli.stdout);
    expect(summary).toMatchObject({
      review_run_id: runId,
      status: "completed",
      gate_verdict: "needs_repair",
      safe_use_status: "needs_repair",
      output_hash: sha256(packet.ai_output),
      source_hashes: packet.sources.map((s) => sha256(s.content)),
    });

    // What crossed the wire: a status then a completed event, metadata only.
    const sent = proxy.requests.filter((r) => r.path.includes(runId));
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /v1/private-worker/review-runs/${runId}/events`,
      `POST /v1/private-worker/review-runs/${runId}/events`,
    ]);
    const events = sent.map((r) => JSON.parse(r.body) as Record<string, any>);
    expect(events.map((e) => e.event_type)).toEqual(["status", "completed"]);
    for (const [i, request] of sent.entries()) {
      expect(request.headers.authorization).toBe(`Bearer ${token}`);
      expectNothingSecret(request.body);
      expect(Object.keys(events[i]!).every((field) => field in EVENT_ALLOWED_FIELDS)).toBe(true);
    }
    expect(events[1]).toMatchObject({
      gate_verdict: "needs_repair",
      claim_count: summary.claim_count,
      unsupported_claim_count: summary.unsupported_claim_count,
      artifact_summaries: expect.arrayContaining([
        {
          kind: "claim_report",
          count: 1,
          sha256: sha256(readFileSync(join(out, "claim-report.json"), "utf8")),
          storage_pointer: "s3://acme-reports/run-1/claim-report.json",
        },
      ]),
    });

    // Kivo reads the run back as completed with the CLI's verdict.
    const run = await readRun(runId);
    expect(run).toMatchObject({
      status: "completed",
      capture_method: "private_worker",
      ai_output: null,
      sources: [],
      safe_use_status: "needs_repair",
      claim_count: summary.claim_count,
      unsupported_claim_count: summary.unsupported_claim_count,
      gate_verdict: { verdict: "needs_repair", safe_use_status: "needs_repair" },
    });
    expectNothingSecret(JSON.stringify(run));

    // Its logs carry neither the text nor the credential.
    expectNothingSecret(cli.stdout + cli.stderr, token);
  });

  it("creates the run itself with an API key and never sends the text", async () => {
    const out = join(outRoot, "self-created");
    const cli = await runWorkerCli(["review", "--packet", packetPath, "--out", out, "--api-base", proxy.url, "--json"], {
      KIVO_API_KEY: kivo.apiKey,
    });
    expect(cli.code, cli.stderr).toBe(0);
    const summary = JSON.parse(cli.stdout);
    const runId = summary.review_run_id as string;
    expect(runId).toMatch(/^run_[0-9a-f-]{36}$/);

    const create = proxy.requests.find((r) => r.path === "/v1/private-worker/review-runs" && r.body.includes(packet.customer_run_id));
    expect(create).toBeDefined();
    expect(create!.headers["idempotency-key"]).toMatch(/^kivo-worker-/);
    expect(JSON.parse(create!.body)).toMatchObject({
      schema_version: "kivo_private_worker_review_run_create.v1",
      customer_run_id: packet.customer_run_id,
      output_hash: sha256(packet.ai_output),
      source_count: 1,
    });
    for (const request of [create!, ...proxy.requests.filter((r) => r.path.includes(runId))]) expectNothingSecret(request.body);

    expect(await readRun(runId)).toMatchObject({ status: "completed", gate_verdict: { verdict: summary.gate_verdict } });
    expectNothingSecret(cli.stdout + cli.stderr, kivo.apiKey);
  });

  it("fails closed on a revoked credential and says so without leaking it", async () => {
    const created = await api(
      "/v1/private-worker/review-runs",
      {
        json: { schema_version: "kivo_private_worker_review_run_create.v1", customer_run_id: `revoked-${Date.now()}`, intended_use: "customer_facing" },
      },
      CreatedEnterpriseWorkerRunSchema,
    );
    const runId = created.body.review_run.id;
    const token = created.body.worker_credential!.token;
    expect((await api(`/v1/private-worker/review-runs/${runId}/credential/revoke`, { json: {} })).status).toBe(200);

    const cli = await runWorkerCli(["review", "--packet", packetPath, "--out", join(outRoot, "revoked"), "--run-id", runId, "--api-base", kivo.baseUrl], {
      KIVO_WORKER_CREDENTIAL: token,
    });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain("worker_credential_revoked");
    expectNothingSecret(cli.stdout + cli.stderr, token);
    expect(await readRun(runId)).toMatchObject({ status: "queued" });
  });

  it("reports an unreadable packet as a redacted failure, quoting none of it", async () => {
    const created = await api(
      "/v1/private-worker/review-runs",
      {
        json: { schema_version: "kivo_private_worker_review_run_create.v1", customer_run_id: `broken-${Date.now()}`, intended_use: "customer_facing" },
      },
      CreatedEnterpriseWorkerRunSchema,
    );
    const runId = created.body.review_run.id;
    const token = created.body.worker_credential!.token;
    // A syntax error right after the output text: JSON.parse would quote it.
    const broken = join(outRoot, "broken.json");
    writeFileSync(broken, `{"ai_output": ${JSON.stringify(packet.ai_output)} "sources": []}`);

    const cli = await runWorkerCli(["review", "--packet", broken, "--out", join(outRoot, "broken"), "--run-id", runId, "--api-base", proxy.url], {
      KIVO_WORKER_CREDENTIAL: token,
    });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain("is not valid JSON");
    expectNothingSecret(cli.stdout + cli.stderr, token);
    for (const request of proxy.requests.filter((r) => r.path.includes(runId))) expectNothingSecret(request.body);
    expect(await readRun(runId)).toMatchObject({
      status: "failed",
      error_code: "worker_failed",
      error_message: "The Enterprise Worker reported a failure: packet_invalid.",
    });
  });
});
