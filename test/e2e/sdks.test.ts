import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { inCi, pythonWith, runProcess, runWithClaims } from "./clients.ts";
import { type Exchange, Contract, contractProxy, expectAllDocumented } from "./contract.ts";
import { api, kivo, root } from "./helpers.ts";
import { ReviewRunListSchema } from "../../src/schemas/review-run.ts";

// The official SDKs (sdks/) run their whole flow, as an application would,
// against the suite's wrangler dev, through the proxy that validates every
// response against the document and records what the SDK sent. The TypeScript
// SDK is packed and installed into a fresh project first, so what runs is what
// `npm install` would give a user; the Python SDK runs from its src layout with
// Debian's python3-httpx.

const OUTPUT = "📦 Customers can request refunds for any order within 60 days, including international orders.";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const API_VERSION = "1.1.0";
const KIVO_VERSION = "2026-11-22";
/** What each SDK's flow calls, by operation ID. */
const FLOW_OPERATIONS = new Set([
  "createReviewRun",
  "listClaims",
  "listVerificationResults",
  "getClaimReport",
  "listReviewRuns",
  "createImport",
  "getImportResults",
  "createWebhookEndpoint",
  "updateWebhookEndpoint",
  "rotateWebhookSecret",
  "listWebhookEndpoints",
  "listWebhookDeliveries",
  "deleteWebhookEndpoint",
  "getReviewRun",
]);

let contract: Contract;
let proxy: Awaited<ReturnType<typeof contractProxy>> | undefined;

