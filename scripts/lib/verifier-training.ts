// Fitting and measuring the review engine's learned decision (src/review/decision.ts)
// on the labelled files in ../shared/eval-data (see its README). Shared by
// `npm run train` (fits on every *_train file, writes the committed model) and
// `npm run eval` (per-dataset val figures, leave-one-dataset-out, calibration).
//
// Everything here is deterministic: folds come from a hash of meta.doc_key,
// the fit is Newton's method from zero, and no random numbers are drawn.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DECISIVE_CHECKS, type VerifierModel } from "../../src/review/decision.ts";
import { FEATURE_NAMES, type FeatureVector } from "../../src/review/features.ts";
import { runReview, verifyClaims, type ReviewInput, type ReviewResult, type ReviewSourceInput } from "../../src/review/index.ts";

// Claims a precise check flags are decided by that check (decision.ts); the
// model learns from, and is measured on, the rest.
const DECISIVE_INDEXES = DECISIVE_CHECKS.map((check) => (FEATURE_NAMES as readonly string[]).indexOf(`check_${check}`));
export function isDecisive(features: ReadonlyArray<number> | null): boolean {
  return features !== null && DECISIVE_INDEXES.some((j) => features[j] === 1);
}
export const DATASETS = ["summedits", "halueval_qa", "expertqa", "wice", "begin", "faithdial_audit", "dialfact", "fib_xsum"] as const;
export type Dataset = (typeof DATASETS)[number];
export type Split = "train" | "val";

export const DATA_DIR = resolve(process.env.KIVO_EVAL_DATA ?? join(dirname(fileURLToPath(import.meta.url)), "../../../shared/eval-data"));

export interface Row {
  external_id: string;
  dataset: Dataset;
  task_type: string;
  question: string | null;
  ai_output: string;
  sources: Array<{ title: string; content: string }>;
  label_hallucinated: boolean;
  hallucination_spans: Array<{ start: number; end: number; label_type: string }>;
  meta: Record<string, unknown> & { doc_key: string };
}

export function dataFile(dataset: Dataset, split: Split): string {
  return join(DATA_DIR, `${dataset}_${split}.jsonl`);
}

export function hasData(): boolean {
  return DATASETS.every((d) => existsSync(dataFile(d, "train")));
}

export function loadRows(dataset: Dataset, split: Split): Row[] {
  return readFileSync(dataFile(dataset, split), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Row);
}

