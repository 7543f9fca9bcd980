import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { hasCommand, inCi, lineOf, linesOf, pythonWithRequests, runProcess, runWithClaims } from "./clients.ts";
import { type Exchange, Contract, contractProxy, expectAllDocumented } from "./contract.ts";
import { api, kivo, root } from "./helpers.ts";
import { ReviewRunListSchema } from "../../src/schemas/review-run.ts";

// The examples in examples/ run exactly as the README tells a user to run
// them, each in its own process with only KIVO_API_BASE_URL and KIVO_API_KEY,
// against the real wrangler dev of the global setup. A proxy in between checks
// every response against the OpenAPI document and records which calls were
// made, so "the example polled, read the claims, imported" is seen on the wire.

/** The output the examples send (README, "A 60-second tour", and the SDK READMEs). */
const SEED_OUTPUT = "Customers can request refunds for any order within 60 days, including international orders.";

let contract: Contract;
let proxy: Awaited<ReturnType<typeof contractProxy>> | undefined;

beforeAll(async () => {
  contract = await Contract.load(kivo.baseUrl);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function startProxy() {
  proxy = await contractProxy(kivo.baseUrl);
  return { proxy, env: { KIVO_API_BASE_URL: proxy.url, KIVO_API_KEY: kivo.apiKey } };
}

const calls = (exchanges: readonly Exchange[]) => expectAllDocumented(contract, exchanges);
const count = (operations: string[], operationId: string) => operations.filter((id) => id === operationId).length;

/** The tour packet's outcome, read back from the API: completed, needs_repair, its claims as the example printed them. */
async function expectSeedOutcome(runId: string, printedClaims: string[]) {
  const { run, claims } = await runWithClaims(runId);
  expect(run.ai_output).toBe(SEED_OUTPUT);
  expect(run).toMatchObject({ status: "completed", safe_use_status: "needs_repair", gate_verdict: { verdict: "needs_repair" } });
  expect(claims.map((claim) => claim.support_status)).toEqual(expect.arrayContaining(["contradicted"]));
  expect(printedClaims.map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual(
    claims.map((claim) => `${claim.support_status} ${claim.id}`),
  );
  return { run, claims };
}

async function expectImportedRuns(importLine: string, accepted: number) {
  const [id, status, acceptedField, rejectedField, runsField] = importLine.split(" ");
  expect({ status, acceptedField, rejectedField }).toEqual({ status: "completed", acceptedField: `accepted=${accepted}`, rejectedField: "rejected=0" });
  const runIds = runsField!.slice("runs=".length).split(",");
  expect(runIds).toHaveLength(accepted);
  const listed = await api(`/v1/review-runs?import_id=${id}`, {}, ReviewRunListSchema);
  expect(listed.body.items.map((run) => run.id).sort()).toEqual([...runIds].sort());
  for (const run of listed.body.items) expect(run).toMatchObject({ capture_method: "upload", import_id: id });
  return listed.body.items;
}

describe("examples/curl/quickstart.sh", () => {
  const missing = ["bash", "curl", "jq"].filter((tool) => !hasCommand(tool));
  it.skipIf(missing.length > 0 && !inCi)("runs the reference's curl calls end to end", async () => {
    expect(missing, "tools the curl example needs (.ci/run installs jq)").toEqual([]);
    const { proxy, env } = await startProxy();
    const result = await runProcess("bash", ["examples/curl/quickstart.sh"], env);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const out = result.stdout;

    const runId = lineOf(out, "review_run_id");
    expect(lineOf(out, "polling_url")).toBe(`${proxy.url}/v1/review-runs/${runId}`);
    expect(linesOf(out, "status").at(-1)).toBe("completed");
    expect(lineOf(out, "safe_use_status")).toBe("needs_repair");
    expect(lineOf(out, "gate_verdict")).toBe("needs_repair");
    expect(lineOf(out, "report_safe_use_status")).toBe("needs_repair");
    const { claims } = await expectSeedOutcome(runId, linesOf(out, "claim"));
    expect(linesOf(out, "verification").map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual(
      claims.map((claim) => `${claim.support_status} ${claim.id}`),
    );
    expect(out).toContain("# Claim report\n\nUse status: Needs Repair\n");
    expect(out).toContain("Refund policy states 30 days, but the claim says 60 days.");

    const reportUrl = lineOf(out, "report_url");
    expect(reportUrl.startsWith(`${proxy.url}/v1/report-links/`)).toBe(true);
    const page = await fetch(reportUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain("<h1>Needs repair</h1>");

    const [seedImport, fileImport] = linesOf(out, "import");
    const [seedRun] = await expectImportedRuns(seedImport!, 1);
    expect(seedRun).toMatchObject({ external_id: "answer_001" });
    const fileRuns = await expectImportedRuns(fileImport!, 2);
    expect(fileRuns.map((run) => run.external_id).sort()).toEqual(["answer_001", "answer_002"]);

    const operations = calls(proxy.exchanges);
    expect(count(operations, "createReviewRun")).toBe(1);
    expect(count(operations, "getReviewRun")).toBeGreaterThanOrEqual(1);
    expect(count(operations, "listClaims")).toBe(1);
    expect(count(operations, "listVerificationResults")).toBe(1);
    expect(count(operations, "getClaimReport")).toBe(2);
    expect(count(operations, "createReportLink")).toBe(1);
    expect(count(operations, "openReportLink")).toBe(1);
    expect(count(operations, "createImport")).toBe(2);
  });
});

describe("examples/typescript/quickstart.ts", () => {
  it("runs the SDK page's fetch snippet under Node's type stripping, then polls and reads the report", async () => {
    const { proxy, env } = await startProxy();
    const typecheck = await runProcess(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "examples/typescript"], {});
    expect(typecheck.code, typecheck.stdout).toBe(0);

    const result = await runProcess(process.execPath, ["examples/typescript/quickstart.ts"], env);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    const [runId, pollingUrl] = out.split("\n")[0]!.split(" ");
    expect(pollingUrl).toBe(`${proxy.url}/v1/review-runs/${runId}`);
    expect(lineOf(out, "status")).toBe("completed");
    expect(lineOf(out, "safe_use_status")).toBe("needs_repair");
    expect(lineOf(out, "report_safe_use_status")).toBe("needs_repair");
    const { claims } = await expectSeedOutcome(runId!, linesOf(out, "claim"));
    expect(linesOf(out, "follow_up")).toContain(`Should the output remove or revise claim \`${claims[0]!.id}\`?`);
    expect(out).toContain("# Claim report\n\nUse status: Needs Repair\n");

    const operations = calls(proxy.exchanges);
    expect(operations[0]).toBe("createReviewRun");
    expect(count(operations, "getReviewRun")).toBeGreaterThanOrEqual(1);
    expect(count(operations, "listClaims")).toBe(1);
    expect(count(operations, "getClaimReport")).toBe(2);
  });

  it("reports Kivo's error code and request ID as the snippet is written to", async () => {
    const { proxy, env } = await startProxy();
    const result = await runProcess(process.execPath, ["examples/typescript/quickstart.ts"], { ...env, KIVO_API_KEY: "kivo_test_not_a_real_key" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Kivo request failed: invalid_api_key req_[0-9a-z]{26}/);
    expect(calls(proxy.exchanges)).toEqual(["createReviewRun"]);
  });
});

describe("examples/python/quickstart.py", () => {
  const python = pythonWithRequests();
  it.skipIf(!python && !inCi)("runs the SDK page's requests snippet, polls, reads the report and imports the JSONL fixture", async () => {
    expect(python, "a python3 with requests (.ci/run installs Debian's python3-requests)").not.toBeNull();
    const { proxy, env } = await startProxy();
    const result = await runProcess(python!, ["examples/python/quickstart.py"], env);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    const [runId, pollingUrl] = out.split("\n")[0]!.split(" ");
    expect(pollingUrl).toBe(`${proxy.url}/v1/review-runs/${runId}`);
    expect(lineOf(out, "status")).toBe("completed");
    expect(lineOf(out, "safe_use_status")).toBe("needs_repair");
    expect(lineOf(out, "gate_verdict")).toBe("needs_repair");
    await expectSeedOutcome(runId!, linesOf(out, "claim"));
    expect(out).toContain("# Claim report\n\nUse status: Needs Repair\n");
    const fileRuns = await expectImportedRuns(lineOf(out, "import"), 2);
    expect(fileRuns.map((run) => run.intended_use).sort()).toEqual(["customer_facing", "internal_draft"]);

    const operations = calls(proxy.exchanges);
    expect(operations[0]).toBe("createReviewRun");
    expect(count(operations, "listClaims")).toBe(1);
    expect(count(operations, "getClaimReport")).toBe(2);
    expect(count(operations, "createImport")).toBe(1);
  });
});

describe("the README's 60-second tour", () => {
  const missing = ["bash", "curl", "jq"].filter((tool) => !hasCommand(tool));
  it.skipIf(missing.length > 0 && !inCi)("runs as written and ends with a report link that opens", async () => {
    expect(missing).toEqual([]);
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const tour = readme.slice(readme.indexOf("## A 60-second tour"), readme.indexOf("\n## ", readme.indexOf("## A 60-second tour") + 1));
    const script = [...tour.matchAll(/```sh\n([\s\S]*?)```/g)]
      .map((block) => block[1]!)
      .join("\n")
      .split("\n")
      .filter((line) => !line.startsWith("export KIVO_"))
      .join("\n");
    expect(script).toContain("/report-links");
    const { proxy, env } = await startProxy();
    const result = await runProcess("bash", ["-euo", "pipefail", "-c", script], env);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.slice(0, result.stdout.indexOf("}") + 1))).toMatchObject({
      status: "completed",
      safe_use_status: "needs_repair",
      verdict: "needs_repair",
    });
    expect(result.stdout).toContain("contradicted: Customers can request refunds for any order within 60 days — Refund policy states 30 days");
    expect(result.stdout).toContain("Use status: Needs Repair");
    const url = result.stdout.trim().split("\n").at(-1)!;
    expect(url.startsWith(`${proxy.url}/v1/report-links/`)).toBe(true);
    expect((await fetch(url)).headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(new Set(calls(proxy.exchanges))).toEqual(new Set(["createReviewRun", "listClaims", "getClaimReport", "createReportLink", "openReportLink"]));
  });
});
