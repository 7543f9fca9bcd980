// Engine section of `npm run bench`: wall time of runReview per packet (the
// engine is synchronous and single-threaded, so this is its CPU time) for a
// typical packet, 4× and 16× that, and the largest packet the API accepts.

import { performance } from "node:perf_hooks";
import { runReview, type ReviewInput } from "../../src/review/index.ts";

const SUBJECTS = ["Customers", "Admins", "The support team", "Enterprise accounts", "Refund requests", "Audit logs", "The billing service", "Project owners", "New users", "The security workspace"];
const VERBS = ["can export", "may request", "must approve", "receive", "are stored for", "can view", "should review", "are limited to", "can configure", "are processed within"];
const OBJECTS = ["audit logs", "a refund", "invoices", "access keys", "usage reports", "single sign-on settings", "data exports", "billing records", "team invitations", "retention policies"];
const QUALIFIERS = ["within 30 days of purchase", "from the security workspace", "for up to 90 days", "on the enterprise plan", "after a manager approves", "at no extra cost", "in the admin console", "before the end of each month", "for every project", "through the API"];

// A tiny linear congruential generator: the bench must build identical packets on every run.
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function sentence(next: () => number): string {
  const pick = (list: ReadonlyArray<string>): string => list[Math.floor(next() * list.length)] as string;
  const amount = Math.floor(next() * 200) + 1;
  return `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(QUALIFIERS)}, with a limit of ${amount} items per request.`;
}

function textOf(length: number, next: () => number): string {
  let text = "";
  while (text.length < length) text += (text === "" ? "" : " ") + sentence(next);
  return text.slice(0, length).replace(/\s+\S*$/, ".");
}

function packet(outputLength: number, sourceCount: number, sourceLength: number, seed: number): ReviewInput {
  const next = generator(seed);
  const runId = "run_00000000-0000-4000-8000-000000000000";
  return {
    review_run_id: runId,
    ai_output: textOf(outputLength, next),
    question: null,
    sources: Array.from({ length: sourceCount }, (_, i) => ({
      id: `${runId}_source_${i + 1}`,
      title: `Policy document ${i + 1}`,
      content: textOf(sourceLength, next),
      uri: null,
      citation_label: `source ${i + 1}`,
      media_type: "text/plain",
    })),
    intended_use: "customer_facing",
    strictness: "standard",
    gate_mode: "advisory",
    now: "2026-11-22T00:00:00.000Z",
  };
}

function measure(input: ReviewInput, iterations: number): { median: number; p95: number; claims: number } {
  let claims = 0;
  for (let i = 0; i < Math.min(5, iterations); i++) claims = runReview(input).claim_count;
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    runReview(input);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), claims };
}

export async function benchEngine(): Promise<void> {
  const cases: ReadonlyArray<{ name: string; input: ReviewInput; iterations: number; targetMs: number | null }> = [
    { name: "typical (1 KB output, 5 × 4 KB sources)", input: packet(1_000, 5, 4_000, 1), iterations: 300, targetMs: 2 },
    { name: "4× typical", input: packet(4_000, 5, 16_000, 2), iterations: 100, targetMs: null },
    { name: "16× typical", input: packet(16_000, 5, 64_000, 3), iterations: 30, targetMs: null },
    { name: "largest (20 K output, 50 × 20 K sources = 1 M)", input: packet(20_000, 50, 20_000, 4), iterations: 10, targetMs: 1_000 },
  ];
  console.log("## Review engine (runReview, single thread)");
  for (const c of cases) {
    const { median, p95, claims } = measure(c.input, c.iterations);
    const target = c.targetMs === null ? "" : `  target ≤ ${c.targetMs} ms: ${median <= c.targetMs ? "met" : "MISSED"}`;
    console.log(`${c.name.padEnd(50)} claims ${String(claims).padStart(4)}  median ${median.toFixed(2)} ms  p95 ${p95.toFixed(2)} ms${target}`);
  }
}
