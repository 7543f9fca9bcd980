// `npm run load`: throughput against a real `wrangler dev` on loopback, with
// bounded request counts. Prints req/s, p50/p99 latency and errors for
// create, GET run and list. Target on a 2-core machine: create ≥ 300 req/s, 0 errors.
import autocannon from "autocannon";
import { type LocalKivo, startLocalKivo } from "./lib/local-kivo.ts";

const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 32);
const REQUESTS = Number(process.env.LOAD_REQUESTS ?? 6000);

const PACKET = JSON.stringify({
  ai_output: "Customers can request refunds for any order within 60 days, including international orders.",
  sources: [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }],
  intended_use: "customer_facing",
});

async function scenario(kivo: LocalKivo, name: string, options: { method: "GET" | "POST"; path: string; body?: string }) {
  const result = await autocannon({
    url: `${kivo.baseUrl}${options.path}`,
    method: options.method,
    connections: CONNECTIONS,
    amount: REQUESTS,
    timeout: 30,
    headers: { Authorization: `Bearer ${kivo.apiKey}`, "Content-Type": "application/json" },
    ...(options.body ? { body: options.body } : {}),
  });
  const bad = result.errors + result.timeouts + result.non2xx;
  const line = `${name.padEnd(10)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   errors ${bad} (of ${result.requests.total})`;
  console.log(line);
  return { name, reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: bad, total: result.requests.total };
}

const kivo = await startLocalKivo();
try {
  const created = await fetch(`${kivo.baseUrl}/v1/review-runs`, {
    method: "POST",
    headers: { Authorization: `Bearer ${kivo.apiKey}`, "Content-Type": "application/json", Prefer: "wait=5" },
    body: PACKET,
  });
  const runId = ((await created.json()) as { id: string }).id;
  console.log(`load: ${CONNECTIONS} connections, ${REQUESTS} requests per scenario, wrangler dev at ${kivo.baseUrl}`);
  const results = [
    await scenario(kivo, "create", { method: "POST", path: "/v1/review-runs", body: PACKET }),
    await scenario(kivo, "get run", { method: "GET", path: `/v1/review-runs/${runId}` }),
    await scenario(kivo, "list", { method: "GET", path: "/v1/review-runs?limit=20" }),
  ];
  const create = results[0]!;
  console.log(`create target ≥ 300 req/s with 0 errors: ${create.reqPerSec >= 300 && create.errors === 0 ? "met" : "NOT met"}`);
} finally {
  await kivo.stop();
}
