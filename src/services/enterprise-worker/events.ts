import { projectSettings } from "../tenancy/tenancy.ts";
import { type Database, database } from "../../db/client.ts";
import { enterpriseWorkerEvents, enterpriseWorkerRuns, reviewRuns } from "../../db/schema.ts";
import { and, eq, exists, sql } from "drizzle-orm";
import { insertRowWhile } from "../../db/insert-while.ts";
import type { Bindings, TenantEnv } from "../../env.ts";
import { openSession } from "../../db/sessions.ts";
import { shardDatabase, tenantEnv } from "../../db/shards.ts";
import { OrganizationMovingError, organizationMoving, writableShardNameOfProject } from "../tenancy/shard-move.ts";
import { type ErrorDetail, ApiError } from "../../errors.ts";
import { isoNow } from "../../ids.ts";
import { SAFE_USE_FOR_VERDICT, gateVerdictOf } from "../../review/gate-verdict.ts";
import { IMPLIED_RUN_STATUS, type WorkerCredentialClaims, type WorkerEventBody } from "../../schemas/enterprise-worker.ts";
import { type RunStatus, OPEN_RUN_STATUSES } from "../../schemas/enums.ts";
import type { GateVerdict } from "../../schemas/review-artifacts.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { logger } from "../../lib/logger.ts";
import type { ArtifactSummary } from "../../schemas/enterprise-worker-details.ts";
import { type EnterpriseWorkerRun, findEnterpriseWorkerRun } from "./store.ts";
import { parseJson, runIsOpen } from "../review-runs/store.ts";
import { announceRun } from "../webhooks/events.ts";

export interface EventOutcome {
  review_run_id: string;
  event_id: string;
  event_type: WorkerEventBody["event_type"];
  status: RunStatus;
  received_at: string;
  replayed: boolean;
}

/** A policy version the worker did not report is said so, not guessed. */
const UNREPORTED = "unreported";

interface EventRow {
  eventType: EventOutcome["event_type"];
  bodyHash: string;
  receivedAt: string;
  resultStatus: RunStatus;
}

async function findEvent(db: Database, reviewRunId: string, eventId: string): Promise<EventRow | null> {
  const [row] = await db
    .select({
      eventType: enterpriseWorkerEvents.eventType,
      bodyHash: enterpriseWorkerEvents.bodyHash,
      receivedAt: enterpriseWorkerEvents.receivedAt,
      resultStatus: enterpriseWorkerEvents.resultStatus,
    })
    .from(enterpriseWorkerEvents)
    .where(and(eq(enterpriseWorkerEvents.reviewRunId, reviewRunId), eq(enterpriseWorkerEvents.eventId, eventId)))
    .limit(1);
  return row ? { ...row, resultStatus: row.resultStatus as RunStatus } : null;
}

