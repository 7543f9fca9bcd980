import type { z } from "zod";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { hasCommand, inCi, runProcess } from "./clients.ts";
import { Contract, contractProxy, expectAllDocumented } from "./contract.ts";
import { api, kivo, root } from "./helpers.ts";
import { ReviewRunSchema } from "../../src/schemas/review-run.ts";

type ReviewRun = z.output<typeof ReviewRunSchema>;

// Every import example of the seed documents, run verbatim with curl against
// the real wrangler dev, through the proxy that checks each answer against
// the OpenAPI document. The seeds live outside the repository; where they
// are present, the copies below are checked against them byte for byte.

/** 000 (Imports page), "Create import": `media_type` and JSON rows, the body spread over lines. */
const IMPORTS_PAGE_CURL = `curl -sS "$KIVO_API_BASE_URL/v1/imports" \\
-H "Authorization: Bearer $KIVO_API_KEY" \\
-H "Content-Type: application/json" \\
-d '{
"media_type": "application/x-ndjson",
"rows": [
{
"external_id": "answer_001",
"ai_output": "Refunds are available for 60 days.",
"sources": [
{
"title": "Refund policy",
"content": "Customers may request a refund within 30 days of purchase."
}
],
"intended_use": "customer_facing"
}
]
}'`;

/** 001 (API reference), "Import request": no `media_type` at all. */
const API_REFERENCE_CURL = `curl -sS "$KIVO_API_BASE_URL/v1/imports" \\
  -H "Authorization: Bearer $KIVO_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"rows":[{"external_id":"answer_001","ai_output":"Refunds are available for 60 days.","sources":[{"title":"Refund policy","content":"Customers may request a refund within 30 days of purchase."}],"intended_use":"customer_facing"}]}'`;

/** 000 and 002 both print sample.jsonl; examples/fixtures/sample.jsonl is that file, sent as the README shows. */
const SAMPLE_FILE_CURL = `curl -sS "$KIVO_API_BASE_URL/v1/imports" -H "Authorization: Bearer $KIVO_API_KEY" \\
  -H "Content-Type: application/x-ndjson" --data-binary @examples/fixtures/sample.jsonl`;

const seedsDir = join(root, "..", "shared", "seeds");
const seeds = existsSync(seedsDir) ? readdirSync(seedsDir).filter((name) => name.endsWith(".txt")).map((name) => readFileSync(join(seedsDir, name), "utf8")) : [];

let contract: Contract;
let proxy: Awaited<ReturnType<typeof contractProxy>> | undefined;
beforeAll(async () => {
  contract = await Contract.load(kivo.baseUrl);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe("the seed documents' import examples", () => {
  it.skipIf(seeds.length === 0)("are copied here verbatim", () => {
    const all = seeds.join("\n");
    expect(all).toContain(IMPORTS_PAGE_CURL);
    expect(all).toContain(API_REFERENCE_CURL);
    const sample = readFileSync(join(root, "examples/fixtures/sample.jsonl"), "utf8").trim();
    expect(seeds.filter((text) => text.includes(sample))).toHaveLength(2);
  });

  const missing = ["bash", "curl"].filter((tool) => !hasCommand(tool));
  it.skipIf(missing.length > 0 && !inCi).each([
    ["the Imports page's request", IMPORTS_PAGE_CURL, ["answer_001"]],
    ["the API reference's request, without media_type", API_REFERENCE_CURL, ["answer_001"]],
    ["sample.jsonl as a file", SAMPLE_FILE_CURL, ["answer_001", "answer_002"]],
  ])("%s runs as written and its runs are reviewed", async (_name, command, externalIds) => {
    expect(missing).toEqual([]);
    proxy = await contractProxy(kivo.baseUrl);
    const result = await runProcess("bash", ["-euo", "pipefail", "-c", command], { KIVO_API_BASE_URL: proxy.url, KIVO_API_KEY: kivo.apiKey });
    expect(result.code, result.stderr).toBe(0);
    const created = JSON.parse(result.stdout) as Record<string, any>;
    expect(created).toMatchObject({ status: "completed", capture_method: "upload", accepted_count: externalIds.length, rejected_count: 0 });
    expect(expectAllDocumented(contract, proxy.exchanges)).toEqual(["createImport"]);

    for (const [i, runId] of (created.review_run_ids as string[]).entries()) {
      let run: ReviewRun | undefined;
      for (let attempt = 0; attempt < 100 && run?.status !== "completed"; attempt++) {
        run = (await api(`/v1/review-runs/${runId}`, {}, ReviewRunSchema)).body;
        if (run.status !== "completed") await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(run).toMatchObject({ status: "completed", import_id: created.id, external_id: externalIds[i] });
    }
  });
});
