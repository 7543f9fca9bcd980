import { parseArgs } from "node:util";
import { CliError, EXIT_USAGE, describeUnexpected } from "./errors.ts";
import { WORKER_VERSION, reviewCommand } from "./review-command.ts";

export const USAGE = `Usage: kivo-worker review --packet <packet.json> --out <folder> [options]

Reviews one AI output against its sources on this machine, writes
claim-report.json, claim-report.md and review-artifacts.json to <folder>, and
sends Kivo metadata only: hashes, counts, the verdict and versions. The output
and source text never leave this machine, except to the judge endpoint you
name with --judge.

Where the events go (one of):
  --run-id <run_…>        a run created beforehand; its credential in
                          KIVO_WORKER_CREDENTIAL (or --credential <token>)
  KIVO_API_KEY            (env) create the run here, with a key holding
                          private_worker_runs:create
  --offline               review and write the report, send nothing

Options:
  --api-base <url>        Kivo API base URL (default: KIVO_API_BASE_URL)
  --customer-run-id <id>  your ID for a run created here (default: the packet's)
  --worker-id <id>        a label for this worker, sent as metadata
  --storage-prefix <p>    prefix of the storage pointers reported for the files
                          (default: "local:")
  --judge <provider>      semantic judge for the claims the engine is unsure
                          of: off (default) or openai-compatible. It sends
                          those claims and source excerpts to --judge-url,
                          and nowhere else (docs/engine.md)
  --judge-url <url>       OpenAI-compatible base URL, e.g.
                          http://localhost:11434/v1 (default: KIVO_JUDGE_BASE_URL)
  --judge-model <name>    model the endpoint serves (default: KIVO_JUDGE_MODEL)
  KIVO_JUDGE_API_KEY      (env) the endpoint's API key, if it needs one
  --judge-timeout-ms <n>  the judge's budget (default: 20000)
  --json                  print a JSON summary on stdout
  -h, --help              this help

Packet: {"ai_output", "sources": [{"title", "content", "uri"?, "citation_label"?}],
         "intended_use", "strictness"?, "question"?, "customer_run_id"?, "title"?,
         "workflow_id"?, "workflow_name"?, "metadata"?}
`;

export interface Io {
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs the CLI and returns its exit code; every message goes through `io`. */
export async function main(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        packet: { type: "string" },
        out: { type: "string" },
        "run-id": { type: "string" },
        credential: { type: "string" },
        "api-base": { type: "string" },
        "customer-run-id": { type: "string" },
        "worker-id": { type: "string" },
        "storage-prefix": { type: "string" },
        offline: { type: "boolean", default: false },
        judge: { type: "string" },
        "judge-url": { type: "string" },
        "judge-model": { type: "string" },
        "judge-timeout-ms": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    // parseArgs names the option, never its value.
    io.err(`kivo-worker: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(`${WORKER_VERSION}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : EXIT_USAGE;
  }
  if (positionals[0] !== "review" || positionals.length > 1) {
    io.err(`kivo-worker: unknown command; the command is \`review\`\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (!values.packet || !values.out) {
    io.err(`kivo-worker: review needs --packet and --out\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  const judgeProvider = values.judge ?? "off";
  if (judgeProvider !== "off" && judgeProvider !== "openai-compatible") {
    // Workers AI is a binding inside Cloudflare; a customer's machine has none.
    io.err(`kivo-worker: --judge is off or openai-compatible\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const judgeUrl = values["judge-url"] ?? io.env.KIVO_JUDGE_BASE_URL;
  const judgeModel = values["judge-model"] ?? io.env.KIVO_JUDGE_MODEL;
  const judgeTimeout = Number(values["judge-timeout-ms"] ?? 20_000);
  if (judgeProvider === "openai-compatible" && (!judgeUrl || !judgeModel || !Number.isFinite(judgeTimeout) || judgeTimeout <= 0)) {
    io.err(`kivo-worker: --judge openai-compatible needs --judge-url and --judge-model (and a positive --judge-timeout-ms)\n\n${USAGE}`);
    return EXIT_USAGE;
  }

  // With --json, stdout carries only the summary; progress goes to stderr.
  const log = (line: string) => (values.json ? io.err : io.out)(`kivo-worker: ${line}\n`);
  try {
    const summary = await reviewCommand(
      {
        packet: values.packet,
        out: values.out,
        runId: values["run-id"],
        credential: values.credential ?? io.env.KIVO_WORKER_CREDENTIAL,
        apiKey: io.env.KIVO_API_KEY,
        apiBase: values["api-base"] ?? io.env.KIVO_API_BASE_URL,
        customerRunId: values["customer-run-id"],
        workerId: values["worker-id"],
        storagePrefix: values["storage-prefix"] ?? "local:",
        offline: values.offline,
        judge:
          judgeProvider === "openai-compatible"
            ? { url: judgeUrl!, model: judgeModel!, apiKey: io.env.KIVO_JUDGE_API_KEY, timeoutMs: judgeTimeout }
            : null,
      },
      log,
    );
    if (values.json) io.out(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  } catch (error) {
    io.err(`kivo-worker: ${describeUnexpected(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
