// Runs in the vitest main process around the whole suite: starts a fresh log
// report, and fails the run if any captured console line leaked a secret or
// submitted text (lines are recorded by `onConsoleLog` in vitest.config.ts).
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { LOG_REPORT } from "./patterns.ts";

export default function setup() {
  mkdirSync(dirname(LOG_REPORT), { recursive: true });
  rmSync(LOG_REPORT, { force: true });
  return () => {
    const records = existsSync(LOG_REPORT)
      ? readFileSync(LOG_REPORT, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as { leak?: string; line?: string })
      : [];
    const leaks = records.filter((record) => record.leak);
    console.log(`log hygiene: ${records.length} log lines scanned, ${leaks.length} leaking`);
    if (leaks.length > 0) {
      const sample = leaks.slice(0, 5).map((leak) => `  ${leak.leak}: ${leak.line}`).join("\n");
      throw new Error(`Log lines leaked secrets or submitted text:\n${sample}`);
    }
  };
}
