// `npm run eval -- … --judge`: the labelled rows reviewed by the engine and
// then by the semantic judge exactly as a deployment runs it — the judge is
// built by the deployment's own configuration code (resolveJudge) from the
// same KIVO_JUDGE_* names, and each row goes through judgeReview (prompt,
// validation, retry, time budget, merge). Only the endpoint differs: whatever
// OpenAI-compatible server the flags or the environment name.

import { performance } from "node:perf_hooks";
import type { ReviewResult } from "../../src/review/index.ts";
import type { JudgeRunRecord } from "../../src/review/judge-merge.ts";
import { resolveJudge, type JudgeEnv } from "../../src/services/judge/config.ts";
import type { SemanticJudge } from "../../src/services/judge/judge.ts";
import { judgeReview, type JudgeRunOptions } from "../../src/services/judge/run.ts";
import { runReview } from "../../src/review/index.ts";
import { DATASETS, balancedAccuracy, hasData, loadRows, reviewInputOf, type Counts, type Row } from "./verifier-training.ts";

export interface JudgeEvalSetup {
  judge: SemanticJudge;
  options: JudgeRunOptions;
  concurrency: number;
  /** USD per million tokens. */
  prices: { input: number; output: number };
}

export const JUDGE_EVAL_USAGE = `--judge [openai-compatible]   review each row with the semantic judge as well
  --judge-url <url>          OpenAI-compatible base URL (default: KIVO_JUDGE_BASE_URL)
  --judge-model <name>       model the endpoint serves (default: KIVO_JUDGE_MODEL)
  --judge-timeout-ms <n>     the judge's budget per row (default: KIVO_JUDGE_TIMEOUT_MS or 20000)
  --judge-concurrency <n>    rows judged at once (default 4)
  --price-in, --price-out    USD per million input / output tokens, for the cost line
                             (default 0.35 / 0.75: Workers AI's @cf/openai/gpt-oss-120b)
  KIVO_JUDGE_API_KEY, KIVO_JUDGE_SELECTION and KIVO_JUDGE_CONFIDENCE_BELOW are read as a deployment reads them.`;

export const JUDGE_EVAL_OPTIONS = {
  judge: { type: "boolean" },
  "judge-provider": { type: "string" },
  "judge-url": { type: "string" },
  "judge-model": { type: "string" },
  "judge-timeout-ms": { type: "string" },
  "judge-concurrency": { type: "string", default: "4" },
  "price-in": { type: "string", default: "0.35" },
  "price-out": { type: "string", default: "0.75" },
} as const;

const PROVIDERS = ["openai-compatible", "workers-ai", "off"];

/** `--judge <provider>` with an optional value, which parseArgs cannot say: the provider moves to `--judge-provider`. */
export function normalizeJudgeArgs(args: ReadonlyArray<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--judge" && PROVIDERS.includes(args[i + 1] ?? "")) {
      out.push("--judge", `--judge-provider=${args[i + 1]}`);
      i++;
    } else if (arg.startsWith("--judge=")) {
      out.push("--judge", `--judge-provider=${arg.slice("--judge=".length)}`);
    } else out.push(arg);
  }
  return out;
}

type JudgeFlags = { [K in keyof typeof JUDGE_EVAL_OPTIONS]?: string | boolean | undefined };

