import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, runWithClaims } from "./clients.ts";
import { Contract, contractProxy, expectAllDocumented } from "./contract.ts";
import { api, kivo, root } from "./helpers.ts";
import { QueuedReviewRunSchema } from "../../src/schemas/review-run.ts";

// A client generated from the document wrangler dev serves, as a user would
// make one: openapi-typescript writes the types, tsc checks
// examples/generated-client/flow.ts against them, and the program runs with
// openapi-fetch through the contract proxy, which validates every response
// body against the same document.

const workDir = join(root, "test-artifacts", "generated-client");
let contract: Contract;
let proxy: Awaited<ReturnType<typeof contractProxy>>;

beforeAll(async () => {
  contract = await Contract.load(kivo.baseUrl);
  proxy = await contractProxy(kivo.baseUrl);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
});
afterAll(async () => {
  await proxy?.close();
});

describe("a TypeScript client generated from /openapi.json", () => {
  it("type-checks and runs create → poll → claims → report → link → import → list, every response as documented", async () => {
    writeFileSync(join(workDir, "openapi.json"), JSON.stringify(contract.document, null, 2));
    const generate = await runProcess(process.execPath, [
      "node_modules/openapi-typescript/bin/cli.js",
      join(workDir, "openapi.json"),
      "--default-non-nullable",
      "false",
      "-o",
      join(workDir, "kivo-api.ts"),
    ], {});
    expect(generate.code, generate.stderr).toBe(0);
    for (const file of ["flow.ts", "tsconfig.json"]) copyFileSync(join(root, "examples", "generated-client", file), join(workDir, file));

    const typecheck = await runProcess(process.execPath, ["node_modules/typescript/bin/tsc", "-p", join(workDir, "tsconfig.json")], {});
    expect(typecheck.code, typecheck.stdout).toBe(0);

    const result = await runProcess(process.execPath, [join(workDir, "flow.ts")], { KIVO_API_BASE_URL: proxy.url, KIVO_API_KEY: kivo.apiKey });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim()) as Record<string, any>;

    const { run, claims } = await runWithClaims(summary.review_run_id);
    expect(summary).toMatchObject({
      status: "completed",
      safe_use_status: "needs_repair",
      gate_verdict: "needs_repair",
      report_safe_use_status: "needs_repair",
      markdown_title: "# Claim report",
      import_status: "completed",
    });
    expect(run.safe_use_status).toBe("needs_repair");
    expect(summary.claims).toEqual(claims.map((claim) => ({ id: claim.id, support_status: claim.support_status })));
    expect(summary.listed_run_ids).toEqual(summary.import_run_ids);
    expect(summary.import_run_ids).toHaveLength(1);
    expect(summary.report_url.startsWith(`${proxy.url}/v1/report-links/`)).toBe(true);
    expect((await fetch(summary.report_url)).status).toBe(200);

    const operations = expectAllDocumented(contract, proxy.exchanges);
    expect(new Set(operations)).toEqual(
      new Set([
        "createReviewRun",
        "getReviewRun",
        "listClaims",
        "getClaimReport",
        "createReportLink",
        "openReportLink",
        "createImport",
        "listReviewRuns",
      ]),
    );
  });

  it("the validation is not vacuous: a body that drifts from the document fails it", async () => {
    const created = await api(
      "/v1/review-runs",
      {
        json: {
          ai_output: "Admins can export audit logs.",
          sources: [{ title: "Admin guide", content: "Admins can export audit logs from the security workspace." }],
          intended_use: "internal_draft",
        },
      },
      QueuedReviewRunSchema,
    );
    expect(created.status).toBe(202);
    const exchange = (body: unknown, status = 202) => ({
      method: "POST",
      path: "/v1/review-runs",
      status,
      contentType: "application/json",
      body: JSON.stringify(body),
    });
    expect(contract.problems(exchange(created.body))).toEqual([]);
    const { polling_url: _dropped, ...withoutPollingUrl } = created.body;
    expect(contract.problems(exchange(withoutPollingUrl)).join("\n")).toMatch(/must have required property 'polling_url'/);
    const wrongEnum = { ...created.body, review_run: { ...created.body.review_run, status: "done" } };
    expect(contract.problems(exchange(wrongEnum)).join("\n")).toMatch(/review_run\/status must be equal to one of the allowed values/);
    expect(contract.problems(exchange(created.body, 418))).toEqual(["POST /v1/review-runs → 418: status 418 is not documented for createReviewRun"]);
  });
});
