// Measures the citation verdicts of the review engine on a labelled JSONL file
// whose outputs cite their sources (ExpertQA: markers such as "[4]" and
// sources titled "[4] URL"; see ../shared/eval-data/README.md).
//
//   npx node scripts/eval-citations.ts <file.jsonl> [--json]
//
// Sources go in as callers that give only titles send them: citation_label null.
// label_hallucinated and meta are never passed to the engine.

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { ReviewResult } from "../src/review/index.ts";
import { reviewRow, type Counts } from "./lib/verifier-training.ts";

interface Row {
  external_id: string;
  question: string | null;
  ai_output: string;
  sources: Array<{ title: string; content: string }>;
  label_hallucinated: boolean;
  meta: { system?: string };
}


const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("usage: npx node scripts/eval-citations.ts <file.jsonl> [--json]");
  process.exit(2);
}
const asJson = args.includes("--json");

const rows: Row[] = readFileSync(file, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Row);

// Not issues: a claim without a marker in a standard run, and a citation that holds.
const NOT_AN_ISSUE: ReadonlySet<string> = new Set(["citation_ok", "no_citation_required"]);

const review = reviewRow;

function empty(): Counts {
  return { tp: 0, fp: 0, tn: 0, fn: 0 };
}

function add(counts: Counts, predicted: boolean, gold: boolean): void {
  if (predicted && gold) counts.tp++;
  else if (predicted) counts.fp++;
  else if (gold) counts.fn++;
  else counts.tn++;
}

function metrics(c: Counts): { n: number; flagged: number; precision: number; recall: number; f1: number; balanced_accuracy: number } {
  const precision = c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : c.tp / (c.tp + c.fn);
  const specificity = c.tn + c.fp === 0 ? 0 : c.tn / (c.tn + c.fp);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    n: c.tp + c.fp + c.tn + c.fn,
    flagged: c.tp + c.fp,
    precision: round(precision),
    recall: round(recall),
    f1: round(f1),
    balanced_accuracy: round((recall + specificity) / 2),
  };
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

const claimIssues = new Map<string, number>();
// A row's issues, as the set of distinct values over its claims ("citation_ok", "unknown_source+citation_ok", …).
const rowIssues = new Map<string, number>();
const overall = empty();
const bySystem = new Map<string, Counts>();
// Each issue alone as the flag, to see which verdicts carry signal.
const byIssue = new Map<string, Counts>();
const markers = { total: 0, resolved: 0 };

rows.forEach((row, i) => {
  const result = review(row, i);
  const issues = result.verification_results.map((v) => String(v.metadata.citation_issue ?? "?"));
  for (const issue of issues) increment(claimIssues, issue);
  increment(rowIssues, [...new Set(issues)].sort().join("+") || "(no claims)");
  for (const claim of result.claims) {
    for (const c of claim.metadata.citations) {
      markers.total++;
      if (c.resolved_source_id !== null) markers.resolved++;
    }
  }
  const gold = row.label_hallucinated;
  const flagged = issues.some((issue) => !NOT_AN_ISSUE.has(issue));
  add(overall, flagged, gold);
  const system = row.meta.system ?? "?";
  if (!bySystem.has(system)) bySystem.set(system, empty());
  add(bySystem.get(system) as Counts, flagged, gold);
  for (const issue of ["unknown_source", "wrong_source", "unsupported_citation"]) {
    if (!byIssue.has(issue)) byIssue.set(issue, empty());
    add(byIssue.get(issue) as Counts, issues.includes(issue), gold);
  }
});

const sortedEntries = (map: Map<string, number>): Array<[string, number]> => [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
const summary = {
  file: basename(file),
  rows: rows.length,
  hallucinated: rows.filter((r) => r.label_hallucinated).length,
  markers,
  claim_citation_issue: Object.fromEntries(sortedEntries(claimIssues)),
  row_citation_issues: Object.fromEntries(sortedEntries(rowIssues)),
  any_issue_flags_row: metrics(overall),
  by_system: Object.fromEntries([...bySystem].sort().map(([k, v]) => [k, metrics(v)])),
  single_issue_flags_row: Object.fromEntries([...byIssue].map(([k, v]) => [k, metrics(v)])),
};

if (asJson) {
  console.log(JSON.stringify(summary, null, 2));
} else {
  const fmt = (m: ReturnType<typeof metrics>): string =>
    `P ${m.precision.toFixed(3)}  R ${m.recall.toFixed(3)}  F1 ${m.f1.toFixed(3)}  bal.acc ${m.balanced_accuracy.toFixed(3)}  (flagged ${m.flagged}/${m.n})`;
  console.log(`# ${summary.file} — ${summary.rows} rows, ${summary.hallucinated} hallucinated`);
  console.log(`markers resolved: ${markers.resolved}/${markers.total}`);
  console.log("claims by citation_issue:");
  for (const [k, v] of Object.entries(summary.claim_citation_issue)) console.log(`  ${k.padEnd(28)} ${v}`);
  console.log("rows by their claims' citation_issue values:");
  for (const [k, v] of Object.entries(summary.row_citation_issues)) console.log(`  ${k.padEnd(40)} ${v}`);
  console.log(`any citation issue flags the row    ${fmt(summary.any_issue_flags_row)}`);
  for (const [k, v] of Object.entries(summary.by_system)) console.log(`  ${k.padEnd(32)} ${fmt(v)}`);
  console.log("one issue alone flags the row:");
  for (const [k, v] of Object.entries(summary.single_issue_flags_row)) console.log(`  ${k.padEnd(32)} ${fmt(v)}`);
}
