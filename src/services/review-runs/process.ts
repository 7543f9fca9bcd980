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
import { type SourceRecord, runIsHosted, runIsOpen, sourcesOf } from "./store.ts";
import { artifactObjectKey, deleteRunArtifacts, newArtifactVersion, putRunArtifacts } from "./artifacts.ts";
import { packGateVerdict } from "./verdict-codec.ts";
import { announceRun } from "../webhooks/events.ts";
import { projectSettings } from "../tenancy/tenancy.ts";
import { database } from "../../db/client.ts";
import { reviewRuns, usageCounters } from "../../db/schema.ts";
import { and, eq, gt, lte, sql } from "drizzle-orm";

export type ProcessOutcome =
  | { outcome: "completed"; result: ReviewResult; sources: SourceRecord[] }
  | { outcome: "skipped" };

/** What a claimed run carries into the review. */
const claimedColumns = {
  id: reviewRuns.id,
  projectId: reviewRuns.projectId,
  organizationId: reviewRuns.organizationId,
  intendedUse: reviewRuns.intendedUse,
  strictness: reviewRuns.strictness,
  semanticJudge: reviewRuns.semanticJudge,
  question: reviewRuns.question,
  aiOutput: reviewRuns.aiOutput,
  /** JSON, see StoredSource. */
  sources: reviewRuns.sources,
  startedAt: reviewRuns.startedAt,
  /** Set when an earlier attempt completed the run (its ack was lost): that object is replaced. */
  artifactVersion: reviewRuns.artifactVersion,
};
interface RunRecord {
  id: string;
  projectId: string;
  organizationId: string;
  intendedUse: IntendedUse;
  strictness: Strictness;
  semanticJudge: "auto" | "off" | "required";
  question: string | null;
  aiOutput: string | null;
  sources: string | null;
  /** The claim sets it, so a claimed run always has one. */
  startedAt: string;
  artifactVersion: string | null;
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
    database(env.TENANT_DB)
      .update(reviewRuns)
      .set({ status: "processing", startedAt: sql`coalesce(${reviewRuns.startedAt}, ${now})`, updatedAt: now })
      .where(and(eq(reviewRuns.id, runId), eq(reviewRuns.projectId, projectId), runIsOpen, runIsHosted))
      .returning(claimedColumns),
    projectSettings(database(env.DB), projectId),
  ]);
  const run = claimed[0] as RunRecord | undefined;
  if (!run) return { outcome: "skipped" };
  if (run.aiOutput === null) throw new PermanentFailure("output_unavailable", "The run has no output to review.");
  const sources = sourcesOf(run);
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

  const input = reviewInputOf({ ...run, aiOutput: run.aiOutput }, sources, contents, gateMode);
  let engineResult: ReviewResult;
  try {
    engineResult = runReview(input);
  } catch (error) {
    // The engine is a pure function of the run's text: a retry would throw the same way five times over.
    logger.error("review_engine_failed", { review_run_id: run.id, error });
    throw new PermanentFailure("engine_error", ENGINE_ERROR_MESSAGE);
  }
  const result = await withSemanticJudge(env, projectId, run.organizationId, run.semanticJudge, project?.semanticJudge ?? null, input, engineResult);

  if (!(await storeResult(env, run, result, isoNow()))) return { outcome: "skipped" };
  await announceRun(env, run.id);
  return { outcome: "completed", result, sources };
}

const ENGINE_ERROR_MESSAGE =
  "The review engine could not process this run's text. The run does not count against your allowance; contact support with the run ID.";

function reviewInputOf(run: RunRecord & { aiOutput: string }, sources: SourceRecord[], contents: string[], gateMode: GateMode): ReviewInput {
  return {
    review_run_id: run.id,
    ai_output: run.aiOutput,
    question: run.question,
    sources: sources.map((source, i) => ({
      id: source.id,
      title: source.title,
      content: contents[i]!,
      uri: source.uri,
      citation_label: source.citation_label,
      media_type: source.media_type,
    })),
    intended_use: run.intendedUse,
    strictness: run.strictness,
    gate_mode: gateMode,
    now: run.startedAt,
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
  runChoice: RunRecord["semanticJudge"],
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
    cache: { store: d1JudgeCache(database(env.TENANT_DB), isoNow), scope: projectId },
    admit: async () => !(await currentJudgeBudget(env, organizationId)).budget.exhausted,
    onCall: (spent) => recordJudgeCall(database(env.DB), organizationId, input.review_run_id, spent, isoNow()),
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
  const key = artifactObjectKey(run.projectId, run.id, version);
  await putRunArtifacts(env.SOURCES, key, {
    claims: result.claims,
    source_spans: result.source_spans,
    verification_results: result.verification_results,
    claim_report: result.claim_report,
  });
  const completed = await database(env.TENANT_DB)
    .update(reviewRuns)
    .set({
      status: "completed",
      claimCount: result.claim_count,
      unsupportedClaimCount: result.unsupported_claim_count,
      safeUseStatus: result.safe_use_status,
      gateVerdict: packGateVerdict(result.gate_verdict, {
        id: run.id,
        safeUseStatus: result.safe_use_status,
        strictness: run.strictness,
        intendedUse: run.intendedUse,
        startedAt: run.startedAt,
      }),
      artifactVersion: version,
      completedAt,
      updatedAt: completedAt,
      errorCode: null,
      errorMessage: null,
    })
    .where(and(eq(reviewRuns.id, run.id), eq(reviewRuns.status, "processing")))
    .run();
  if ((completed.meta.changes ?? 0) === 0) {
    await deleteRunArtifacts(env.SOURCES, key);
    return false;
  }
  if (run.artifactVersion !== null && run.artifactVersion !== version) {
    await deleteRunArtifacts(env.SOURCES, artifactObjectKey(run.projectId, run.id, run.artifactVersion));
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
  const db = database(env.TENANT_DB);
  const [failed] = await db
    .update(reviewRuns)
    .set({ status: "failed", errorCode: code, errorMessage: message, completedAt: now, updatedAt: now })
    .where(and(eq(reviewRuns.id, runId), runIsOpen))
    .returning({ organizationId: reviewRuns.organizationId, createdAt: reviewRuns.createdAt });
  if (!failed) return false;
  logger.warn("review_run_failed", { review_run_id: runId, error_code: code });
  await announceRun(env, runId);
  try {
    // The allowance lives on the primary database, whichever shard holds the run.
    await database(env.DB)
      .update(usageCounters)
      .set({ used: sql`max(${usageCounters.used} - 1, 0)` })
      .where(
        and(
          eq(usageCounters.organizationId, failed.organizationId),
          lte(usageCounters.periodStart, failed.createdAt),
          gt(usageCounters.periodEnd, failed.createdAt),
        ),
      );
  } catch (error) {
    logger.error("allowance_refund_failed", { review_run_id: runId, error });
  }
  return true;
}
