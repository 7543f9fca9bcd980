// The data README's word-overlap baseline ("lexical", t from train), rebuilt
// so that Kivo can be compared with it on train too: the README gives only
// val figures, and val is for reporting, not for choosing. A sentence is
// flagged when under t of its content words occur in the best-matching
// source sentence, or when it has a number the sources lack; t is chosen per
// file on train (in-sample, so the train figure flatters the baseline).
import { DATASETS, loadRows, balancedAccuracy, type Row } from "./lib/verifier-training.ts";
const STOP = new Set("a an the and or but if of to in on at by for with from as is are was were be been being it its this that these those he she they them his her their we our you your i me my not no do does did have has had will would can could should may might must there here what which who whom whose when where why how than then so such also just only very more most some any all each both few many much other into over under about after before between through during out up down off again further once".split(" "));
const words = (s: string) => (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
const content = (s: string) => words(s).filter((w) => !STOP.has(w) && !/^\d/.test(w));
const nums = (s: string) => (s.match(/\d+(?:[.,]\d+)*/g) ?? []).map((n) => n.replace(/,/g, ""));
const sentences = (s: string) => s.split(/(?<=[.!?])\s*|\n+/).filter((x) => x.trim());
function rowMinShare(r: Row): { share: number; numMissing: boolean } {
  const src = r.sources.map((x) => x.content).join("\n");
  const srcSents = sentences(src).map((x) => new Set(content(x)));
  const srcNums = new Set(nums(src));
  let min = 1, numMissing = false;
  for (const s of sentences(r.ai_output)) {
    const cw = content(s);
    if (nums(s).some((n) => !srcNums.has(n))) numMissing = true;
    if (!cw.length) continue;
    let best = 0;
    for (const ss of srcSents) { const sh = cw.filter((w) => ss.has(w)).length / cw.length; if (sh > best) best = sh; }
    if (best < min) min = best;
  }
  return { share: min, numMissing };
}
type Scored = { share: number; numMissing: boolean; gold: boolean };
function accuracyAt(rows: ReadonlyArray<Scored>, t: number): number {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const r of rows) {
    const flagged = r.numMissing || r.share < t;
    if (flagged && r.gold) c.tp++;
    else if (flagged) c.fp++;
    else if (r.gold) c.fn++;
    else c.tn++;
  }
  return balancedAccuracy(c);
}
console.log("| dataset | t (from train) | train bal. acc (in-sample) | val bal. acc |\n| --- | --- | --- | --- |");
for (const d of DATASETS) {
  const scored = (split: "train" | "val"): Scored[] => loadRows(d, split).map((r) => ({ ...rowMinShare(r), gold: r.label_hallucinated }));
  const train = scored("train");
  let bestT = 0;
  let bestValue = -1;
  for (let step = 0; step <= 20; step++) {
    const value = accuracyAt(train, step / 20);
    if (value > bestValue) [bestValue, bestT] = [value, step / 20];
  }
  console.log(`| ${d} | ${bestT.toFixed(2)} | ${bestValue.toFixed(3)} | ${accuracyAt(scored("val"), bestT).toFixed(3)} |`);
}
