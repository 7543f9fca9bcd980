import { type SQL, and, eq, inArray } from "drizzle-orm";
import { insertRowWhile } from "../../db/insert-while.ts";
import type { TenantEnv } from "../../env.ts";
import { reviewRuns } from "../../db/schema.ts";
import { asStatement, database } from "../../db/client.ts";
import { ApiError } from "../../errors.ts";
import { isoNow, newReviewRunId } from "../../ids.ts";
import type { ReviewQueueMessage } from "../../schemas/queue-messages.ts";
import type { ReviewRunInput } from "../../schemas/review-run-input.ts";
import type { CaptureMethod } from "../../schemas/enums.ts";
import { reserveReviewRuns } from "../billing/allowance.ts";
import type { AuthContext } from "../tenancy/auth.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { deleteAll, inGroups, putAll, sendInBatches } from "../../lib/batches.ts";
import { currentRequestId, logger } from "../../lib/logger.ts";
import { type StoredSource, newRunRow, sourceObjectKey } from "./store.ts";


export interface CreatedRun {
  run: typeof reviewRuns.$inferSelect;
}

export interface CreateOptions {
  captureMethod: CaptureMethod;
  importId?: string | null;
  /** Sends the queue messages (true) or leaves that to the caller (imports processed in chunks). */
  enqueue?: boolean;
  /** One fixed ID per input instead of random ones (imports derive them from the import and the row). */
  runIds?: readonly string[];
  /**
   * Statements committed in the same D1 batch as the last runs, e.g. the
   * Idempotency-Key's stored answer, so the runs never exist without it.
   */
  commitWith?: (runs: (typeof reviewRuns.$inferSelect)[]) => D1PreparedStatement[];
}

/** Whose runs these are: the authenticated key, or an import's owner in its queue consumer. */
export type RunOwner = Pick<AuthContext, "organizationId" | "projectId">;

/** D1 bounds the statements of one batch; runs are written in groups that stay well under it. */
const RUNS_PER_BATCH = 20;

/**
 * Creates review runs all-or-nothing: allowance reserved, source contents in
 * R2, run and source rows in D1 batches, then one queue message per run. A
 * failure at any step removes what the earlier steps wrote and gives the
 * allowance back, so a failed request leaves no partial run behind.
 */
export async function createReviewRuns(
  env: TenantEnv,
  auth: RunOwner,
  inputs: ReviewRunInput[],
  options: CreateOptions,
): Promise<(typeof reviewRuns.$inferSelect)[]> {
  if (options.runIds && options.runIds.length !== inputs.length) throw new Error("createReviewRuns needs one run ID per input");
  const reservation = await reserveReviewRuns(env, auth.organizationId, inputs.length);
  const now = isoNow();
  const planned = await Promise.all(
    inputs.map((input, i) => planRun(auth, input, options.runIds?.[i] ?? newReviewRunId(), options, now)),
  );
  const writtenObjects: string[] = [];
  const writtenRunIds: string[] = [];
  try {
    writtenObjects.push(...(await putSourceObjects(env, planned)));
    const commitWith = options.commitWith?.(planned.map(({ run }) => run as typeof reviewRuns.$inferSelect)) ?? [];
    await insertRuns(env, planned, { ignoreExisting: false, commitWith }, writtenRunIds);
    if (options.enqueue !== false) await enqueueRuns(env, planned.map(({ run }) => ({ id: run.id, projectId: run.projectId })));
  } catch (error) {
    await rollBack(env, writtenRunIds, writtenObjects);
    await reservation.release();
    if (error instanceof ApiError) throw error;
    logger.error("run_creation_failed", { project_id: auth.projectId, runs: inputs.length, error });
    throw new ApiError("service_unavailable", { message: "The review run could not be stored. Nothing was created; retry the request." });
  }
  return planned.map(({ run }) => run as typeof reviewRuns.$inferSelect);
}

/**
 * Creates runs under fixed IDs for work that a queue retries until it
 * succeeds (the chunks of an asynchronous import), so running it twice is the
 * same as running it once. The caller reserved the allowance for the whole
 * batch. Runs whose ID already exists are left as written, and a failure is
 * not rolled back: the retry writes the same IDs and contents again. Every
 * run's review message is sent again, because a crash may have come between
 * the write and the send; the review consumer is idempotent.
 *
 * Returns how many runs this call created.
 */
export async function resumeReviewRuns(
  env: TenantEnv,
  owner: RunOwner,
  inputs: ReviewRunInput[],
  runIds: readonly string[],
  options: Omit<CreateOptions, "runIds"> & { onlyWhile: WriteCondition },
): Promise<number> {
  if (runIds.length !== inputs.length) throw new Error("resumeReviewRuns needs one run ID per input");
  const existing = await existingRunIds(env, owner.projectId, runIds);
  const now = isoNow();
  const planned = await Promise.all(
    inputs.flatMap((input, i) => (existing.has(runIds[i]!) ? [] : [planRun(owner, input, runIds[i]!, options, now)])),
  );
  await putSourceObjects(env, planned, { rollBack: false });
  await insertRuns(env, planned, { ignoreExisting: true, onlyWhile: options.onlyWhile }, []);
  if (options.enqueue !== false) await enqueueRuns(env, runIds.map((id) => ({ id, projectId: owner.projectId })));
  return planned.length;
}

