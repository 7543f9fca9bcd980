// API latency against a real `wrangler dev` on loopback (local D1, R2, Queues):
// create (202), inline create-to-verdict (Prefer: wait), and queued
// create-to-completed, as p50/p95. Sequential requests: this measures latency,
// not throughput (see `npm run load` for that).
import { type LocalKivo, startLocalKivo } from "../lib/local-kivo.ts";
import { ms, summarize } from "../lib/stats.ts";
import { SUPPORT_PACKET } from "./packet.ts";


async function post(kivo: LocalKivo, headers: Record<string, string> = {}) {
  const started = performance.now();
  const response = await fetch(`${kivo.baseUrl}/v1/review-runs`, {
    method: "POST",
    headers: { Authorization: `Bearer ${kivo.apiKey}`, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(SUPPORT_PACKET),
  });
  const body = (await response.json()) as { id?: string; status?: string; review_run?: { id: string } };
  return { status: response.status, elapsed: performance.now() - started, started, body };
}

async function waitCompleted(kivo: LocalKivo, runId: string, started: number): Promise<number> {
  for (;;) {
    const response = await fetch(`${kivo.baseUrl}/v1/review-runs/${runId}`, { headers: { Authorization: `Bearer ${kivo.apiKey}` } });
    const run = (await response.json()) as { status: string };
    if (run.status === "completed" || run.status === "failed") return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function benchApi(iterations = 40): Promise<Record<string, unknown>> {
  const kivo = await startLocalKivo();
  try {
    for (let i = 0; i < 5; i++) await post(kivo, { Prefer: "wait=5" }); // warm-up

    const creates: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const result = await post(kivo);
      if (result.status !== 202) throw new Error(`create answered ${result.status}`);
      creates.push(result.elapsed);
    }

    const inline: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const result = await post(kivo, { Prefer: "wait=5" });
      if (result.status !== 200) throw new Error(`inline create answered ${result.status}`);
      inline.push(result.elapsed);
    }

    const queued: number[] = [];
    for (let i = 0; i < Math.min(iterations, 15); i++) {
      const result = await post(kivo);
      queued.push(await waitCompleted(kivo, result.body.review_run!.id, result.started));
    }

    const figures = { create: summarize(creates), inline: summarize(inline), queued: summarize(queued) };
    console.log("\nAPI (wrangler dev on loopback, sequential requests)");
    console.log(`  create → 202                 p50 ${ms(figures.create.p50)}  p95 ${ms(figures.create.p95)}  (n=${figures.create.n})`);
    console.log(`  inline create → verdict      p50 ${ms(figures.inline.p50)}  p95 ${ms(figures.inline.p95)}  (n=${figures.inline.n}; target p50 ≤ 25 ms)`);
    console.log(`  queued create → completed    p50 ${ms(figures.queued.p50)}  p95 ${ms(figures.queued.p95)}  (n=${figures.queued.n}; target p50 ≤ 500 ms)`);
    return figures;
  } finally {
    await kivo.stop();
  }
}
