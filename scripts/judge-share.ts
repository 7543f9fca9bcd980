// How much of each labelled set the semantic judge would be asked about, and
// what that costs: per val file, the claims selected (the default
// `uncertain` selection), runs with at least one, and the size of the judge's
// request measured on the prompt actually built. No network: nothing is sent.
//   node scripts/judge-share.ts [--confidence-below 0.7] [--split val]
import { parseArgs } from "node:util";
import { judgeRequestFor, selectClaimsForJudge } from "../src/review/judge-merge.ts";
import { judgePrompt } from "../src/services/judge/prompt.ts";
import { DATASETS, hasData, loadRows, reviewInputOf, reviewRow, type Split } from "./lib/verifier-training.ts";

const { values } = parseArgs({ options: { "confidence-below": { type: "string", default: "0.7" }, split: { type: "string", default: "val" } } });
const confidenceBelow = Number(values["confidence-below"]);
const split = values.split as Split;
if (!hasData()) {
  console.log("No eval data (../shared/eval-data); nothing to measure.");
  process.exit(0);
}
// Characters per token for English prose under the common BPE tokenizers; an estimate, not a count.
const CHARS_PER_TOKEN = 4;
// Output per judged claim: the verdict object with a short rationale and quote.
const OUTPUT_TOKENS_PER_CLAIM = 70;

console.log(`| dataset | runs | claims | judged claims | share | runs judged | input tokens per judged run (mean) | output tokens per judged run (est.) |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const dataset of DATASETS) {
  const rows = loadRows(dataset, split);
  let claims = 0;
  let judged = 0;
  let runsJudged = 0;
  let inputTokens = 0;
  rows.forEach((row, i) => {
    const result = reviewRow(row, i);
    claims += result.claims.length;
    const ids = selectClaimsForJudge(result, "standard", { selection: "uncertain", confidenceBelow });
    if (ids.length === 0) return;
    judged += ids.length;
    runsJudged++;
    const prompt = judgePrompt(judgeRequestFor(reviewInputOf(row, i), result, ids));
    inputTokens += (prompt.system.length + prompt.user.length) / CHARS_PER_TOKEN;
  });
  const perRun = runsJudged === 0 ? 0 : inputTokens / runsJudged;
  const outPerRun = runsJudged === 0 ? 0 : (judged / runsJudged) * OUTPUT_TOKENS_PER_CLAIM;
  console.log(`| ${dataset} | ${rows.length} | ${claims} | ${judged} | ${(judged / Math.max(1, claims)).toFixed(2)} | ${runsJudged} (${(runsJudged / rows.length).toFixed(2)}) | ${Math.round(perRun)} | ${Math.round(outPerRun)} |`);
}
