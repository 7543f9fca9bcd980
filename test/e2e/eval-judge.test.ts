import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNodeScript, startJudgeStandIn } from "./helpers.ts";

// `npm run eval -- <file> --judge` against a local stand-in for an
// OpenAI-compatible server: the script builds the judge with the deployment's
// own configuration code and merges its verdicts with the service's merge, so
// the figures it prints are the ones a real model would get.

const POLICY = {
  title: "Refund policy",
  content:
    "Customers may request a refund within 30 days of purchase. Refunds are issued to the original payment method. Our support team answers refund questions by email.",
};
const row = (external_id: string, ai_output: string, label_hallucinated: boolean) => ({
  external_id,
  dataset: "fixture",
  question: null,
  ai_output,
  sources: [POLICY],
  label_hallucinated,
  hallucination_spans: label_hallucinated ? [{ start: 0, end: ai_output.length, label_type: "unsupported" }] : [],
  meta: { doc_key: external_id },
});
const ROWS = [
  // The engine flags a faithful paraphrase; the judge clears it.
  row("paraphrase", "Refunds go back to the card or account used to pay.", false),
  // The engine leaves an invention undecided; the judge flags it.
  row("invented", "Refunds are issued in cash.", true),
  // A value check decides these two; the judge is not asked.
  row("wrong-days", "Customers can request refunds within 60 days.", true),
  row("verbatim", "Customers may request a refund within 30 days of purchase.", false),
];

let standIn: Awaited<ReturnType<typeof startJudgeStandIn>>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kivo-eval-judge-"));
  writeFileSync(join(dir, "fixture.jsonl"), ROWS.map((r) => JSON.stringify(r)).join("\n"));
  // A reasonable model: the paraphrase is what the policy says; the cash refund is not.
  standIn = await startJudgeStandIn((c) =>
    c.text.includes("card or account")
      ? { status: "supported", evidence_quote: "Refunds are issued to the original payment method", rationale: "Same meaning.", confidence: 0.9 }
      : { status: "unsupported", evidence_quote: null, rationale: "The policy says nothing of cash or stores.", confidence: 0.8 },
  );
});
afterAll(async () => {
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run eval -- <file> --judge", () => {
  it("measures the engine alone and with the judge on the same rows, with tokens, cost and latency", async () => {
    const out = join(dir, "results.json");
    const run = await runNodeScript(
      "scripts/eval.ts",
      [join(dir, "fixture.jsonl"), "--judge", "openai-compatible", "--judge-url", standIn.url, "--out", out],
      { KIVO_JUDGE_MODEL: "stand-in-8b", KIVO_JUDGE_API_KEY: "eval-key" },
    );
    expect(run.code, run.stderr).toBe(0);
    // One request per row with uncertain claims; rows are judged four at a time, so in either order.
    expect(standIn.received.map((r) => r.claims.map((c) => c.text)).sort()).toEqual([["Refunds are issued in cash"], ["Refunds go back to the card or account used to pay"]]);
    expect(standIn.received.every((r) => r.authorization === "Bearer eval-key")).toBe(true);

    expect(run.stdout).toMatch(/response, engine alone +all +P 0\.500 +R 0\.500 .*bal\.acc 0\.500 +\(n=4\)/);
    expect(run.stdout).toMatch(/response, engine \+ judge +all +P 1\.000 +R 1\.000 .*bal\.acc 1\.000 +\(n=4\)/);
    expect(run.stdout).toContain("semantic judge (openai-compatible, stand-in-8b):");
    expect(run.stdout).toContain("runs judged 2 of 4, nothing to judge 2, unavailable: none");
    expect(run.stdout).toContain("claims sent 2, changed 2, verdicts refused: none");
    // 2 × (500 + 60) tokens at $0.35 / $0.75 per million, over 4 runs.
    expect(run.stdout).toContain("tokens in 1000, out 120; estimated $0.1100 per 1,000 runs");

    const { summary, rows } = JSON.parse(readFileSync(out, "utf8"));
    expect(summary.semantic_judge).toMatchObject({ provider: "openai-compatible", model: "stand-in-8b", runs_judged: 2, claims_changed: 2, input_tokens: 1000, output_tokens: 120 });
    expect(rows.map((r: any) => r.claims.map((c: any) => [c.status, c.decided_by]))).toEqual([
      [["supported", "semantic_judge"]],
      [["unsupported", "semantic_judge"]],
      [["contradicted", "deterministic"]],
      [["supported", "deterministic"]],
    ]);
  });

  it("refuses a judge it cannot build, and says how to reach Workers AI from outside a Worker", async () => {
    const file = join(dir, "fixture.jsonl");
    const noEndpoint = await runNodeScript("scripts/eval.ts", [file, "--judge"]);
    expect(noEndpoint.code).toBe(2);
    expect(noEndpoint.stderr).toContain("--judge needs an endpoint and a model");
    const workersAi = await runNodeScript("scripts/eval.ts", [file, "--judge", "workers-ai"]);
    expect(workersAi.code).toBe(2);
    expect(workersAi.stderr).toContain("https://api.cloudflare.com/client/v4/accounts/<account id>/ai/v1");
  });
});