type PlannedRun = Awaited<ReturnType<typeof planRun>>;

function putSourceObjects(env: TenantEnv, planned: PlannedRun[], options?: { rollBack?: boolean }): Promise<string[]> {
  const objects = planned.flatMap(({ objects }) => objects.map(({ key, content }) => ({ key, body: content, contentType: "text/plain; charset=utf-8" })));
  return putAll(env.SOURCES, objects, options);
}

/**
 * A condition checked by every insert in the same statement that writes the
 * row: while it is false nothing is written, so a run can never appear after,
 * say, its import was cancelled.
 */
export type WriteCondition = SQL;

async function insertRuns(
  env: TenantEnv,
  planned: PlannedRun[],
  options: { ignoreExisting: boolean; commitWith?: D1PreparedStatement[]; onlyWhile?: WriteCondition },
  written: string[],
) {
  const db = database(env.TENANT_DB);
  for (let i = 0; i < planned.length; i += RUNS_PER_BATCH) {
    const group = planned.slice(i, i + RUNS_PER_BATCH);
    const statements = group.map(({ run }) =>
      options.ignoreExisting ? db.insert(reviewRuns).values(run).onConflictDoNothing() : db.insert(reviewRuns).values(run),
    );
    const last = i + RUNS_PER_BATCH >= planned.length;
    if (options.onlyWhile) {
      const condition = options.onlyWhile;
      const [first, ...rest] = group.map(({ run }) => insertRowWhile(db, reviewRuns, run, condition));
      await db.batch([first!, ...rest]);
    } else if (last && options.commitWith?.length) {
      await env.TENANT_DB.batch([...statements.map((statement) => asStatement(env.TENANT_DB, statement)), ...options.commitWith]);
    } else {
      await db.batch(statements as [(typeof statements)[0], ...typeof statements]);
    }
    written.push(...group.map(({ run }) => run.id));
  }
}

/** D1 binds at most 100 parameters per statement. */
const IDS_PER_LOOKUP = 90;

async function existingRunIds(env: TenantEnv, projectId: string, runIds: readonly string[]): Promise<Set<string>> {
  const db = database(env.TENANT_DB);
  const found = new Set<string>();
  for (const ids of inGroups(runIds, IDS_PER_LOOKUP)) {
    const rows = await db
      .select({ id: reviewRuns.id })
      .from(reviewRuns)
      .where(and(eq(reviewRuns.projectId, projectId), inArray(reviewRuns.id, ids)));
    for (const row of rows) found.add(row.id);
  }
  return found;
}

export async function enqueueRuns(env: TenantEnv, runs: { id: string; projectId: string }[]): Promise<void> {
  const messages = runs.map(({ id, projectId }) => ({
    body: { kind: "review_run", review_run_id: id, project_id: projectId, request_id: currentRequestId() } satisfies ReviewQueueMessage,
    contentType: "json" as const,
  }));
  await sendInBatches(env.REVIEW_QUEUE, messages);
}

async function planRun(auth: RunOwner, input: ReviewRunInput, runId: string, options: CreateOptions, now: string) {
  const sources: StoredSource[] = [];
  const objects: { key: string; content: string }[] = [];
  for (const [index, source] of input.sources.entries()) {
    const position = index + 1;
    objects.push({ key: sourceObjectKey(auth.projectId, runId, position), content: source.content });
    sources.push({
      title: source.title,
      uri: source.uri ?? null,
      citation_label: source.citation_label ?? `source ${position}`,
      media_type: source.media_type,
      content_sha256: await sha256Hex(source.content),
      content_length: source.content.length,
    });
  }
  const run = newRunRow({
    id: runId,
    organizationId: auth.organizationId,
    projectId: auth.projectId,
    intendedUse: input.intended_use,
    strictness: input.strictness,
    semanticJudge: input.semantic_judge,
    captureMethod: options.captureMethod,
    title: null,
    question: input.question ?? null,
    aiOutput: input.ai_output,
    metadata: input.metadata ? JSON.stringify(input.metadata) : null,
    externalId: input.external_id ?? null,
    importId: options.importId ?? null,
    sourceCount: input.sources.length,
    sources: JSON.stringify(sources),
    enqueueCount: options.enqueue === false ? 0 : 1,
    createdAt: now,
  });
  return { run, objects };
}

async function rollBack(env: TenantEnv, runIds: string[], objectKeys: string[]): Promise<void> {
  try {
    const db = database(env.TENANT_DB);
    for (const runId of runIds) await db.delete(reviewRuns).where(eq(reviewRuns.id, runId));
    await deleteAll(env.SOURCES, objectKeys);
  } catch (error) {
    // The sweeper fails runs that never got a message, so a half-done rollback still ends visible.
    logger.error("run_creation_rollback_failed", { runs: runIds.length, objects: objectKeys.length, error });
  }
}
