import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ReviewResult } from "../review/index.ts";
import { sha256Label } from "./hashes.ts";

// The detailed review stays here, in the customer's folder. Kivo only learns
// each file's kind, hash and an opaque pointer to it.

export interface WrittenFile {
  kind: string;
  name: string;
  path: string;
  sha256: string;
  count: number;
}

async function writeAtomically(path: string, content: string): Promise<void> {
  // Written beside the target and renamed, so a reader never sees half a report.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, { encoding: "utf8", mode: 0o640 });
  await rename(temporary, path);
}

export async function writeReportFiles(outDir: string, result: ReviewResult): Promise<WrittenFile[]> {
  await mkdir(outDir, { recursive: true });
  const files = [
    { kind: "claim_report", name: "claim-report.json", content: `${JSON.stringify(result.claim_report, null, 2)}\n`, count: 1 },
    { kind: "claim_report_markdown", name: "claim-report.md", content: result.claim_report.markdown, count: 1 },
    {
      kind: "review_artifacts",
      name: "review-artifacts.json",
      content: `${JSON.stringify(
        {
          review_run_id: result.gate_verdict.review_run_id,
          gate_verdict: result.gate_verdict,
          claims: result.claims,
          verification_results: result.verification_results,
          source_spans: result.source_spans,
        },
        null,
        2,
      )}\n`,
      count: result.claims.length,
    },
  ];
  const written: WrittenFile[] = [];
  for (const file of files) {
    const path = join(outDir, file.name);
    await writeAtomically(path, file.content);
    written.push({ kind: file.kind, name: file.name, path, sha256: sha256Label(file.content), count: file.count });
  }
  return written;
}