export function sha256OfFile(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

// What the engine makes of one row: per claim, its features (null when the
// claim was decided before alignment) and the status the rules alone give.
export interface ClaimExample {
  features: number[] | null;
  // Decided without the model: true when flagged (no evidence at all), false otherwise.
  fixedFlag: boolean;
  label: 0 | 1;
}

export interface RowExample {
  row: Row;
  claims: ClaimExample[];
}

// Rows are mapped as the data README says (sources carry a title and content,
// nothing else); label and meta never reach the engine.
function sourcesOf(row: Pick<Row, "sources">, runId: string): ReviewSourceInput[] {
  return row.sources.map((s, n) => ({ id: `${runId}_source_${n + 1}`, title: s.title, content: s.content, citation_label: null, uri: null, media_type: "text/plain" }));
}

export function reviewInputOf(row: Pick<Row, "ai_output" | "question" | "sources">, i: number): ReviewInput {
  const runId = `run_eval-${String(i).padStart(5, "0")}`;
  return {
    review_run_id: runId,
    ai_output: row.ai_output,
    question: row.question,
    sources: sourcesOf(row, runId),
    intended_use: "eval_only",
    strictness: "standard",
    gate_mode: "advisory",
    now: "2026-11-22T00:00:00.000Z",
  };
}

export function reviewRow(row: Pick<Row, "ai_output" | "question" | "sources">, i: number): ReviewResult {
  return runReview(reviewInputOf(row, i));
}

export function featurize(rows: ReadonlyArray<Row>): RowExample[] {
  return rows.map((row) => {
    const results = verifyClaims({ ai_output: row.ai_output, question: row.question, sources: sourcesOf(row, "run") });
    const claims = results.map(({ claim, verification }): ClaimExample => {
      const overlaps = row.hallucination_spans.some((s) => s.start < claim.end && s.end > claim.start);
      const features = verification.features;
      return {
        features: features === null ? null : FEATURE_NAMES.map((name) => (features as FeatureVector)[name]),
        fixedFlag: features === null && (verification.status === "unsupported" || verification.status === "contradicted"),
        label: row.label_hallucinated && overlaps ? 1 : 0,
      };
    });
    return { row, claims };
  });
}

// Deterministic fold of a document group.
export function foldOf(docKey: string, folds: number): number {
  const digest = createHash("sha256").update(docKey).digest();
  return digest.readUInt32BE(0) % folds;
}

interface Fitted {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

// Every dataset weighs the same, and within a dataset both classes weigh the
// same (the files run from 28 % to 74 % hallucinated); a row's weight is
// shared among its claims.
export function trainingSet(examples: ReadonlyArray<RowExample>): { x: number[][]; y: number[]; w: number[] } {
  const byDataset = new Map<string, { positive: number; negative: number }>();
  for (const e of examples) {
    const counts = byDataset.get(e.row.dataset) ?? { positive: 0, negative: 0 };
    if (e.row.label_hallucinated) counts.positive++;
    else counts.negative++;
    byDataset.set(e.row.dataset, counts);
  }
  const x: number[][] = [];
  const y: number[] = [];
  const w: number[] = [];
  for (const e of examples) {
    const counts = byDataset.get(e.row.dataset) as { positive: number; negative: number };
    const rowWeight = 0.5 / (e.row.label_hallucinated ? counts.positive : counts.negative);
    const modelled = e.claims.filter((c) => c.features !== null && !isDecisive(c.features));
    if (modelled.length === 0) continue;
    for (const c of modelled) {
      x.push(c.features as number[]);
      y.push(c.label);
      w.push(rowWeight / modelled.length);
    }
  }
  // Mean weight 1, so the ridge penalty means the same whatever the mix.
  const total = w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < w.length; i++) w[i] = ((w[i] as number) * w.length) / total;
  return { x, y, w };
}

function solve(a: number[][], b: number[]): number[] {
  // Gaussian elimination with partial pivoting; the system is small and positive definite.
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs((m[r] as number[])[col] as number) > Math.abs((m[pivot] as number[])[col] as number)) pivot = r;
    [m[col], m[pivot]] = [m[pivot] as number[], m[col] as number[]];
    const p = (m[col] as number[])[col] as number;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = ((m[r] as number[])[col] as number) / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) (m[r] as number[])[c] = ((m[r] as number[])[c] as number) - f * ((m[col] as number[])[c] as number);
    }
  }
  return m.map((row, i) => (row[n] as number) / (row[i] as number));
}

// Chosen on train: out-of-fold and leave-one-dataset-out means were flat from
// 1 to 3,000 (0.728–0.735); 300 keeps correlated coverage features from
// taking large weights of opposite sign.
export const RIDGE = 300;

