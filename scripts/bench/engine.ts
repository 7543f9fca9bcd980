// Engine section of `npm run bench`: CPU time of runReview per packet (process
// CPU time, so other load on the machine does not inflate it) for a typical
// packet, 4× and 16× that, and the largest packet the API accepts.

import { runReview, type ReviewInput } from "../../src/review/index.ts";
import { createTokenizer } from "../../src/review/text.ts";

// Packets are built from a Zipf-distributed vocabulary of invented words, so
// posting lists have the length profile of real prose (a few very common
// words, a long tail), plus output sentences copied from the sources with a
// changed value, so every claim has real candidates to verify.
const FUNCTION_WORDS = ["the", "of", "and", "to", "a", "in", "is", "for", "that", "on", "with", "as", "by", "are", "may", "can", "within", "from"];
const SYLLABLES = ["ka", "lo", "mi", "ren", "ta", "vo", "shi", "pra", "den", "ul", "gor", "fen", "ast", "mel", "quin", "tor", "sa", "bre", "nik", "ol"];

// A tiny linear congruential generator: the bench must build identical packets on every run.
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const VOCABULARY: ReadonlyArray<string> = (() => {
  const next = generator(7);
  const words = new Set<string>();
  while (words.size < 8000) {
    const length = 2 + Math.floor(next() * 3);
    let word = "";
    for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
})();

function zipfWord(next: () => number): string {
  // Inverse of a Zipf-like CDF: rank ≈ N^u, most mass on the first ranks.
  const rank = Math.floor(VOCABULARY.length ** next()) - 1;
  return VOCABULARY[Math.min(VOCABULARY.length - 1, Math.max(0, rank))] as string;
}

function sentence(next: () => number): string {
  const words: string[] = [];
  const length = 8 + Math.floor(next() * 14);
  for (let i = 0; i < length; i++) {
    words.push(next() < 0.35 ? (FUNCTION_WORDS[Math.floor(next() * FUNCTION_WORDS.length)] as string) : zipfWord(next));
  }
  if (next() < 0.4) words.push("within", String(1 + Math.floor(next() * 90)), "days");
  const first = words[0] ?? "";
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(" ")}.`;
}

function textOf(length: number, next: () => number): string {
  let text = "";
  while (text.length < length) text += (text === "" ? "" : " ") + sentence(next);
  return text.slice(0, length).replace(/\s+\S*$/, ".");
}

function outputFrom(sources: ReadonlyArray<string>, length: number, next: () => number): string {
  let text = "";
  while (text.length < length) {
    const source = sources[Math.floor(next() * sources.length)] ?? "";
    const sentences = source.split(/(?<=\.) /);
    let picked = sentences[Math.floor(next() * sentences.length)] ?? "";
    if (next() < 0.3) picked = picked.replace(/\d+ days/, `${1 + Math.floor(next() * 90)} days`);
    if (next() < 0.2) picked = sentence(next);
    text += (text === "" ? "" : " ") + picked;
  }
  return text.slice(0, length).replace(/\s+\S*$/, ".");
}

function packet(outputLength: number, sourceCount: number, sourceLength: number, seed: number): ReviewInput {
  const next = generator(seed);
  const contents = Array.from({ length: sourceCount }, () => textOf(sourceLength, next));
  return packetOf(outputFrom(contents, outputLength, next), contents);
}

function packetOf(output: string, contents: ReadonlyArray<string>): ReviewInput {
  const runId = "run_00000000-0000-4000-8000-000000000000";
  return {
    review_run_id: runId,
    ai_output: output,
    question: null,
    sources: contents.map((content, i) => ({
      id: `${runId}_source_${i + 1}`,
      title: `Policy document ${i + 1}`,
      content,
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

// Pathological packets within the documented limits (20,000-character output,
// sources up to 100,000 characters): what a hostile or broken caller can send.
function repeat(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

const ADVERSARIAL: ReadonlyArray<{ name: string; input: ReviewInput }> = [
  { name: "long tokens (5,000-letter words)", input: packetOf(repeat(`${"x".repeat(4_999)} `, 20_000), Array.from({ length: 5 }, () => repeat(`${"q".repeat(4_999)} `, 100_000))) },
  { name: "a run of y (12,000 in a source, 19,000 in the output)", input: packetOf("y".repeat(19_000), ["y".repeat(12_000), repeat("Refunds take 30 days. ", 100_000)]) },
  { name: "thousands of values ($1$ repeated, 600 KB)", input: packetOf(repeat("$1$", 20_000), Array.from({ length: 5 }, () => repeat("$1$", 100_000))) },
  { name: "numbers and currency words in one sentence", input: packetOf(repeat("between 5 and 7 dollars or 30 percent of 12 million ", 20_000), Array.from({ length: 5 }, () => repeat("between 6 and 8 dollars or 31 percent of 13 million ", 100_000))) },
  { name: "one sentence without punctuation", input: packetOf(repeat("customers may request refunds for orders placed online ", 20_000), Array.from({ length: 5 }, () => repeat("refunds are issued to the original payment method within days ", 100_000))) },
  { name: "50 sources repeating one word", input: packetOf(repeat("Refund refund refund. ", 20_000), Array.from({ length: 50 }, () => repeat("refund ", 20_000))) },
  { name: "repeated n-grams", input: packetOf(repeat("The refund policy is thirty days. ", 20_000), Array.from({ length: 5 }, () => repeat("The refund policy is thirty days for every order. ", 100_000))) },
];

// The floor: one plain tokenising pass over the same packet, the least any
// reading of it costs.
function floorOf(input: ReviewInput, iterations: number): number {
  const tokenize = createTokenizer();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = process.cpuUsage();
    tokenize(input.ai_output);
    for (const source of input.sources) tokenize(source.content);
    const used = process.cpuUsage(started);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

function measure(input: ReviewInput, iterations: number): { median: number; p95: number; claims: number } {
  let claims = 0;
  for (let i = 0; i < Math.min(5, iterations); i++) claims = runReview(input).claim_count;
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = process.cpuUsage();
    runReview(input);
    const used = process.cpuUsage(started);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), claims };
}

export async function benchEngine(): Promise<void> {
  const cases: ReadonlyArray<{ name: string; input: ReviewInput; iterations: number; targetMs: number | null }> = [
    { name: "typical (1 KB output, 5 × 4 KB sources)", input: packet(1_000, 5, 4_000, 1), iterations: 300, targetMs: 3 },
    { name: "4× typical", input: packet(4_000, 5, 16_000, 2), iterations: 100, targetMs: null },
    { name: "16× typical", input: packet(16_000, 5, 64_000, 3), iterations: 30, targetMs: null },
    { name: "largest (20 K output, 50 × 20 K sources = 1 M)", input: packet(20_000, 50, 20_000, 4), iterations: 10, targetMs: 1_000 },
  ];
  console.log("## Review engine (runReview, single thread)");
  const medians: number[] = [];
  for (const c of cases) {
    const { median, p95, claims } = measure(c.input, c.iterations);
    medians.push(median);
    const target = c.targetMs === null ? "" : `  target ≤ ${c.targetMs} ms: ${median <= c.targetMs ? "met" : "MISSED"}`;
    console.log(`${c.name.padEnd(50)} claims ${String(claims).padStart(4)}  median ${median.toFixed(2)} ms  p95 ${p95.toFixed(2)} ms${target}`);
  }
  const [typical, , sixteen, largest] = medians as [number, number, number, number];
  const growth = sixteen / typical;
  console.log(`growth: 16× typical costs ${growth.toFixed(1)}× typical  target ≤ 20×: ${growth <= 20 ? "met" : "MISSED"}`);
  const largestFloor = floorOf(cases[3]?.input as ReviewInput, 10);
  const overFloor = largest / largestFloor;
  console.log(`floor: largest packet tokenised once ${largestFloor.toFixed(2)} ms; runReview costs ${overFloor.toFixed(1)}× its floor  target ≤ 10×: ${overFloor <= 10 ? "met" : "MISSED"}`);

  console.log("### Adversarial packets (within the documented limits)");
  for (const c of ADVERSARIAL) {
    const { median, claims } = measure(c.input, 3);
    const floor = floorOf(c.input, 3);
    console.log(`${c.name.padEnd(58)} claims ${String(claims).padStart(4)}  median ${median.toFixed(1)} ms  floor ${floor.toFixed(1)} ms  target ≤ 1000 ms: ${median <= 1_000 ? "met" : "MISSED"}`);
  }
}
