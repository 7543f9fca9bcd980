import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWorkerCli, startJudgeStandIn } from "./helpers.ts";

// The Enterprise Worker with a semantic judge on the customer's own network:
// a local stand-in for an OpenAI-compatible server (Ollama, vLLM, …) plays
// the model, and the real CLI sends it the uncertain claims.

const SUPPORTING_QUOTE = "Refunds are issued to the original payment method";
const packet = {
  ai_output: "Customers can request refunds within 60 days. Refunds go back to the card or account used to pay.",
  sources: [
    {
      title: "Refund policy",
      content: `Customers may request a refund within 30 days of purchase. ${SUPPORTING_QUOTE}. Our support team answers refund questions by email.`,
    },
  ],
  intended_use: "customer_facing",
};

let standIn: Awaited<ReturnType<typeof startJudgeStandIn>>;
let url: string;
let received: Awaited<ReturnType<typeof startJudgeStandIn>>["received"];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kivo-worker-judge-"));
  writeFileSync(join(dir, "packet.json"), JSON.stringify(packet));
  standIn = await startJudgeStandIn(() => ({ status: "supported", evidence_quote: SUPPORTING_QUOTE, rationale: "The policy says so.", confidence: 0.85 }));
  ({ url, received } = standIn);
});
afterAll(async () => {
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("kivo-worker review --judge openai-compatible", () => {
  it("judges the uncertain claim on the customer's own endpoint and writes the merged verdicts", async () => {
    const out = join(dir, "out");
    const cli = await runWorkerCli(
      ["review", "--packet", join(dir, "packet.json"), "--out", out, "--offline", "--json", "--judge", "openai-compatible", "--judge-url", url, "--judge-model", "llama3.1:8b"],
      { KIVO_JUDGE_API_KEY: "local-judge-key" },
    );
    expect(cli.code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: "/v1/chat/completions", authorization: "Bearer local-judge-key", body: { model: "llama3.1:8b", temperature: 0 } });

    const summary = JSON.parse(cli.stdout);
    expect(summary.semantic_judge).toEqual({ status: "applied", claims_changed: 1 });
    const artifacts = JSON.parse(readFileSync(join(out, "review-artifacts.json"), "utf8"));
    expect(artifacts.claims.map((c: any) => [c.support_status, c.verification_result.verifier_provider, c.verification_result.verifier_model])).toEqual([
      ["contradicted", "deterministic", expect.any(String)],
      ["supported", "openai-compatible", "llama3.1:8b"],
    ]);
    expect(cli.stderr).toContain("semantic judge: applied (1 claim(s) changed)");
    expect(cli.stderr).not.toContain("card or account");
  });

  it("refuses workers-ai, which exists only inside Cloudflare, and a judge without its endpoint", async () => {
    const args = ["review", "--packet", join(dir, "packet.json"), "--out", join(dir, "x"), "--offline"];
    const workersAi = await runWorkerCli([...args, "--judge", "workers-ai"]);
    expect(workersAi.code).toBe(2);
    expect(workersAi.stderr).toContain("--judge is off or openai-compatible");
    const noEndpoint = await runWorkerCli([...args, "--judge", "openai-compatible"]);
    expect(noEndpoint.code).toBe(2);
    expect(noEndpoint.stderr).toContain("needs --judge-url and --judge-model");
    expect(received).toHaveLength(1);
  });
});
