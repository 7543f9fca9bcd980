import type { TenantEnv } from "../../env.ts";
import { isoNow } from "../../ids.ts";
import { runReview, type ReviewInput, type ReviewResult } from "../../review/index.ts";
import { recordJudgeUnavailable } from "../../review/judge-merge.ts";
import type { GateMode, IntendedUse, Strictness } from "../../schemas/enums.ts";
import { logger, withLogContext } from "../../lib/logger.ts";
import { PermanentFailure } from "../../lib/permanent-failure.ts";
import { currentJudgeBudget } from "../judge/budget.ts";
import { d1JudgeCache } from "../judge/cache.ts";
import { recordJudgeCall } from "../judge/usage.ts";
import { resolveJudge } from "../judge/config.ts";
import { judgeReview } from "../judge/run.ts";
import { OPEN_RUN_STATUS_SQL, type SourceRecord, sourcesOf } from "./store.ts";
import { artifactObjectKey, deleteRunArtifacts, newArtifactVersion, putRunArtifacts } from "./artifacts.ts";
import { packGateVerdict } from "./verdict-codec.ts";
import { announceRun } from "../webhooks/events.ts";
import { projectSettings } from "../tenancy/tenancy.ts";
import { database } from "../../db/client.ts";

export type ProcessOutcome =
  | { outcome: "completed"; result: ReviewResult; sources: SourceRecord[] }
  | { outcome: "skipped" };

interface RunRecord {
  id: string;
  project_id: string;
  organization_id: string;
  status: string;
  intended_use: IntendedUse;
  strictness: Strictness;
  semantic_judge: "auto" | "off" | "required";
  capture_method: string;
  question: string | null;
  ai_output: string | null;
  /** JSON, see StoredSource. */
  sources: string | null;
  started_at: string;
  /** Set when an earlier attempt completed the run (its ack was lost): that object is replaced. */
  artifact_version: string | null;
}


/** Below this much time left, an inline review is not started: the answer would come after the caller's deadline. */
const MIN_INLINE_BUDGET_MS = 250;

/**
 * `Prefer: wait` as a deadline: reviews the run inline, but answers null (the
 * caller then answers the usual 202) once `deadline` passes. The review keeps
 * going under `waitUntil` and its queue message remains, so the run completes
 * either way; the caller just stops waiting for it. The engine itself cannot
 * be interrupted, so its CPU bound is what limits the overshoot.
 */
export async function reviewBefore(
  env: TenantEnv,
  waitUntil: (work: Promise<unknown>) => void,
  run: { id: string; projectId: string; contents: readonly string[] },
  deadline: number,
): Promise<ProcessOutcome | null> {
  const budget = deadline - Date.now();
  if (budget < MIN_INLINE_BUDGET_MS) return null;
  const work = withLogContext({ review_run_id: run.id }, () => processReviewRun(env, run.id, run.projectId, run.contents));
  waitUntil(work.catch(() => undefined));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), budget);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reviews one run and stores what it produced: one R2 object, then the row
 * that makes it visible. Idempotent: a run that is no longer queued or
 * processing is skipped, and a retry after a crash reuses the first
 * attempt's start time as the engine's clock, so it stores the same results.
 *
 * `knownContents` (by source position) lets the inline path skip reading back
 * from R2 what it has just written there.
 */