// L2-regularised logistic regression by Newton's method on standardised
// features (the intercept is not penalised).
export function fitLogistic(x: ReadonlyArray<number[]>, y: ReadonlyArray<number>, w: ReadonlyArray<number>, ridge = RIDGE): Fitted {
  const d = (x[0] ?? []).length;
  const totalW = w.reduce((a, b) => a + b, 0);
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  x.forEach((row, i) => row.forEach((v, j) => (mean[j] = (mean[j] as number) + (w[i] as number) * v)));
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / totalW;
  x.forEach((row, i) => row.forEach((v, j) => (scale[j] = (scale[j] as number) + (w[i] as number) * (v - (mean[j] as number)) ** 2)));
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt((scale[j] as number) / totalW) || 1;
  const z = x.map((row) => [1, ...row.map((v, j) => (v - (mean[j] as number)) / (scale[j] as number))]);
  let beta = new Array<number>(d + 1).fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    z.forEach((row, i) => {
      let eta = 0;
      for (let j = 0; j <= d; j++) eta += (beta[j] as number) * (row[j] as number);
      const p = 1 / (1 + Math.exp(-eta));
      const wi = w[i] as number;
      const r = wi * ((y[i] as number) - p);
      const h = wi * p * (1 - p);
      for (let j = 0; j <= d; j++) {
        gradient[j] = (gradient[j] as number) + r * (row[j] as number);
        const hj = hessian[j] as number[];
        const hr = h * (row[j] as number);
        for (let k = j; k <= d; k++) hj[k] = (hj[k] as number) + hr * (row[k] as number);
      }
    });
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) (hessian[j] as number[])[k] = (hessian[k] as number[])[j] as number;
    for (let j = 1; j <= d; j++) {
      gradient[j] = (gradient[j] as number) - ridge * (beta[j] as number);
      (hessian[j] as number[])[j] = ((hessian[j] as number[])[j] as number) + ridge;
    }
    const step = solve(hessian, gradient);
    beta = beta.map((b, j) => b + (step[j] as number));
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return { mean, scale, weights: beta.slice(1), bias: beta[0] as number };
}

export function fitVerifier(examples: ReadonlyArray<RowExample>): Fitted {
  const { x, y, w } = trainingSet(examples);
  return fitLogistic(x, y, w);
}

export function logit(fitted: Fitted, features: ReadonlyArray<number>): number {
  let eta = fitted.bias;
  features.forEach((v, j) => (eta += (fitted.weights[j] as number) * ((v - (fitted.mean[j] as number)) / (fitted.scale[j] as number))));
  return eta;
}

// A row is flagged when its highest claim logit reaches the threshold; claims
// decided before alignment count as +∞ (no evidence) or −∞.
export function rowScore(fitted: Fitted, example: RowExample): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const c of example.claims) {
    const s = c.features === null ? (c.fixedFlag ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY) : isDecisive(c.features) ? Number.POSITIVE_INFINITY : logit(fitted, c.features);
    if (s > best) best = s;
  }
  return best;
}

export interface Counts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function count(scored: ReadonlyArray<{ score: number; gold: boolean }>, threshold: number): Counts {
  const c: Counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const { score, gold } of scored) {
    const flagged = score >= threshold;
    if (flagged && gold) c.tp++;
    else if (flagged) c.fp++;
    else if (gold) c.fn++;
    else c.tn++;
  }
  return c;
}

export function balancedAccuracy(c: Counts): number {
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const specificity = c.tn + c.fp === 0 ? 0 : c.tn / (c.tn + c.fp);
  return (recall + specificity) / 2;
}

export function metrics(c: Counts): { n: number; precision: number; recall: number; f1: number; balanced_accuracy: number } {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { n: c.tp + c.fp + c.tn + c.fn, precision, recall, f1, balanced_accuracy: balancedAccuracy(c) };
}

// The threshold that maximises the mean balanced accuracy over datasets
// (each dataset counts once, whatever its size).
export function chooseThreshold(scored: ReadonlyArray<{ score: number; gold: boolean; dataset: string }>): number {
  const finite = [...new Set(scored.map((s) => s.score).filter(Number.isFinite))].sort((a, b) => a - b);
  const datasets = [...new Set(scored.map((s) => s.dataset))];
  const groups = datasets.map((d) => scored.filter((s) => s.dataset === d));
  let bestThreshold = 0;
  let bestValue = -1;
  // Candidate cut points: midpoints between distinct scores, thinned to 400.
  const stride = Math.max(1, Math.floor(finite.length / 400));
  for (let i = 0; i + 1 < finite.length; i += stride) {
    const t = ((finite[i] as number) + (finite[i + 1] as number)) / 2;
    const value = groups.reduce((sum, g) => sum + balancedAccuracy(count(g, t)), 0) / groups.length;
    if (value > bestValue + 1e-12) {
      bestValue = value;
      bestThreshold = t;
    }
  }
  return bestThreshold;
}

