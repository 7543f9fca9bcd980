import { projectSettings } from "../tenancy/tenancy.ts";
import { database } from "../../db/client.ts";
import type { TenantEnv } from "../../env.ts";
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
import { OPEN_RUN_STATUS_SQL, parseJson } from "../review-runs/store.ts";
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
  event_type: EventOutcome["event_type"];
  body_hash: string;
  received_at: string;
  result_status: RunStatus;
}

async function findEvent(env: TenantEnv, reviewRunId: string, eventId: string): Promise<EventRow | null> {
  return env.TENANT_DB.prepare(
    "SELECT event_type, body_hash, received_at, result_status FROM private_worker_events WHERE review_run_id = ? AND event_id = ?",
  )
    .bind(reviewRunId, eventId)
    .first<EventRow>();
}

function replay(reviewRunId: string, eventId: string, row: EventRow, bodyHash: string): EventOutcome {
  if (row.body_hash !== bodyHash) {
    throw new ApiError("idempotency_key_reused", {
      message: "This event_id was already used for a different event. Use a new event_id for a new event.",
    });
  }
  return {
    review_run_id: reviewRunId,
    event_id: eventId,
    event_type: row.event_type,
    status: row.result_status,
    received_at: row.received_at,
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
  env: TenantEnv,
  claims: WorkerCredentialClaims,
  event: WorkerEventBody,
  requestId: string,
): Promise<EventOutcome> {
  const db = database(env.TENANT_DB);
  const found = await findEnterpriseWorkerRun(db, claims.projectId, claims.reviewRunId);
  if (!found) throw new ApiError("not_found", { message: "The run of this credential does not exist." });
  const runId = found.run.id;
  const bodyHash = await sha256Hex(JSON.stringify(event));

  const previous = await findEvent(env, runId, event.event_id);
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

  const claimed = `EXISTS (SELECT 1 FROM private_worker_events WHERE review_run_id = ?1 AND event_id = ?2 AND request_id = ?3)`;
  const statements = [
    env.TENANT_DB.prepare(
      `INSERT INTO private_worker_events (review_run_id, event_id, event_type, body_hash, request_id, occurred_at, received_at, result_status)
       SELECT ?1, ?2, ?4, ?5, ?3, ?6, ?7, ?8
       WHERE EXISTS (SELECT 1 FROM review_runs WHERE id = ?1 AND status IN ${OPEN_RUN_STATUS_SQL})
       ON CONFLICT DO NOTHING`,
    ).bind(runId, event.event_id, requestId, event.event_type, bodyHash, event.occurred_at ?? null, receivedAt, status),
    env.TENANT_DB.prepare(
      `UPDATE private_worker_runs SET
         source_hashes = ?4, output_hash = COALESCE(?5, output_hash), worker_version = COALESCE(?6, worker_version),
         policy_version = COALESCE(?7, policy_version), redacted_failure_categories = ?8, artifact_summaries = ?9,
         event_count = event_count + 1, last_event_at = ?10, updated_at = ?10
       WHERE review_run_id = ?1 AND ${claimed}`,
    ).bind(
      runId,
      event.event_id,
      requestId,
      JSON.stringify(sourceHashes),
      event.output_hash ?? null,
      event.worker_version ?? null,
      event.policy_version ?? null,
      JSON.stringify(categories),
      JSON.stringify(summaries),
      receivedAt,
    ),
    env.TENANT_DB.prepare(
      `UPDATE review_runs SET
         status = ?4,
         source_count = CASE WHEN source_count = 0 THEN ?5 ELSE source_count END,
         started_at = COALESCE(started_at, ?6),
         completed_at = CASE WHEN ?4 IN ('completed', 'failed') THEN ?6 ELSE completed_at END,
         claim_count = COALESCE(?7, claim_count),
         unsupported_claim_count = COALESCE(?8, unsupported_claim_count),
         safe_use_status = COALESCE(?9, safe_use_status),
         gate_verdict = COALESCE(?10, gate_verdict),
         error_code = COALESCE(?11, error_code),
         error_message = COALESCE(?12, error_message),
         updated_at = ?6
       WHERE id = ?1 AND status IN ${OPEN_RUN_STATUS_SQL} AND ${claimed}`,
    ).bind(
      runId,
      event.event_id,
      requestId,
      status,
      sourceHashes.length,
      receivedAt,
      event.claim_count ?? null,
      event.unsupported_claim_count ?? null,
      gateVerdict?.safe_use_status ?? null,
      gateVerdict ? JSON.stringify(gateVerdict) : null,
      event.event_type === "failed" ? "worker_failed" : null,
      // Only the category names, which the schema holds to identifiers.
      event.event_type === "failed" ? `The Enterprise Worker reported a failure: ${categories.join(", ")}.` : null,
    ),
  ];
  const [inserted] = await env.TENANT_DB.batch(statements);

  if ((inserted?.meta.changes ?? 0) === 0) {
    // Lost a race: a concurrent retry claimed the event_id, or another event ended the run.
    const raced = await findEvent(env, runId, event.event_id);
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
