import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { expect } from "vitest";
import type { z } from "zod";
import { ClaimListSchema, ReviewRunSchema } from "../../src/schemas/review-run.ts";
import { api, root } from "./helpers.ts";

type ReviewRun = z.output<typeof ReviewRunSchema>;

/** CI sets CI=true: there a missing client tool fails its test instead of skipping it. */
export const inCi = process.env.CI === "true" || process.env.CI === "1";

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a client as a user would: its own process, in the repository, with only the environment given. */
export function runProcess(command: string, args: string[], env: Record<string, string>, timeoutMs = 120_000, cwd = root) {
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LANG: "C.UTF-8", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `name: value` lines the examples print. */
export function linesOf(stdout: string, name: string): string[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith(`${name}: `))
    .map((line) => line.slice(name.length + 2));
}

export function lineOf(stdout: string, name: string): string {
  const values = linesOf(stdout, name);
  expect(values, `"${name}:" in\n${stdout}`).toHaveLength(1);
  return values[0]!;
}

/** A Python 3 that can import `requests`: the one on PATH, else Debian's (`python3-requests`). */
export function pythonWithRequests(): string | null {
  return pythonWith("requests");
}

/** A Python 3 that can import every module named: the one on PATH, else Debian's /usr/bin/python3. */
export function pythonWith(...modules: string[]): string | null {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    if (candidate.startsWith("/") && !existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ["-c", modules.map((name) => `import ${name}`).join("; ")], { stdio: "ignore" });
    if (probe.status === 0) return candidate;
  }
  return null;
}

export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** The run and its claims as the API reports them, read directly (not through the client under test). */
export async function runWithClaims(runId: string) {
  const run = await api(`/v1/review-runs/${runId}`, {}, ReviewRunSchema);
  const claims = await api(`/v1/review-runs/${runId}/claims`, {}, ClaimListSchema);
  expect(run.status).toBe(200);
  expect(claims.status).toBe(200);
  return { run: run.body, claims: claims.body.items };
}

/** Polls like a client would, until the run leaves queued/processing. */
export async function waitForRun(runId: string): Promise<ReviewRun> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const { body } = await api(`/v1/review-runs/${runId}`, {}, ReviewRunSchema);
    if (body.status !== "queued" && body.status !== "processing") return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${runId} did not finish`);
}