/** The judge the flags and environment describe, null without `--judge`, or why it cannot be built. */
export function judgeSetupFrom(values: JudgeFlags, env: NodeJS.ProcessEnv): JudgeEvalSetup | null | { error: string } {
  if (!values.judge) return null;
  const provider = String(values["judge-provider"] ?? "openai-compatible");
  if (provider === "workers-ai") {
    return {
      error:
        "--judge workers-ai needs the Worker's AI binding. Measure a Workers AI model through its OpenAI-compatible endpoint instead: " +
        "--judge-url https://api.cloudflare.com/client/v4/accounts/<account id>/ai/v1 --judge-model @cf/openai/gpt-oss-120b, with a Cloudflare API token in KIVO_JUDGE_API_KEY.",
    };
  }
  if (provider !== "openai-compatible") return { error: `--judge takes openai-compatible (got ${provider}).` };
  const judgeEnv: JudgeEnv = {
    KIVO_JUDGE_PROVIDER: provider,
    KIVO_JUDGE_BASE_URL: (values["judge-url"] as string | undefined) ?? env.KIVO_JUDGE_BASE_URL,
    KIVO_JUDGE_MODEL: (values["judge-model"] as string | undefined) ?? env.KIVO_JUDGE_MODEL,
    KIVO_JUDGE_API_KEY: env.KIVO_JUDGE_API_KEY,
    KIVO_JUDGE_SELECTION: env.KIVO_JUDGE_SELECTION,
    KIVO_JUDGE_CONFIDENCE_BELOW: env.KIVO_JUDGE_CONFIDENCE_BELOW,
    KIVO_JUDGE_TIMEOUT_MS: (values["judge-timeout-ms"] as string | undefined) ?? env.KIVO_JUDGE_TIMEOUT_MS,
  };
  const resolved = resolveJudge(judgeEnv, null);
  if (resolved.kind !== "judge") return { error: "--judge needs an endpoint and a model: --judge-url and --judge-model, or KIVO_JUDGE_BASE_URL and KIVO_JUDGE_MODEL." };
  const concurrency = Number(values["judge-concurrency"]);
  const prices = { input: Number(values["price-in"]), output: Number(values["price-out"]) };
  if (!Number.isInteger(concurrency) || concurrency < 1 || !(prices.input >= 0) || !(prices.output >= 0)) {
    return { error: "--judge-concurrency is a whole number ≥ 1; --price-in and --price-out are numbers ≥ 0." };
  }
  return { judge: resolved.judge, options: resolved.options, concurrency, prices };
}

export interface ReviewedRow {
  engine: ReviewResult;
  /** The engine's result with the judge's merged in; the engine's own without a judge. */
  final: ReviewResult;
  engineMs: number;
  judgeMs: number;
}

type RowText = Pick<Row, "ai_output" | "question" | "sources">;

/** Each row (with its position in its file, which names its run) through the engine, then the judge, `concurrency` rows at a time; results in the order given. */
export async function reviewRows(entries: ReadonlyArray<{ row: RowText; index: number }>, setup: JudgeEvalSetup | null): Promise<ReviewedRow[]> {
  const out: ReviewedRow[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < entries.length; i = next++) {
      const input = reviewInputOf(entries[i]!.row, entries[i]!.index);
      const started = performance.now();
      const engine = runReview(input);
      const engineMs = performance.now() - started;
      const final = setup ? await judgeReview(setup.judge, input, engine, setup.options) : engine;
      out[i] = { engine, final, engineMs, judgeMs: performance.now() - started - engineMs };
    }
  };
  await Promise.all(Array.from({ length: setup?.concurrency ?? 1 }, worker));
  return out;
}

export interface JudgeStats {
  rows: number;
  runs_judged: number;
  runs_skipped: number;
  runs_unavailable: Record<string, number>;
  claims_sent: number;
  claims_changed: number;
  verdicts_rejected: Record<string, number>;
  input_tokens: number;
  output_tokens: number;
  /** The judge stage's wall time per row that called the provider, in ms. */
  latency_ms: { median: number; p95: number };
  usd_per_1000_runs: number;
}

const quantile = (sorted: ReadonlyArray<number>, p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);

