// The learned decision measured on every labelled file: train (out-of-fold),
// val, leave-one-dataset-out, per domain and the calibration table. Printed
// as markdown tables for docs/engine.md by `npm run eval` (no arguments).

import {
  DATASETS,
  type Dataset,
  type RowExample,
  balancedAccuracy,
  chooseThreshold,
  count,
  featurize,
  fitLogistic,
  fitModel,
  foldOf,
  loadRows,
  logit,
  metrics,
  outOfFold,
  rowScore,
  trainingSet,
} from "./verifier-training.ts";

// The word-overlap baseline of ../shared/eval-data/README.md on each val file.
const LEXICAL_BASELINE: Readonly<Record<Dataset, number>> = {
  summedits: 0.58,
  halueval_qa: 0.97,
  expertqa: 0.55,
  wice: 0.71,
  begin: 0.86,
  faithdial_audit: 0.78,
  dialfact: 0.58,
  fib_xsum: 0.6,
};

const BREAKDOWN: Readonly<Partial<Record<Dataset, string>>> = {
  summedits: "domain",
  begin: "data_source",
  faithdial_audit: "data_source",
  expertqa: "support_label",
  wice: "support_label",
};

const f3 = (v: number): string => v.toFixed(3);

export function fullReport(): string {
  const lines: string[] = [];
  const train = new Map<Dataset, RowExample[]>();
  const val = new Map<Dataset, RowExample[]>();
  for (const d of DATASETS) {
    train.set(d, featurize(loadRows(d, "train")));
    val.set(d, featurize(loadRows(d, "val")));
  }
  const allTrain = DATASETS.flatMap((d) => train.get(d) as RowExample[]);
  const model = fitModel(allTrain, "report");
  const fitted = { mean: model.mean, scale: model.scale, weights: model.weights, bias: model.bias };
  const oof = outOfFold(allTrain).rows;
  const scoreRows = (examples: ReadonlyArray<RowExample>, f = fitted) => examples.map((e) => ({ score: rowScore(f, e), gold: e.row.label_hallucinated, dataset: e.row.dataset, row: e.row }));

  lines.push("| dataset | train (out-of-fold) bal. acc | val P | val R | val F1 | **val bal. acc** | word-overlap baseline (val) | leave-one-dataset-out val bal. acc |");
  lines.push("| --- | --- | --- | --- | --- | --- | --- | --- |");
  const lodo = new Map<Dataset, number>();
  for (const held of DATASETS) {
    const rest = DATASETS.filter((d) => d !== held).flatMap((d) => train.get(d) as RowExample[]);
    const { x, y, w } = trainingSet(rest);
    const f = fitLogistic(x, y, w);
    const t = chooseThreshold(outOfFold(rest).rows);
    lodo.set(held, balancedAccuracy(count(scoreRows(val.get(held) as RowExample[], f), t)));
  }
  for (const d of DATASETS) {
    const trainBa = balancedAccuracy(count(oof.filter((r) => r.dataset === d), model.threshold));
    const m = metrics(count(scoreRows(val.get(d) as RowExample[]), model.threshold));
    lines.push(`| ${d} | ${f3(trainBa)} | ${f3(m.precision)} | ${f3(m.recall)} | ${f3(m.f1)} | **${f3(m.balanced_accuracy)}** | ${LEXICAL_BASELINE[d].toFixed(2)} | ${f3(lodo.get(d) as number)} |`);
  }

  lines.push("", "Val by domain / source / support label (balanced accuracy; for a single-class group, the share judged right):", "");
  lines.push("| dataset | group | rows | bal. acc |", "| --- | --- | --- | --- |");
  for (const d of DATASETS) {
    const key = BREAKDOWN[d];
    if (!key) continue;
    const scored = scoreRows(val.get(d) as RowExample[]);
    const groups = [...new Set(scored.map((s) => String(s.row.meta[key])))].sort();
    for (const g of groups) {
      const c = count(scored.filter((s) => String(s.row.meta[key]) === g), model.threshold);
      const n = c.tp + c.fp + c.tn + c.fn;
      const single = c.tp + c.fn === 0 || c.tn + c.fp === 0;
      const value = single ? (c.tp + c.tn) / n : balancedAccuracy(c);
      lines.push(`| ${d} | ${g} | ${n} | ${f3(value)}${single ? " (one class)" : ""} |`);
    }
  }

  // Calibration: claim-level, the calibrated score against how often such
  // claims are labelled unsupported, on val. Pooled, the dialogue files
  // (most claims, most of them labelled) dominate; Platt scaling was fitted
  // with every file weighing the same, so that view is shown beside it.
  const bins = Array.from({ length: 10 }, () => ({ n: 0, predicted: 0, observed: 0, weight: 0, weightedPredicted: 0, weightedObserved: 0 }));
  for (const d of DATASETS) {
    const judged = (val.get(d) as RowExample[]).flatMap((e) => e.claims.filter((c) => c.features !== null));
    const weight = judged.length === 0 ? 0 : 1 / judged.length;
    for (const c of judged) {
      const p = 1 / (1 + Math.exp(-(model.calibration.a * logit(fitted, c.features as number[]) + model.calibration.b)));
      const bin = bins[Math.min(9, Math.floor(p * 10))] as (typeof bins)[number];
      bin.n++;
      bin.predicted += p;
      bin.observed += c.label;
      bin.weight += weight;
      bin.weightedPredicted += weight * p;
      bin.weightedObserved += weight * c.label;
    }
  }
  lines.push("", "Calibration on val (claims): predicted probability that a claim is not supported against the labelled rate, all files pooled and with every file weighing the same.", "");
  lines.push("| score bin | claims | mean predicted | labelled not supported | mean predicted, files equal | labelled, files equal |", "| --- | --- | --- | --- | --- | --- |");
  bins.forEach((b, i) => {
    if (b.n === 0) return;
    lines.push(`| ${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)} | ${b.n} | ${f3(b.predicted / b.n)} | ${f3(b.observed / b.n)} | ${f3(b.weightedPredicted / b.weight)} | ${f3(b.weightedObserved / b.weight)} |`);
  });
  void foldOf;
  return lines.join("\n");
}