export async function processReviewRun(
  env: TenantEnv,
  runId: string,
  projectId: string,
  knownContents?: readonly string[],
): Promise<ProcessOutcome> {
  const now = isoNow();
  // Claim the run (its sources come with it) on the organization's shard and
  // read its project from the control plane, at the same time.
  const [claimed, project] = await Promise.all([
    env.TENANT_DB.prepare(
      `UPDATE review_runs SET status = 'processing', started_at = COALESCE(started_at, ?1), updated_at = ?1
       WHERE id = ?2 AND project_id = ?3 AND status IN ${OPEN_RUN_STATUS_SQL} AND capture_method != 'private_worker'
       RETURNING id, project_id, organization_id, status, intended_use, strictness, semantic_judge, capture_method, question, ai_output, sources, started_at, artifact_version`,
    )
      .bind(now, runId, projectId)
      .all<RunRecord>(),
    projectSettings(database(env.DB), projectId),
  ]);
  const run = claimed.results[0];
  if (!run) return { outcome: "skipped" };
  if (run.ai_output === null) throw new PermanentFailure("output_unavailable", "The run has no output to review.");
  const sources = sourcesOf({ id: run.id, projectId: run.project_id, sources: run.sources });
  const gateMode = project?.gateMode ?? "advisory";

  const contents = await Promise.all(
    sources.map(async (source) => {
      const known = knownContents?.[source.position - 1];
      if (known !== undefined) return known;
      const object = await env.SOURCES.get(source.r2_key);
      if (!object) throw new PermanentFailure("source_unavailable", `Source ${source.position} is no longer available.`);
      return object.text();
    }),
  );

  const input = reviewInputOf({ ...run, ai_output: run.ai_output }, sources, contents, gateMode);
  let engineResult: ReviewResult;
  try {
    engineResult = runReview(input);
  } catch (error) {
    // The engine is a pure function of the run's text: a retry would throw the same way five times over.
    logger.error("review_engine_failed", { review_run_id: run.id, error });
    throw new PermanentFailure("engine_error", ENGINE_ERROR_MESSAGE);
  }
  const result = await withSemanticJudge(env, projectId, run.organization_id, run.semantic_judge, project?.semanticJudge ?? null, input, engineResult);

  if (!(await storeResult(env, run, result, isoNow()))) return { outcome: "skipped" };
  await announceRun(env, run.id);
  return { outcome: "completed", result, sources };
}

const ENGINE_ERROR_MESSAGE =
  "The review engine could not process this run's text. The run does not count against your allowance; contact support with the run ID.";

function reviewInputOf(run: RunRecord & { ai_output: string }, sources: SourceRecord[], contents: string[], gateMode: GateMode): ReviewInput {
  return {
    review_run_id: run.id,
    ai_output: run.ai_output,
    question: run.question,
    sources: sources.map((source, i) => ({
      id: source.id,
      title: source.title,
      content: contents[i]!,
      uri: source.uri,
      citation_label: source.citation_label,
      media_type: source.media_type,
    })),
    intended_use: run.intended_use,
    strictness: run.strictness,
    gate_mode: gateMode,
    now: run.started_at,
  };
}

/**
 * The optional second stage (docs/engine.md, "Semantic judge"). With the judge
 * off nothing is sent anywhere and the engine's result is stored untouched.
 */
async function withSemanticJudge(
  env: TenantEnv,
  projectId: string,
  organizationId: string,
  runChoice: RunRecord["semantic_judge"],
  projectSetting: string | null,
  input: ReviewInput,
  result: ReviewResult,
): Promise<ReviewResult> {
  if (runChoice === "off") return result;
  const resolved = resolveJudge(env, projectSetting);
  if (resolved.kind === "off") {
    // Only an import row can get here with `required`: the create route refuses it up front.
    if (runChoice !== "required") return result;
    return recordJudgeUnavailable(result, { status: "unavailable", provider: "none", model: "", reason: "not_configured", claims_sent: 0, attempts: 0, usage: null });
  }
  if (resolved.kind === "not_configured") {
    logger.warn("semantic_judge_not_configured", { review_run_id: input.review_run_id, provider: resolved.provider });
    const { provider, model } = resolved;
    return recordJudgeUnavailable(result, { status: "unavailable", provider, model, reason: "not_configured", claims_sent: 0, attempts: 0, usage: null });
  }
  const judged = await judgeReview(resolved.judge, input, result, resolved.options, {
    cache: { store: d1JudgeCache(env.TENANT_DB, isoNow), scope: projectId },
    admit: async () => !(await currentJudgeBudget(env, organizationId)).budget.exhausted,
    onCall: (spent) => recordJudgeCall(env.DB, organizationId, input.review_run_id, spent, isoNow()),
  });
  const record = judged.gate_verdict.metadata.semantic_judge as { status: string; reason?: string } | undefined;
  if (record?.status === "unavailable") {
    logger.warn("semantic_judge_unavailable", { review_run_id: input.review_run_id, provider: resolved.judge.provider, reason: record.reason });
  }
  return judged;
}

