import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWorkerCli } from "./helpers.ts";

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

let server: Server;
let url: string;
const received: Array<{ path: string; authorization: string | undefined; body: any }> = [];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kivo-worker-judge-"));
  writeFileSync(join(dir, "packet.json"), JSON.stringify(packet));
  server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => (raw += chunk));
    request.on("end", () => {
      const body = JSON.parse(raw);
      received.push({ path: request.url ?? "", authorization: request.headers.authorization, body });
      const claims = JSON.parse(body.messages[1].content).claims as Array<{ claim_id: string }>;
      const verdicts = claims.map((c) => ({ claim_id: c.claim_id, status: "supported", evidence_quote: SUPPORTING_QUOTE, rationale: "The policy says so.", confidence: 0.85 }));
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ choices: [{ message: { role: "assistant", content: JSON.stringify({ verdicts }) } }], usage: { prompt_tokens: 500, completion_tokens: 60 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
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
