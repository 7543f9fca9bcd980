import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { type ReviewInput, type ReviewResult, runReview } from "../review/index.ts";
import { openAiCompatibleJudge } from "../services/judge/openai-compatible.ts";
import { DEFAULT_JUDGE_OPTIONS, judgeReview } from "../services/judge/run.ts";
import { KivoClient } from "./client.ts";
import { CliError, EXIT_USAGE } from "./errors.ts";
import { sha256Label } from "./hashes.ts";
import { type Packet, readPacket } from "./packet.ts";
import { type WrittenFile, writeReportFiles } from "./report-files.ts";

export interface ReviewOptions {
  packet: string;
  out: string;
  runId: string | undefined;
  credential: string | undefined;
  apiKey: string | undefined;
  apiBase: string | undefined;
  customerRunId: string | undefined;
  workerId: string | undefined;
  storagePrefix: string;
  offline: boolean;
  /** The semantic judge: the customer's own OpenAI-compatible endpoint, or none. */
  judge: JudgeOptions | null;
}

export interface JudgeOptions {
  url: string;
  model: string;
  apiKey: string | undefined;
  timeoutMs: number;
}

export interface ReviewSummary {
  review_run_id: string | null;
  status: "completed" | "reviewed_offline";
  gate_verdict: string;
  safe_use_status: string;
  claim_count: number;
  unsupported_claim_count: number;
  output_hash: string;
  source_hashes: string[];
  files: string[];
  semantic_judge: { status: string; reason?: string; claims_changed?: number } | null;
}

export type Log = (line: string) => void;

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
export const WORKER_VERSION = `kivo-worker/${PACKAGE_VERSION}`;

/** Where a run's events go and with which credential. */
interface RunTarget {
  client: KivoClient;
  runId: string;
  credential: string;
}

function hashesOf(packet: Packet) {
  return { output_hash: sha256Label(packet.ai_output), source_hashes: packet.sources.map((s) => sha256Label(s.content)) };
}

type TargetPlan =
  | { kind: "offline" }
  | { kind: "existing"; client: KivoClient; runId: string; credential: string }
  | { kind: "create"; client: KivoClient; apiKey: string };

/** Decides where events go from the options alone, so a usage error surfaces before anything is read or sent. */
function planTarget(options: ReviewOptions): TargetPlan {
  if (options.offline) return { kind: "offline" };
  if (!options.apiBase) throw new CliError("set --api-base or KIVO_API_BASE_URL (or use --offline)", EXIT_USAGE);
  const client = new KivoClient(options.apiBase);
  if (options.runId) {
    if (!options.credential) throw new CliError("--run-id needs the run's credential: --credential or KIVO_WORKER_CREDENTIAL", EXIT_USAGE);
    return { kind: "existing", client, runId: options.runId, credential: options.credential };
  }
  if (!options.apiKey) {
    throw new CliError("give --run-id with its credential, or set KIVO_API_KEY to create the run (or use --offline)", EXIT_USAGE);
  }
  return { kind: "create", client, apiKey: options.apiKey };
}

/** The run to report to: the given one, or a new metadata-only run created from the packet's hashes. */
async function openTarget(plan: TargetPlan, options: ReviewOptions, packet: Packet, log: Log): Promise<RunTarget | null> {
  if (plan.kind === "offline") return null;
  if (plan.kind === "existing") return plan;
  const { output_hash, source_hashes } = hashesOf(packet);
  const created = await plan.client.createRun(plan.apiKey, {
    schema_version: "kivo_private_worker_review_run_create.v1",
    customer_run_id: options.customerRunId ?? packet.customer_run_id ?? packet.external_id ?? `kivo-worker-${randomUUID()}`,
    ...(packet.workflow_id ? { workflow_id: packet.workflow_id } : {}),
    ...(packet.workflow_name ? { workflow_name: packet.workflow_name } : {}),
    ...(packet.title ? { title: packet.title } : {}),
    intended_use: packet.intended_use,
    strictness: packet.strictness,
    source_count: packet.sources.length,
    source_hashes,
    output_hash,
    ...(options.workerId ? { worker_id: options.workerId } : {}),
    worker_version: WORKER_VERSION,
    ...(packet.metadata ? { metadata: packet.metadata } : {}),
    // Long enough for one review; the credential is useless afterwards.
    credential_ttl_seconds: 3600,
  }, `kivo-worker-${randomUUID()}`);
  log(`created run ${created.review_run.id}`);
  if (!created.worker_credential) throw new CliError(`run ${created.review_run.id} was revoked or finished before this worker got a credential`, 1);
  return { client: plan.client, runId: created.review_run.id, credential: created.worker_credential.token };
}

/** Reports a failure to Kivo by category only; a failure to report must not hide the original one. */
async function reportFailure(target: RunTarget | null, eventPrefix: string, categories: string[], log: Log): Promise<void> {
  if (!target) return;
  try {
    await target.client.sendEvent(target.runId, target.credential, {
      event_type: "failed",
      event_id: `${eventPrefix}.failed`,
      occurred_at: new Date().toISOString(),
      review_run_id: target.runId,
      worker_version: WORKER_VERSION,
      redacted_failure_categories: categories,
    });
    log(`reported the failure to Kivo (${categories.join(", ")})`);
  } catch (error) {
    log(`could not report the failure to Kivo: ${error instanceof CliError ? error.message : "unexpected error"}`);
  }
}