beforeAll(async () => {
  contract = await Contract.load(kivo.baseUrl);
  expect(contract.document.info.version).toBe(API_VERSION);
  expect(contract.document.info["x-kivo-version"]).toBe(KIVO_VERSION);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

interface FlowSummary {
  review_run_id: string;
  status: string;
  safe_use_status: string;
  gate_verdict: string;
  claims: { id: string; support_status: string; output_text: string }[];
  verification_count: number;
  report_safe_use_status: string;
  markdown_first_line: string;
  listed: string[];
  import: { id: string; status: string; accepted: number; review_run_ids: string[] };
  imported_runs: { id: string; external_id: string }[];
  import_results: { row: number; external_id: string; review_run_id: string; status: string }[];
  webhook_endpoint: Record<string, unknown>;
  not_found: { code: string; status: number; requestId: string };
  async?: { id: string; status: string; safe_use_status: string; listed: string[] };
}

/** The code block under a README's "## Example", exactly as a user would copy it. */
function readmeExample(readme: string, language: string): string {
  const text = readFileSync(join(root, readme), "utf8");
  const section = text.slice(text.indexOf("## Example"), text.indexOf("\n## ", text.indexOf("## Example") + 1));
  const block = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(section);
  expect(block, `a \`\`\`${language} block under "## Example" in ${readme}`).not.toBeNull();
  return block![1]!;
}

/** The README example's first line of output: the tour's answer is contradicted by the policy. */
function expectReadmeOutcome(stdout: string) {
  const lines = stdout.split("\n");
  expect(lines[0]).toBe("needs_repair needs_repair");
  expect(lines.some((line) => line.startsWith("contradicted "))).toBe(true);
  expect(stdout).toContain("# Claim report");
}

/** What both flows must show, checked against the API read directly rather than through the SDK. */
async function expectFlowOutcome(summary: FlowSummary, externalIdPrefix: string) {
  const { run, claims } = await runWithClaims(summary.review_run_id);
  expect(run).toMatchObject({ ai_output: OUTPUT, status: "completed", safe_use_status: "needs_repair" });
  expect(summary).toMatchObject({ status: "completed", safe_use_status: "needs_repair", gate_verdict: "needs_repair", report_safe_use_status: "needs_repair" });
  expect(run.external_id?.startsWith(externalIdPrefix)).toBe(true);
  expect(summary.listed).toEqual([summary.review_run_id]);
  expect(summary.verification_count).toBe(claims.length);
  expect(summary.markdown_first_line).toBe("# Claim report");

  // The claim's words, cut from the output at Kivo's UTF-16 offsets by the SDK's own means.
  expect(summary.claims).toEqual(
    claims.map((claim) => ({
      id: claim.id,
      support_status: claim.support_status,
      output_text: (run.ai_output as string).slice(claim.output_start_offset, claim.output_end_offset),
    })),
  );
  const contradicted = summary.claims.find((claim) => claim.support_status === "contradicted");
  expect(contradicted?.output_text).toContain("60 days");
  expect(claims[0]!.output_start_offset).toBeGreaterThan(0);

  expect(summary.import).toMatchObject({ status: "completed", accepted: 2 });
  expect(summary.imported_runs.map((r) => r.id).sort()).toEqual([...summary.import.review_run_ids].sort());
  expect(summary.imported_runs.map((r) => r.external_id).sort()).toEqual([`${run.external_id}-row-1`, `${run.external_id}-row-2`]);
  expect(summary.webhook_endpoint).toEqual({
    secret_issued: true,
    secret_rotated: true,
    event_types: ["review_run.completed", "import.completed"],
    enabled: false,
    listed: true,
    deliveries: 0,
    deleted: true,
  });
  // imports.results reads GET /v1/imports/{id}/results: every row in order, with its run.
  expect(summary.import_results.map(({ row, external_id, review_run_id }) => ({ row, external_id, review_run_id }))).toEqual([
    { row: 1, external_id: `${run.external_id}-row-1`, review_run_id: summary.import.review_run_ids[0] },
    { row: 2, external_id: `${run.external_id}-row-2`, review_run_id: summary.import.review_run_ids[1] },
  ]);
  const listed = await api(`/v1/review-runs?import_id=${summary.import.id}`, {}, ReviewRunListSchema);
  for (const imported of listed.body.items) {
    expect(imported).toMatchObject({ capture_method: "upload", intended_use: "internal_draft" });
  }

  expect(summary.not_found.code).toBe("not_found");
  expect(summary.not_found.status).toBe(404);
  expect(summary.not_found.requestId).toMatch(/^req_[0-9a-z]{26}$/);
}

/** Operation IDs on the wire, every response as documented, and the headers every request and create carried. */
function expectWire(exchanges: readonly Exchange[], userAgent: string) {
  const operations = expectAllDocumented(contract, exchanges);
  // The creates that take an Idempotency-Key (webhook endpoints take none, and are not repeated after a 5xx instead).
  const creates = exchanges.filter((exchange) => exchange.method === "POST" && /^\/v1\/(review-runs|imports)(\?|$)/.test(exchange.path));
  expect(creates.length).toBeGreaterThanOrEqual(2);
  for (const create of creates) expect(String(create.requestHeaders?.["idempotency-key"])).toMatch(UUID);
  expect(new Set(creates.map((create) => create.requestHeaders?.["idempotency-key"])).size).toBe(creates.length);
  for (const exchange of exchanges) expect(exchange.requestHeaders?.["user-agent"]).toBe(userAgent);
  // Each SDK pins the dated version it was built for, and Kivo answers as that version.
  for (const exchange of exchanges) expect(exchange.requestHeaders?.["kivo-version"]).toBe(KIVO_VERSION);
  const runCreates = exchanges.filter((exchange) => exchange.method === "POST" && exchange.path === "/v1/review-runs");
  for (const create of runCreates) expect(create.requestHeaders?.prefer).toBe("wait=10");
  // The import's two runs at one per page: the iterator followed at least one cursor.
  expect(exchanges.some((exchange) => /^\/v1\/review-runs\?.*cursor=/.test(exchange.path))).toBe(true);
  return operations;
}

describe("sdks/typescript (@kivo/sdk)", () => {
  const workDir = join(root, "test-artifacts", "sdk-typescript");
  const app = join(workDir, "app");

  it("packs, installs into a fresh project, type-checks the flow and the README example there, and runs the flow", async () => {
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    const npmEnv = { npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
    const pack = await runProcess("npm", ["pack", "--pack-destination", workDir], npmEnv, 120_000, join(root, "sdks", "typescript"));
    expect(pack.code, pack.stderr).toBe(0);
    const tarball = readdirSync(workDir).find((name) => name.endsWith(".tgz"));
    expect(tarball).toBe("kivo-sdk-0.2.0.tgz");

    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "kivo-sdk-user", private: true, type: "module" }));
    const install = await runProcess("npm", ["install", "--offline", join(workDir, tarball!)], npmEnv, 120_000, app);
    expect(install.code, install.stderr).toBe(0);

    // A user's project: strict, NodeNext, no DOM library, so the SDK's own declarations must stand up.
    copyFileSync(join(root, "sdks", "typescript", "examples", "flow.ts"), join(app, "flow.ts"));
    writeFileSync(join(app, "readme.ts"), readmeExample("sdks/typescript/README.md", "ts"));
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", lib: ["ES2023"], module: "NodeNext", moduleResolution: "NodeNext", types: ["node"], strict: true, noEmit: true },
        include: ["*.ts"],
      }),
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const typecheck = await runProcess(process.execPath, [tsc, "-p", app], {});
    expect(typecheck.code, typecheck.stdout).toBe(0);
    // The types are the document's, not `any`: a wrong enum and a missing field are compile errors.
    writeFileSync(
      join(app, "misuse.ts"),
      'import { Kivo } from "@kivo/sdk";\nconst kivo = new Kivo({ apiKey: "k" });\nawait kivo.reviewRuns.create({ ai_output: "x", sources: [], intended_use: "public" });\nawait kivo.imports.create({ rows: [{ sources: [] }] });\n',
    );
    const misuse = await runProcess(process.execPath, [tsc, "-p", app], {});
    expect(misuse.code).not.toBe(0);
    expect(misuse.stdout).toMatch(/misuse\.ts\(3,\d+\): error TS2322: Type '"public"' is not assignable/);
    expect(misuse.stdout).toMatch(/misuse\.ts\(4,\d+\): error TS2741: Property 'ai_output' is missing/);
    rmSync(join(app, "misuse.ts"));

    proxy = await contractProxy(kivo.baseUrl);
    const result = await runProcess(process.execPath, [join(app, "flow.ts")], { KIVO_API_BASE_URL: proxy.url, KIVO_API_KEY: kivo.apiKey }, 120_000, app);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim()) as FlowSummary;
    await expectFlowOutcome(summary, "sdk-typescript-");

    const operations = expectWire(proxy.exchanges, `kivo-typescript/0.2.0 (api ${API_VERSION})`);
    expect(new Set(operations)).toEqual(FLOW_OPERATIONS);
  });

  it("runs the README's example as written, in the same installed project (type-checked with the flow above)", async () => {
    const result = await runProcess(process.execPath, [join(app, "readme.ts")], { KIVO_API_BASE_URL: kivo.baseUrl, KIVO_API_KEY: kivo.apiKey }, 60_000, app);
    expect(result.code, result.stderr).toBe(0);
    expectReadmeOutcome(result.stdout);
  });
});