/**
 * Object first, then the row: the completion is conditioned on the run still
 * being `processing`, so a run failed or cancelled while the engine ran (by
 * the sweeper, the dead-letter consumer or a cancel) keeps no results from
 * the attempt that lost the race, and that attempt removes its own object.
 * A crash between the two leaves an object no row names, under the run's
 * prefix, where deleting the run removes it.
 */
async function storeResult(env: TenantEnv, run: RunRecord, result: ReviewResult, completedAt: string): Promise<boolean> {
  const version = newArtifactVersion();
  const key = artifactObjectKey(run.project_id, run.id, version);
  await putRunArtifacts(env.SOURCES, key, {
    claims: result.claims,
    source_spans: result.source_spans,
    verification_results: result.verification_results,
    claim_report: result.claim_report,
  });
  const completed = await env.TENANT_DB.prepare(
    `UPDATE review_runs SET status = 'completed', claim_count = ?, unsupported_claim_count = ?, safe_use_status = ?,
       gate_verdict = ?, artifact_version = ?, completed_at = ?, updated_at = ?, error_code = NULL, error_message = NULL
     WHERE id = ? AND status = 'processing'`,
  )
    .bind(
      result.claim_count,
      result.unsupported_claim_count,
      result.safe_use_status,
      packGateVerdict(result.gate_verdict, {
        id: run.id,
        safeUseStatus: result.safe_use_status,
        strictness: run.strictness,
        intendedUse: run.intended_use,
        startedAt: run.started_at,
      }),
      version,
      completedAt,
      completedAt,
      run.id,
    )
    .run();
  if ((completed.meta.changes ?? 0) === 0) {
    await deleteRunArtifacts(env.SOURCES, key);
    return false;
  }
  if (run.artifact_version !== null && run.artifact_version !== version) {
    await deleteRunArtifacts(env.SOURCES, artifactObjectKey(run.project_id, run.id, run.artifact_version));
  }
  return true;
}

/**
 * Terminal failure with a code and a message fit for the caller: no internals.
 * Every failure recorded here is Kivo's, not the caller's (the input passed
 * validation when the run was created), so the run is given back to the
 * allowance of the period it was created in. The conditional update lets
 * exactly one caller make the transition, so the run is given back once.
 */
export async function failRun(env: TenantEnv, runId: string, code: string, message: string): Promise<boolean> {
  const now = isoNow();
  const failed = await env.TENANT_DB.prepare(
    `UPDATE review_runs SET status = 'failed', error_code = ?, error_message = ?, completed_at = ?, updated_at = ?
     WHERE id = ? AND status IN ${OPEN_RUN_STATUS_SQL}
     RETURNING organization_id, created_at`,
  )
    .bind(code, message, now, now, runId)
    .first<{ organization_id: string; created_at: string }>();
  if (!failed) return false;
  logger.warn("review_run_failed", { review_run_id: runId, error_code: code });
  await announceRun(env, runId);
  try {
    await env.TENANT_DB.prepare(
      "UPDATE usage_counters SET used = max(used - 1, 0) WHERE organization_id = ? AND period_start <= ? AND period_end > ?",
    )
      .bind(failed.organization_id, failed.created_at, failed.created_at)
      .run();
  } catch (error) {
    logger.error("allowance_refund_failed", { review_run_id: runId, error });
  }
  return true;
}