function storagePointer(prefix: string, file: WrittenFile): string {
  const pointer = `${prefix}${file.name}`;
  if (pointer.length > 256) throw new CliError("--storage-prefix is too long (pointers are at most 256 characters)", EXIT_USAGE);
  return pointer;
}

/**
 * `kivo-worker review`: read the packet, review it here with the same engine
 * as the hosted API, write the report locally, and tell Kivo only metadata —
 * `status`, then `completed` (or `failed` with categories).
 */
export async function reviewCommand(options: ReviewOptions, log: Log): Promise<ReviewSummary> {
  // Check the whole invocation before anything is read, created or sent.
  const plan = planTarget(options);
  storagePointer(options.storagePrefix, { kind: "", name: "review-artifacts.json", path: "", sha256: "", count: 0 });

  const eventPrefix = `kw_${randomUUID()}`;
  let packet: Packet;
  try {
    packet = await readPacket(options.packet);
  } catch (error) {
    // A run created beforehand would otherwise wait forever; no run is created for a bad packet.
    if (plan.kind === "existing") await reportFailure(plan, eventPrefix, ["packet_invalid"], log);
    throw error;
  }
  const { output_hash, source_hashes } = hashesOf(packet);
  const target = await openTarget(plan, options, packet, log);
  const runId = target?.runId ?? "run_offline";

  if (target) {
    await target.client.sendEvent(target.runId, target.credential, {
      event_type: "status",
      event_id: `${eventPrefix}.status`,
      occurred_at: new Date().toISOString(),
      review_run_id: target.runId,
      status: "processing",
      output_hash,
      source_hashes,
      worker_version: WORKER_VERSION,
    });
    log(`run ${target.runId} is processing`);
  }

  const input: ReviewInput = {
    review_run_id: runId,
    ai_output: packet.ai_output,
    question: packet.question ?? null,
    sources: packet.sources.map((source, i) => ({
      id: `${runId}_source_${i + 1}`,
      title: source.title,
      content: source.content,
      uri: source.uri ?? null,
      citation_label: source.citation_label ?? `source ${i + 1}`,
      media_type: source.media_type,
    })),
    intended_use: packet.intended_use,
    strictness: packet.strictness,
    gate_mode: "advisory",
    now: new Date().toISOString(),
  };
  let result: ReviewResult;
  try {
    result = runReview(input);
  } catch (error) {
    await reportFailure(target, eventPrefix, ["engine_error"], log);
    throw new CliError(`the review engine failed (${error instanceof Error ? error.name : "error"})`);
  }
  if (options.judge) {
    // The judge sees claim and source text; it goes only to the endpoint the customer named, never to Kivo.
    const judge = openAiCompatibleJudge({ baseUrl: options.judge.url, model: options.judge.model, apiKey: options.judge.apiKey });
    result = await judgeReview(judge, input, result, { ...DEFAULT_JUDGE_OPTIONS, timeoutMs: options.judge.timeoutMs });
  }
  const judgeRecord = (result.gate_verdict.metadata.semantic_judge ?? null) as ReviewSummary["semantic_judge"];
  if (judgeRecord) {
    const detail = judgeRecord.status === "applied" ? `${judgeRecord.claims_changed ?? 0} claim(s) changed` : (judgeRecord.reason ?? "");
    log(`semantic judge: ${judgeRecord.status} (${detail})`);
  }

  let files: WrittenFile[];
  try {
    files = await writeReportFiles(options.out, result);
  } catch (error) {
    await reportFailure(target, eventPrefix, ["report_write_failed"], log);
    const code = (error as { code?: string }).code;
    throw new CliError(`could not write the report to ${options.out}${code ? ` (${code})` : ""}`);
  }
  for (const file of files) log(`wrote ${file.path}`);

  if (target) {
    await target.client.sendEvent(target.runId, target.credential, {
      event_type: "completed",
      event_id: `${eventPrefix}.completed`,
      occurred_at: new Date().toISOString(),
      review_run_id: target.runId,
      gate_verdict: result.gate_verdict.verdict,
      claim_count: result.claim_count,
      unsupported_claim_count: result.unsupported_claim_count,
      output_hash,
      source_hashes,
      worker_version: WORKER_VERSION,
      policy_version: result.gate_verdict.metadata.policy_version,
      artifact_summaries: files.map((file) => ({
        kind: file.kind,
        count: file.count,
        sha256: file.sha256,
        storage_pointer: storagePointer(options.storagePrefix, file),
      })),
    });
  }
  log(
    `${target ? `run ${target.runId} completed` : "reviewed offline"}: ${result.gate_verdict.verdict} (${result.safe_use_status}), ` +
      `${result.claim_count} claims, ${result.unsupported_claim_count} unsupported or contradicted`,
  );
  return {
    review_run_id: target?.runId ?? null,
    status: target ? "completed" : "reviewed_offline",
    gate_verdict: result.gate_verdict.verdict,
    safe_use_status: result.safe_use_status,
    claim_count: result.claim_count,
    unsupported_claim_count: result.unsupported_claim_count,
    output_hash,
    source_hashes,
    files: files.map((file) => file.path),
    semantic_judge: judgeRecord === null ? null : { status: judgeRecord.status, ...(judgeRecord.reason ? { reason: judgeRecord.reason } : {}), ...(judgeRecord.claims_changed !== undefined ? { claims_changed: judgeRecord.claims_changed } : {}) },
  };
}
