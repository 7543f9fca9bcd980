// Runs the review engine in-process over a labelled JSONL file (see
// ../shared/eval-data/README.md) and prints response- and span-level figures.
//
//   npm run eval                                  every file: train, val, leave-one-dataset-out, calibration
//   npm run eval -- <file.jsonl> [--out results.json] [--half tune|holdout]
//   npm run eval -- [<file.jsonl>] --judge [--judge-url …] [--judge-model …]   with the semantic judge (docs/engine.md)
//
// Rows are mapped as the README says (intended_use "eval_only"); label_hallucinated,
// hallucination_spans and meta are never passed to the engine.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import { JUDGE_EVAL_OPTIONS, JUDGE_EVAL_USAGE, formatJudgeStats, judgeSetupFrom, judgeStats, normalizeJudgeArgs, reviewRows } from "./lib/judge-eval.ts";
import type { Counts } from "./lib/verifier-training.ts";

interface Row {
  external_id: string;
  dataset: string;
  question: string | null;
  ai_output: string;
  sources: Array<{ title: string; content: string }>;
  label_hallucinated: boolean;
  hallucination_spans: Array<{ start: number; end: number; label_type: string }>;
  meta: { domain?: string; edit_types?: string[]; doc_key?: string; right_answer?: string };
}


let parsed;
try {
  parsed = parseArgs({
    args: normalizeJudgeArgs(process.argv.slice(2)),
    allowPositionals: true,
    options: { out: { type: "string" }, half: { type: "string" }, ...JUDGE_EVAL_OPTIONS },
  });
} catch (error) {
  console.error(`${(error as Error).message}\n\nusage: npm run eval -- [<file.jsonl>] [--out results.json] [--half tune|holdout]\n  ${JUDGE_EVAL_USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
const judging = judgeSetupFrom(values, process.env);
if (judging !== null && "error" in judging) {
  console.error(`${judging.error}\n\n  ${JUDGE_EVAL_USAGE}`);
  process.exit(2);
}
const file = positionals[0];
if (!file) {
  // No file: the learned decision on every labelled file (docs/engine.md's
  // tables), or with --judge, engine against engine + judge on every val file.
  if (judging) {
    const { judgeReport } = await import("./lib/judge-eval.ts");
    console.log(await judgeReport(judging));
  } else {
    const { fullReport } = await import("./lib/verifier-report.ts");
    console.log(fullReport());
  }
  process.exit(0);
}
const outPath = values.out ?? `eval-results/${basename(file).replace(/\.jsonl$/, "")}.json`;
const onlyHalf = values.half;

const rows: Row[] = readFileSync(file, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Row);

// The tuning half is every other doc_key in sorted order (or row for files
// without doc_keys), so both halves mix domains and the split is reproducible.
const docKeys = [...new Set(rows.map((r) => r.meta.doc_key ?? r.external_id))].sort();
const halfOf = (row: Row): "tune" | "holdout" => (docKeys.indexOf(row.meta.doc_key ?? row.external_id) % 2 === 0 ? "tune" : "holdout");

const FLAGGED = new Set(["unsupported", "contradicted"]);
const FLAGGED_WITH_PARTIAL = new Set(["unsupported", "contradicted", "partially_supported"]);

function empty(): Counts {
  return { tp: 0, fp: 0, tn: 0, fn: 0 };
}
function add(counts: Counts, predicted: boolean, gold: boolean): void {
  if (predicted && gold) counts.tp++;
  else if (predicted) counts.fp++;
  else if (gold) counts.fn++;
  else counts.tn++;
}
function metrics(c: Counts): { n: number; precision: number; recall: number; f1: number; balanced_accuracy: number } {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const specificity = c.tn + c.fp === 0 ? 0 : c.tn / (c.tn + c.fp);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return { n: c.tp + c.fp + c.tn + c.fn, precision: round(precision), recall: round(recall), f1: round(f1), balanced_accuracy: round((recall + specificity) / 2) };
}

const response = { all: empty(), tune: empty(), holdout: empty() };
const responseEngineAlone = empty();
const responsePartial = { all: empty(), tune: empty(), holdout: empty() };
const byDomain = new Map<string, Counts>();
const byEditType = new Map<string, Counts>();
const byCheck = new Map<string, { claims: number; agree: number }>();
const span = { predicted: 0, gold: 0, overlap: 0 };
const errorSpan = { predicted: 0, overlap: 0 };
const timings: number[] = [];
const perRow: unknown[] = [];

const entries = rows.map((row, index) => ({ row, index })).filter(({ row }) => !onlyHalf || halfOf(row) === onlyHalf);
const reviewed = await reviewRows(entries, judging);

entries.forEach(({ row }, k) => {
  const half = halfOf(row);
  const { engine, final: result, engineMs } = reviewed[k]!;
  timings.push(engineMs);
  const gold = row.label_hallucinated;
  add(responseEngineAlone, engine.claims.some((c) => FLAGGED.has(c.support_status)), gold);
  const predicted = result.claims.some((c) => FLAGGED.has(c.support_status));
  const predictedPartial = result.claims.some((c) => FLAGGED_WITH_PARTIAL.has(c.support_status));
  add(response.all, predicted, gold);
  add(response[half], predicted, gold);
  add(responsePartial.all, predictedPartial, gold);
  add(responsePartial[half], predictedPartial, gold);
  const domain = row.meta.domain ?? row.dataset;
  if (!byDomain.has(domain)) byDomain.set(domain, empty());
  add(byDomain.get(domain) as Counts, predicted, gold);
  for (const type of row.meta.edit_types?.length ? row.meta.edit_types : [gold ? "(no edit type)" : "(clean)"]) {
    if (!byEditType.has(type)) byEditType.set(type, empty());
    add(byEditType.get(type) as Counts, predicted, gold);
  }

  // Span level: characters of flagged claims against characters of gold spans.
  const goldChars = new Uint8Array(row.ai_output.length);
  for (const s of row.hallucination_spans) goldChars.fill(1, s.start, s.end);
  const predChars = new Uint8Array(row.ai_output.length);
  // The words a check localised, where it did: what a reviewer sees marked.
  const errorChars = new Uint8Array(row.ai_output.length);
  for (const c of result.claims) {
    if (!FLAGGED.has(c.support_status)) continue;
    predChars.fill(1, c.output_start_offset, c.output_end_offset);
    const localized = (c.verification_result?.metadata.error_spans ?? []) as Array<{ start: number; end: number }>;
    if (localized.length === 0) errorChars.fill(1, c.output_start_offset, c.output_end_offset);
    for (const e of localized) errorChars.fill(1, e.start, e.end);
  }
  for (let k = 0; k < goldChars.length; k++) {
    span.gold += goldChars[k] as number;
    span.predicted += predChars[k] as number;
    span.overlap += (goldChars[k] as number) & (predChars[k] as number);
    errorSpan.predicted += errorChars[k] as number;
    errorSpan.overlap += (goldChars[k] as number) & (errorChars[k] as number);
  }

  // Claim-level agreement per deciding check, for confidence calibration: a
  // flagged claim agrees when it overlaps a gold span (or, for QA, the row is
  // hallucinated); an unflagged claim agrees when it overlaps none.
  for (const c of result.claims) {
    const check = String(c.verification_result?.metadata.check ?? "?");
    const flagged = FLAGGED.has(c.support_status);
    const overlapsGold = row.hallucination_spans.some((s) => s.start < c.output_end_offset && s.end > c.output_start_offset);
    const agree = flagged ? gold && overlapsGold : !overlapsGold;
    const key = `${check}/${flagged ? "flagged" : c.support_status === "supported" ? "supported" : "other"}`;
    const entry = byCheck.get(key) ?? { claims: 0, agree: 0 };
    entry.claims++;
    if (agree) entry.agree++;
    byCheck.set(key, entry);
  }

  perRow.push({
    external_id: row.external_id,
    half,
    gold,
    predicted,
    safe_use_status: result.safe_use_status,
    claims: result.claims.map((c) => ({
      text: c.text,
      start: c.output_start_offset,
      end: c.output_end_offset,
      status: c.support_status,
      check: c.verification_result?.metadata.check,
      decided_by: c.verification_result?.metadata.decided_by ?? "deterministic",
      rationale: c.verification_result?.rationale,
    })),
  });
});

const sorted = [...timings].sort((a, b) => a - b);
const pct = (p: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 1000) / 1000;
const spanPrecision = span.predicted === 0 ? 0 : span.overlap / span.predicted;
const spanRecall = span.gold === 0 ? 0 : span.overlap / span.gold;
const summary = {
  file: basename(file),
  rows: timings.length,
  half: onlyHalf ?? "both",
  response: { all: metrics(response.all), tune_half: metrics(response.tune), holdout_half: metrics(response.holdout) },
  response_counting_partially_supported: {
    all: metrics(responsePartial.all),
    tune_half: metrics(responsePartial.tune),
    holdout_half: metrics(responsePartial.holdout),
  },
  span_char_overlap: {
    precision: Math.round(spanPrecision * 1000) / 1000,
    recall: Math.round(spanRecall * 1000) / 1000,
    f1: spanPrecision + spanRecall === 0 ? 0 : Math.round(((2 * spanPrecision * spanRecall) / (spanPrecision + spanRecall)) * 1000) / 1000,
  },
  error_span_char_overlap: (() => {
    const p = errorSpan.predicted === 0 ? 0 : errorSpan.overlap / errorSpan.predicted;
    const r = span.gold === 0 ? 0 : errorSpan.overlap / span.gold;
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    return { precision: r3(p), recall: r3(r), f1: p + r === 0 ? 0 : r3((2 * p * r) / (p + r)) };
  })(),
  by_domain: Object.fromEntries([...byDomain].sort().map(([k, v]) => [k, metrics(v)])),
  by_edit_type: Object.fromEntries([...byEditType].sort().map(([k, v]) => [k, { ...metrics(v), flagged: v.tp + v.fp, rows: v.tp + v.fp + v.tn + v.fn }])),
  claim_agreement_by_check: Object.fromEntries(
    [...byCheck].sort().map(([k, v]) => [k, { claims: v.claims, agreement: Math.round((v.agree / v.claims) * 100) / 100 }]),
  ),
  ms_per_row: { median: pct(0.5), p95: pct(0.95), max: pct(1) },
  ...(judging
    ? {
        response_engine_alone: metrics(responseEngineAlone),
        semantic_judge: { provider: judging.judge.provider, model: judging.judge.model, ...judgeStats(reviewed, judging.prices) },
      }
    : {}),
};

const fmt = (m: ReturnType<typeof metrics>): string =>
  `P ${m.precision.toFixed(3)}  R ${m.recall.toFixed(3)}  F1 ${m.f1.toFixed(3)}  bal.acc ${m.balanced_accuracy.toFixed(3)}  (n=${m.n})`;
console.log(`# ${summary.file} — ${summary.rows} rows (half: ${summary.half})`);
console.log(`response (unsupported|contradicted)        all      ${fmt(summary.response.all)}`);
console.log(`                                           tune     ${fmt(summary.response.tune_half)}`);
console.log(`                                           holdout  ${fmt(summary.response.holdout_half)}`);
console.log(`response (+ partially_supported)           all      ${fmt(summary.response_counting_partially_supported.all)}`);
console.log(`span char overlap                          P ${summary.span_char_overlap.precision}  R ${summary.span_char_overlap.recall}  F1 ${summary.span_char_overlap.f1}`);
console.log(`error-span char overlap                    P ${summary.error_span_char_overlap.precision}  R ${summary.error_span_char_overlap.recall}  F1 ${summary.error_span_char_overlap.f1}`);
console.log("by domain:");
for (const [k, v] of Object.entries(summary.by_domain)) console.log(`  ${k.padEnd(14)} ${fmt(v)}`);
console.log("by edit type (flagged / rows):");
for (const [k, v] of Object.entries(summary.by_edit_type)) console.log(`  ${k.padEnd(28)} ${v.flagged}/${v.rows}`);
console.log("claim agreement by deciding check:");
for (const [k, v] of Object.entries(summary.claim_agreement_by_check)) console.log(`  ${k.padEnd(28)} ${v.agreement.toFixed(2)} of ${v.claims}`);
console.log(`engine ms per row: median ${summary.ms_per_row.median}  p95 ${summary.ms_per_row.p95}  max ${summary.ms_per_row.max}`);
if (summary.response_engine_alone && summary.semantic_judge) {
  console.log(`response, engine alone                     all      ${fmt(summary.response_engine_alone)}`);
  console.log(`response, engine + judge                   all      ${fmt(summary.response.all)}`);
  for (const line of formatJudgeStats(summary.semantic_judge, summary.semantic_judge)) console.log(line);
}

if (outPath) {
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify({ summary, rows: perRow }, null, 2)}\n`);
  console.log(`results written to ${outPath}`);
}
