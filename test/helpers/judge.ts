import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { vi } from "vitest";
import worker from "../../src/index.ts";
import { REVIEW_QUEUE_NAME } from "../../src/queues/review-consumer.ts";
import { ReviewRunInputSchema } from "../../src/schemas/review-run-input.ts";
import { createReviewRuns } from "../../src/services/review-runs/create.ts";
import type { Tenant } from "./harness.ts";
import { onPrimary } from "./tenant-env.ts";

/** What the judge was sent: the chat request as the endpoint received it, and the claims inside it. */
export interface JudgeCall {
  url: string;
  authorization: string | null;
  body: { model: string; temperature: number; response_format: unknown; messages: Array<{ role: string; content: string }> };
  claims: Array<{ claim_id: string; text: string; evidence: Array<{ source_title: string; text: string }> }>;
  question: string | null;
}

export type JudgeReply =
  | { verdicts: Array<Record<string, unknown>> }
  | { raw: string }
  | { status: number }
  | { hang: true };

export const JUDGE_HOST = "judge.test";

/**
 * A stand-in OpenAI-compatible endpoint, intercepted at `fetch` like Stripe
 * (test/helpers/stripe.ts): the Worker's real provider code builds and sends
 * the request, and `reply` plays the model. Any other host fails the test.
 */
export function interceptJudge(reply: (call: JudgeCall, n: number) => JudgeReply) {
  const calls: JudgeCall[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    const url = new URL(request.url);
    if (url.hostname !== JUDGE_HOST) throw new Error(`unexpected outbound request to ${url.hostname}`);
    const body = (await request.json()) as JudgeCall["body"];
    const document = JSON.parse(body.messages.find((m) => m.role === "user")?.content ?? "{}");
    const call: JudgeCall = { url: request.url, authorization: request.headers.get("Authorization"), body, claims: document.claims, question: document.question };
    calls.push(call);
    const answer = reply(call, calls.length);
    if ("hang" in answer) {
      return new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
    }
    if ("status" in answer) return new Response(JSON.stringify({ error: { message: "stand-in failure" } }), { status: answer.status });
    const content = "raw" in answer ? answer.raw : JSON.stringify(answer);
    return Response.json({
      id: "chatcmpl-test",
      object: "chat.completion",
      model: body.model,
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }],
      usage: { prompt_tokens: 900, completion_tokens: 120, total_tokens: 1020 },
    });
  });
  return { calls, spy };
}

/** The deployment's judge settings for one delivery; the suite's own env keeps the judge off. */
export function judgeEnv(overrides: Record<string, unknown>) {
  return { ...env, ...overrides } as typeof env;
}

export const OPENAI_JUDGE = {
  KIVO_JUDGE_PROVIDER: "openai-compatible",
  KIVO_JUDGE_BASE_URL: `https://${JUDGE_HOST}/v1`,
  KIVO_JUDGE_MODEL: "judge-model-7b",
  KIVO_JUDGE_API_KEY: "judge-test-secret",
};

export async function queuedRunOf(tenant: Tenant, packet: unknown): Promise<string> {
  const auth = {
    keyId: tenant.apiKeyId,
    organizationId: tenant.organizationId,
    projectId: tenant.projectId,
    scopes: [],
    plan: "enterprise" as const,
    rateLimitPerMinute: null,
  };
  const [run] = await createReviewRuns(onPrimary(env), auth, [ReviewRunInputSchema.parse(packet)], { captureMethod: "api", enqueue: false });
  return run!.id;
}

export async function deliverWith(environment: typeof env, tenant: Tenant, runId: string) {
  const batch = createMessageBatch<unknown>(REVIEW_QUEUE_NAME, [
    { id: `msg-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body: { kind: "review_run", review_run_id: runId, project_id: tenant.projectId } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, environment);
  return getQueueResult(batch, ctx);
}

/** Plays a model that reads each claim's evidence and answers with what it sees there. */
export const verdict = (claim_id: string, status: string, evidence_quote: string | null, rationale = "Checked against the excerpt.") => ({
  claim_id,
  status,
  evidence_quote,
  rationale,
  confidence: 0.9,
});