function replay(reviewRunId: string, eventId: string, row: EventRow, bodyHash: string): EventOutcome {
  if (row.bodyHash !== bodyHash) {
    throw new ApiError("idempotency_key_reused", {
      message: "This event_id was already used for a different event. Use a new event_id for a new event.",
    });
  }
  return {
    review_run_id: reviewRunId,
    event_id: eventId,
    event_type: row.eventType,
    status: row.resultStatus,
    received_at: row.receivedAt,
    replayed: true,
  };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * An event describes the run Kivo already knows: its IDs and any hash that
 * was declared at creation must agree, or the record would claim a review of
 * something else.
 */
function consistencyProblems(found: EnterpriseWorkerRun, event: WorkerEventBody): ErrorDetail[] {
  const { run, details } = found;
  const problems: ErrorDetail[] = [];
  if (event.review_run_id !== undefined && event.review_run_id !== run.id) {
    problems.push({ path: "review_run_id", message: "Does not match the run in the path." });
  }
  if (event.customer_run_id !== undefined && event.customer_run_id !== details.customerRunId) {
    problems.push({ path: "customer_run_id", message: "Does not match the run's customer_run_id." });
  }
  if (event.output_hash !== undefined && details.outputHash !== null && event.output_hash !== details.outputHash) {
    problems.push({ path: "output_hash", message: "Differs from the output_hash declared for this run." });
  }
  const declared = parseJson<string[]>(details.sourceHashes) ?? [];
  if (event.source_hashes !== undefined) {
    if (declared.length > 0 && !sameList(declared, event.source_hashes)) {
      problems.push({ path: "source_hashes", message: "Differ from the source_hashes declared for this run." });
    } else if (declared.length === 0 && run.sourceCount > 0 && event.source_hashes.length !== run.sourceCount) {
      problems.push({ path: "source_hashes", message: `Expected ${run.sourceCount} hashes (the run's source_count).` });
    }
  }
  return problems;
}

async function gateVerdictFor(env: TenantEnv, found: EnterpriseWorkerRun, event: WorkerEventBody, receivedAt: string): Promise<GateVerdict> {
  const { run, details } = found;
  const project = await projectSettings(database(env.DB), run.projectId);
  return gateVerdictOf({
    reviewRunId: run.id,
    safeUseStatus: SAFE_USE_FOR_VERDICT[event.gate_verdict!],
    // The findings behind the verdict name claims and quote their reasons:
    // they stay in the customer's report.
    reasons: [],
    strictness: run.strictness as GateVerdict["strictness"],
    mode: project?.gateMode ?? "advisory",
    metadata: {
      intended_use: run.intendedUse as GateVerdict["metadata"]["intended_use"],
      policy_version: event.policy_version ?? details.policyVersion ?? UNREPORTED,
      reported_by: "private_worker",
      worker_version: event.worker_version ?? details.workerVersion,
    },
    createdAt: receivedAt,
  });
}

/**
 * Applies one worker event. Order matters for the fail-closed promise: every
 * check that can refuse the event runs before the single atomic batch that
 * records it, and the batch itself re-checks that the run is still open and
 * that this request (not a concurrent retry) claimed the event_id.
 */
export async function applyWorkerEvent(
  bindings: Bindings,
  claims: WorkerCredentialClaims,
  event: WorkerEventBody,
  requestId: string,
  request: { method: string; bookmark: string | undefined },
): Promise<{ outcome: EventOutcome; bookmark: string | null }> {
  // A run credential, not an API key, authorizes the event: its project names
  // the shard, whose writes wait while its organization moves.
  const shard = await writableShardNameOfProject(bindings, claims.projectId).catch((error: unknown) => {
    throw error instanceof OrganizationMovingError ? organizationMoving() : error;
  });
  // One D1 session, as for API-key requests (db/sessions.ts): a write starts at the primary.
  const session = openSession(shardDatabase(bindings, shard), shard, request.method, request.bookmark);
  const outcome = await applyOnShard(tenantEnv(bindings, session.database), claims, event, requestId);
  return { outcome, bookmark: session.bookmark() };
}

async function applyOnShard(env: TenantEnv, claims: WorkerCredentialClaims, event: WorkerEventBody, requestId: string): Promise<EventOutcome> {
  const db = database(env.TENANT_DB);
  const found = await findEnterpriseWorkerRun(db, claims.projectId, claims.reviewRunId);
  if (!found) throw new ApiError("not_found", { message: "The run of this credential does not exist." });
  const runId = found.run.id;
  const bodyHash = await sha256Hex(JSON.stringify(event));

  const previous = await findEvent(db, runId, event.event_id);
  if (previous) return replay(runId, event.event_id, previous, bodyHash);
  if (!(OPEN_RUN_STATUSES as readonly string[]).includes(found.run.status)) {
    throw new ApiError("run_already_terminal", { message: `The run is already ${found.run.status}; it accepts no more events.` });
  }
  const problems = consistencyProblems(found, event);
  if (problems.length > 0) {
    throw new ApiError("validation_error", { message: "The event does not match this run.", details: problems });
  }

  const receivedAt = isoNow();
  const status = IMPLIED_RUN_STATUS[event.event_type];
  const { details } = found;
  const sourceHashes = event.source_hashes ?? (parseJson<string[]>(details.sourceHashes) ?? []);
  const categories = event.redacted_failure_categories ?? (parseJson<string[]>(details.redactedFailureCategories) ?? []);
  const summaries: ArtifactSummary[] = event.artifact_summaries ?? (parseJson<ArtifactSummary[]>(details.artifactSummaries) ?? []);
  const gateVerdict = event.event_type === "completed" ? await gateVerdictFor(env, found, event, receivedAt) : null;

  const terminal = status === "completed" || status === "failed";
  // Each write holds only if this request is the one that recorded the event (a concurrent retry may have been first).
  const claimed = exists(
    db
      .select({ one: sql`1` })
      .from(enterpriseWorkerEvents)
      .where(and(eq(enterpriseWorkerEvents.reviewRunId, runId), eq(enterpriseWorkerEvents.eventId, event.event_id), eq(enterpriseWorkerEvents.requestId, requestId))),
  );
  const recorded: typeof enterpriseWorkerEvents.$inferSelect = {
    reviewRunId: runId,
    eventId: event.event_id,
    eventType: event.event_type,
    bodyHash,
    requestId,
    occurredAt: event.occurred_at ?? null,
    receivedAt,
    resultStatus: status,
  };
  // `undefined` leaves a column as it is (drizzle leaves it out of the SET).
  const [inserted] = await db.batch([
    insertRowWhile(db, enterpriseWorkerEvents, recorded, exists(db.select({ one: sql`1` }).from(reviewRuns).where(and(eq(reviewRuns.id, runId), runIsOpen)))),
    db
      .update(enterpriseWorkerRuns)
      .set({
        sourceHashes: JSON.stringify(sourceHashes),
        outputHash: event.output_hash,
        workerVersion: event.worker_version,
        policyVersion: event.policy_version,
        redactedFailureCategories: JSON.stringify(categories),
        artifactSummaries: JSON.stringify(summaries),
        eventCount: sql`${enterpriseWorkerRuns.eventCount} + 1`,
        lastEventAt: receivedAt,
        updatedAt: receivedAt,
      })
      .where(and(eq(enterpriseWorkerRuns.reviewRunId, runId), claimed)),
    db
      .update(reviewRuns)
      .set({
        status,
        sourceCount: sql`case when ${reviewRuns.sourceCount} = 0 then ${sourceHashes.length} else ${reviewRuns.sourceCount} end`,
        startedAt: sql`coalesce(${reviewRuns.startedAt}, ${receivedAt})`,
        completedAt: terminal ? receivedAt : undefined,
        claimCount: event.claim_count,
        unsupportedClaimCount: event.unsupported_claim_count,
        safeUseStatus: gateVerdict?.safe_use_status,
        gateVerdict: gateVerdict ? JSON.stringify(gateVerdict) : undefined,
        errorCode: event.event_type === "failed" ? "worker_failed" : undefined,
        // Only the category names, which the schema holds to identifiers.
        errorMessage: event.event_type === "failed" ? `The Enterprise Worker reported a failure: ${categories.join(", ")}.` : undefined,
        updatedAt: receivedAt,
      })
      .where(and(eq(reviewRuns.id, runId), runIsOpen, claimed)),
  ]);

  if ((inserted?.meta.changes ?? 0) === 0) {
    // Lost a race: a concurrent retry claimed the event_id, or another event ended the run.
    const raced = await findEvent(db, runId, event.event_id);
    if (raced) return replay(runId, event.event_id, raced, bodyHash);
    throw new ApiError("run_already_terminal", { message: "The run reached a terminal state; it accepts no more events." });
  }
  logger.info("private_worker_event_applied", {
    review_run_id: runId,
    event_id: event.event_id,
    event_type: event.event_type,
    status,
    credential_id: claims.credentialId,
  });
  // The run's own metadata only: announceRun reads IDs, status, verdict and counts.
  if (status === "completed" || status === "failed") await announceRun(env, runId);
  return { review_run_id: runId, event_id: event.event_id, event_type: event.event_type, status, received_at: receivedAt, replayed: false };
}