describe("sdks/python (kivo)", () => {
  const python = pythonWith("httpx");
  const pythonForTests = pythonWith("httpx", "pytest");

  it.skipIf(!python && !inCi)("runs the whole flow, sync and async, with Debian's python3-httpx", async () => {
    expect(python, "a python3 with httpx (.ci/run installs Debian's python3-httpx)").not.toBeNull();
    proxy = await contractProxy(kivo.baseUrl);
    const result = await runProcess(python!, ["sdks/python/examples/flow.py"], {
      KIVO_API_BASE_URL: proxy.url,
      KIVO_API_KEY: kivo.apiKey,
      PYTHONPATH: join(root, "sdks", "python", "src"),
      PYTHONDONTWRITEBYTECODE: "1",
    });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim()) as FlowSummary;
    await expectFlowOutcome(summary, "sdk-python-");
    expect(summary.async).toMatchObject({ status: "completed", safe_use_status: "needs_repair" });
    expect(summary.async!.listed).toEqual([summary.async!.id]);
    // Python's own indexing would have cut the wrong words: the helper made the difference.
    const first = summary.claims[0]!;
    const { claims } = await runWithClaims(summary.review_run_id);
    expect([...OUTPUT].slice(claims[0]!.output_start_offset, claims[0]!.output_end_offset).join("")).not.toBe(first.output_text);

    const operations = expectWire(proxy.exchanges, `kivo-python/0.2.0 (api ${API_VERSION})`);
    expect(new Set(operations)).toEqual(FLOW_OPERATIONS);
    const csvImport = proxy.exchanges.find((exchange) => exchange.path.startsWith("/v1/imports"));
    expect(csvImport?.requestHeaders?.["content-type"]).toBe("text/csv");
  });

  it.skipIf(!python && !inCi)("runs the README's example as written", async () => {
    expect(python).not.toBeNull();
    const result = await runProcess(python!, ["-c", readmeExample("sdks/python/README.md", "python")], {
      KIVO_API_BASE_URL: kivo.baseUrl,
      KIVO_API_KEY: kivo.apiKey,
      PYTHONPATH: join(root, "sdks", "python", "src"),
      PYTHONDONTWRITEBYTECODE: "1",
    });
    expect(result.code, result.stderr).toBe(0);
    expectReadmeOutcome(result.stdout);
  });

  it.skipIf(!pythonForTests && !inCi)("passes its own pytest suite (retries, errors, helpers, offsets, models against the document)", async () => {
    expect(pythonForTests, "a python3 with httpx and pytest (.ci/run installs python3-httpx and python3-pytest)").not.toBeNull();
    const result = await runProcess(pythonForTests!, ["-m", "pytest", "-q", "-p", "no:cacheprovider", "sdks/python"], { PYTHONDONTWRITEBYTECODE: "1" });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\d+ passed/);
    expect(result.stdout).not.toMatch(/skipped|failed|error/);
  });
});