export const FOLDS = 5;

// Out-of-fold row scores and claim logits: each document group scored by a
// model fitted without it.
export function outOfFold(examples: ReadonlyArray<RowExample>): { rows: Array<{ score: number; gold: boolean; dataset: string }>; claims: Array<{ logit: number; label: number; dataset: string }> } {
  const rows: Array<{ score: number; gold: boolean; dataset: string }> = [];
  const claims: Array<{ logit: number; label: number; dataset: string }> = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const fitOn = examples.filter((e) => foldOf(e.row.meta.doc_key, FOLDS) !== fold);
    const held = examples.filter((e) => foldOf(e.row.meta.doc_key, FOLDS) === fold);
    const fitted = fitVerifier(fitOn);
    for (const e of held) {
      rows.push({ score: rowScore(fitted, e), gold: e.row.label_hallucinated, dataset: e.row.dataset });
      for (const c of e.claims) if (c.features !== null && !isDecisive(c.features)) claims.push({ logit: logit(fitted, c.features), label: c.label, dataset: e.row.dataset });
    }
  }
  return { rows, claims };
}

// Platt scaling: p = σ(a·logit + b), fitted on out-of-fold claim logits with
// every dataset weighing the same but classes at their natural rate.
export function fitPlatt(claims: ReadonlyArray<{ logit: number; label: number; dataset: string }>): { a: number; b: number } {
  const perDataset = new Map<string, number>();
  for (const c of claims) perDataset.set(c.dataset, (perDataset.get(c.dataset) ?? 0) + 1);
  const w = claims.map((c) => claims.length / (perDataset.size * (perDataset.get(c.dataset) as number)));
  const fitted = fitLogistic(claims.map((c) => [c.logit]), claims.map((c) => c.label), w, 0);
  // Undo the standardisation so that a and b apply to the raw logit.
  const a = (fitted.weights[0] as number) / (fitted.scale[0] as number);
  const b = fitted.bias - a * (fitted.mean[0] as number);
  return { a, b };
}

const round = (v: number): number => Number(v.toPrecision(8));

// How often a claim each decisive check flags is labelled unsupported, every
// dataset weighing the same, add-one smoothed: the confidence it reports.
export function decisivePrecision(examples: ReadonlyArray<RowExample>): Record<string, number> {
  const out: Record<string, number> = {};
  DECISIVE_CHECKS.forEach((check, k) => {
    const j = DECISIVE_INDEXES[k] as number;
    const rates: number[] = [];
    for (const d of DATASETS) {
      let fired = 0;
      let agree = 0;
      for (const e of examples) {
        if (e.row.dataset !== d) continue;
        for (const c of e.claims) if (c.features?.[j] === 1) {
          fired++;
          agree += c.label;
        }
      }
      if (fired > 0) rates.push((agree + 1) / (fired + 2));
    }
    out[check] = rates.length === 0 ? 0.5 : Number((rates.reduce((a, b) => a + b, 0) / rates.length).toFixed(2));
  });
  return out;
}

export function fitModel(examples: ReadonlyArray<RowExample>, version: string): VerifierModel {
  const fitted = fitVerifier(examples);
  const oof = outOfFold(examples);
  const threshold = chooseThreshold(oof.rows);
  const calibration = fitPlatt(oof.claims);
  return {
    version,
    features: [...FEATURE_NAMES],
    mean: fitted.mean.map(round),
    scale: fitted.scale.map(round),
    weights: fitted.weights.map(round),
    bias: round(fitted.bias),
    threshold: round(threshold),
    calibration: { a: round(calibration.a), b: round(calibration.b) },
    decisive: decisivePrecision(examples),
  };
}
