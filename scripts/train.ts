// Fits the review engine's learned decision on every *_train.jsonl file and
// writes src/review/model/verifier.json (committed). Deterministic: the same
// data and code give the same bytes.
//
//   npm run train            write the model
//   npm run train -- --check fail when the committed model differs from a fresh fit

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DATASETS, DATA_DIR, dataFile, featurize, fitModel, hasData, loadRows, sha256OfFile } from "./lib/verifier-training.ts";

const MODEL_PATH = fileURLToPath(new URL("../src/review/model/verifier.json", import.meta.url));
const check = process.argv.includes("--check");

if (!hasData()) {
  console.error(`train: the labelled data is not at ${DATA_DIR} (set KIVO_EVAL_DATA to its folder).`);
  process.exit(check ? 0 : 2);
}

const started = Date.now();
const rows = DATASETS.flatMap((d) => loadRows(d, "train"));
const examples = featurize(rows);
// The version names the data it was fitted on, so a changed file shows in the diff.
const dataHash = DATASETS.map((d) => sha256OfFile(dataFile(d, "train"))).join("");
const version = `verifier.lr.${(await import("node:crypto")).createHash("sha256").update(dataHash).digest("hex").slice(0, 12)}`;
const model = fitModel(examples, version);
const text = `${JSON.stringify(model, null, 2)}\n`;

if (check) {
  const committed = readFileSync(MODEL_PATH, "utf8");
  if (committed !== text) {
    console.error("train --check: src/review/model/verifier.json differs from a fresh fit on the train files; run `npm run train` and commit it.");
    process.exit(1);
  }
  console.log(`train --check: the committed model matches a fresh fit (${rows.length} rows, ${((Date.now() - started) / 1000).toFixed(1)} s).`);
} else {
  writeFileSync(MODEL_PATH, text);
  console.log(`train: ${rows.length} rows, ${examples.reduce((n, e) => n + e.claims.length, 0)} claims → ${MODEL_PATH} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  model.features.forEach((name, i) => console.log(`  ${name.padEnd(28)} ${(model.weights[i] as number).toFixed(3)}`));
  console.log(`  bias ${model.bias.toFixed(3)}  threshold ${model.threshold.toFixed(3)}  calibration a=${model.calibration.a.toFixed(3)} b=${model.calibration.b.toFixed(3)}`);
}