export function judgeStats(reviewed: ReadonlyArray<ReviewedRow>, prices: JudgeEvalSetup["prices"]): JudgeStats {
  const stats: JudgeStats = {
    rows: reviewed.length,
    runs_judged: 0,
    runs_skipped: 0,
    runs_unavailable: {},
    claims_sent: 0,
    claims_changed: 0,
    verdicts_rejected: {},
    input_tokens: 0,
    output_tokens: 0,
    latency_ms: { median: 0, p95: 0 },
    usd_per_1000_runs: 0,
  };
  const latencies: number[] = [];
  for (const row of reviewed) {
    const record = row.final.gate_verdict.metadata.semantic_judge as JudgeRunRecord | undefined;
    if (!record || record.status === "skipped") {
      stats.runs_skipped++;
      continue;
    }
    latencies.push(row.judgeMs);
    stats.input_tokens += record.usage?.input_tokens ?? 0;
    stats.output_tokens += record.usage?.output_tokens ?? 0;
    if (record.status === "unavailable") {
      stats.runs_unavailable[record.reason] = (stats.runs_unavailable[record.reason] ?? 0) + 1;
      continue;
    }
    stats.runs_judged++;
    stats.claims_sent += record.claims_sent;
    stats.claims_changed += record.claims_changed;
    for (const result of row.final.verification_results) {
      const note = result.metadata.semantic_judge as { applied: boolean; reason: string | null } | undefined;
      if (note && !note.applied && note.reason) stats.verdicts_rejected[note.reason] = (stats.verdicts_rejected[note.reason] ?? 0) + 1;
    }
  }
  latencies.sort((a, b) => a - b);
  stats.latency_ms = { median: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) };
  const usd = (stats.input_tokens * prices.input + stats.output_tokens * prices.output) / 1e6;
  stats.usd_per_1000_runs = reviewed.length === 0 ? 0 : Math.round((usd / reviewed.length) * 1000 * 10_000) / 10_000;
  return stats;
}

export function formatJudgeStats(stats: JudgeStats, identity: { provider: string; model: string }): string[] {
  const listed = (counts: Record<string, number>) =>
    Object.keys(counts).length === 0 ? "none" : Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ");
  return [
    `semantic judge (${identity.provider}, ${identity.model}):`,
    `  runs judged ${stats.runs_judged} of ${stats.rows}, nothing to judge ${stats.runs_skipped}, unavailable: ${listed(stats.runs_unavailable)}`,
    `  claims sent ${stats.claims_sent}, changed ${stats.claims_changed}, verdicts refused: ${listed(stats.verdicts_rejected)}`,
    `  tokens in ${stats.input_tokens}, out ${stats.output_tokens}; estimated $${stats.usd_per_1000_runs.toFixed(4)} per 1,000 runs`,
    `  judge latency per judged run: median ${stats.latency_ms.median} ms, p95 ${stats.latency_ms.p95} ms`,
  ];
}

const FLAGGED = new Set(["unsupported", "contradicted"]);

function responseCounts(results: ReadonlyArray<ReviewResult>, gold: ReadonlyArray<boolean>): Counts {
  const c: Counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  results.forEach((result, i) => {
    const flagged = result.claims.some((claim) => FLAGGED.has(claim.support_status));
    if (flagged && gold[i]) c.tp++;
    else if (flagged) c.fp++;
    else if (gold[i]) c.fn++;
    else c.tn++;
  });
  return c;
}

/** Every val file, engine alone against engine + judge: the table docs/engine.md asks for once a provider is at hand. */
export async function judgeReport(setup: JudgeEvalSetup): Promise<string> {
  if (!hasData()) return "No eval data (../shared/eval-data, or KIVO_EVAL_DATA); nothing to measure.";
  const lines = [
    `Semantic judge: ${setup.judge.provider}, ${setup.judge.model} (val files; response-level balanced accuracy, flagged = a claim unsupported or contradicted)`,
    "",
    "| dataset | rows | engine bal. acc | engine + judge bal. acc | runs judged | claims sent | claims changed | unavailable | tokens in / out | $ per 1,000 runs | judge latency median / p95 (ms) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const dataset of DATASETS) {
    const rows = loadRows(dataset, "val");
    const reviewed = await reviewRows(rows.map((row, index) => ({ row, index })), setup);
    const gold = rows.map((r) => r.label_hallucinated);
    const engine = balancedAccuracy(responseCounts(reviewed.map((r) => r.engine), gold));
    const judged = balancedAccuracy(responseCounts(reviewed.map((r) => r.final), gold));
    const s = judgeStats(reviewed, setup.prices);
    const unavailable = Object.values(s.runs_unavailable).reduce((a, b) => a + b, 0);
    lines.push(
      `| ${dataset} | ${rows.length} | ${engine.toFixed(3)} | **${judged.toFixed(3)}** | ${s.runs_judged} | ${s.claims_sent} | ${s.claims_changed} | ${unavailable} | ${s.input_tokens} / ${s.output_tokens} | ${s.usd_per_1000_runs.toFixed(4)} | ${s.latency_ms.median} / ${s.latency_ms.p95} |`,
    );
  }
  return lines.join("\n");
}
