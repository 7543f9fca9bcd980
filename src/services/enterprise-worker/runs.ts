import { and, eq, isNull } from "drizzle-orm";
import { asStatement, database } from "../../db/client.ts";
import { enterpriseWorkerCredentials, enterpriseWorkerRuns, reviewRuns } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow, newReviewRunId } from "../../ids.ts";
import type { CreateEnterpriseWorkerRunBody } from "../../schemas/enterprise-worker.ts";
import { reserveReviewRuns } from "../billing/allowance.ts";
import type { AuthContext } from "../tenancy/auth.ts";
import { logger } from "../../lib/logger.ts";
import { type EnterpriseWorkerRun, type EnterpriseWorkerRunRow, findEnterpriseWorkerRun, enterpriseWorkerRunView } from "./store.ts";
import { newRunRow } from "../review-runs/store.ts";
import type { CredentialRecord } from "../../schemas/enterprise-worker-details.ts";
import { type IssuedWorkerCredential, issueWorkerCredential, revokeWorkerCredentials } from "./credentials.ts";

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

export const eventsUrl = (origin: string, reviewRunId: string) =>
  `${origin}/v1/private-worker/review-runs/${reviewRunId}/events`;

export interface CredentialView {
  token: string;
  credential_id: string;
  expires_at: string;
  events_url: string;
}

const credentialView = (issued: IssuedWorkerCredential, origin: string, reviewRunId: string): CredentialView => ({
  token: issued.token,
  credential_id: issued.credentialId,
  expires_at: issued.expiresAt,
  events_url: eventsUrl(origin, reviewRunId),
});

/**
 * Creates a metadata-only run and its first credential. The allowance is
 * reserved first and given back if anything after it fails. The credential
 * is activated before the rows are written: if the write then fails, the
 * Durable Object holds an ID for a run that does not exist and a token
 * nobody received, which is harmless and expires on its own. `commitWith`
 * adds statements to the batch that writes the run (the Idempotency-Key's
 * stored answer), so the run never exists without them.
 */
export async function createEnterpriseWorkerRun(
  env: TenantEnv,
  auth: AuthContext,
  body: CreateEnterpriseWorkerRunBody,
  origin: string,
  commitWith: (created: CreatedEnterpriseWorkerRun) => (D1PreparedStatement | null)[] = () => [],
): Promise<CreatedEnterpriseWorkerRun> {
  const reservation = await reserveReviewRuns(env, auth.organizationId, 1);
  try {
    const reviewRunId = newReviewRunId();
    const now = new Date();
    const at = isoNow(now);
    const issued = await issueWorkerCredential(env, { reviewRunId, projectId: auth.projectId }, body.credential_ttl_seconds, now);
    const run = newRunRow({
      id: reviewRunId,
      organizationId: auth.organizationId,
      projectId: auth.projectId,
      intendedUse: body.intended_use,
      strictness: body.strictness,
      semanticJudge: "auto",
      captureMethod: "private_worker",
      title: body.title ?? null,
      question: null,
      aiOutput: null,
      metadata: body.metadata ? JSON.stringify(body.metadata) : null,
      // The customer's own run ID is what `external_id` means for hosted runs,
      // so `GET /v1/review-runs?external_id=` finds private-worker runs too.
      externalId: body.customer_run_id,
      importId: null,
      sourceCount: body.source_count ?? body.source_hashes?.length ?? 0,
      // The sources stay with the customer: only their hashes are kept, in the run's details.
      sources: null,
      // Never handed to the review queue: the customer's worker reviews it.
      enqueueCount: 0,
      createdAt: at,
    });
    const details: EnterpriseWorkerRunRow = {
      reviewRunId,
      projectId: auth.projectId,
      customerRunId: body.customer_run_id,
      workflowId: body.workflow_id ?? null,
      workflowName: body.workflow_name ?? null,
      sourceHashes: JSON.stringify(body.source_hashes ?? []),
      outputHash: body.output_hash ?? null,
      workerId: body.worker_id ?? null,
      workerVersion: body.worker_version ?? null,
      policyVersion: body.policy_version ?? null,
      storagePointers: JSON.stringify(body.storage_pointers ?? []),
      redactedFailureCategories: "[]",
      artifactSummaries: "[]",
      credentialId: issued.credentialId,
      credentialExpiresAt: issued.expiresAt,
      credentialRevokedAt: null,
      credentialTtlSeconds: body.credential_ttl_seconds,
      eventCount: 0,
      lastEventAt: null,
      createdAt: at,
      updatedAt: at,
    };
    const history: CredentialRecord[] = [
      { credential_id: issued.credentialId, issued_at: at, expires_at: issued.expiresAt, ended_at: null, end_reason: null },
    ];
    const created: CreatedEnterpriseWorkerRun = { created: { run, details, history }, credential: credentialView(issued, origin, reviewRunId) };
    const db = database(env.TENANT_DB);
    const inserts = [
      db.insert(reviewRuns).values(run),
      db.insert(enterpriseWorkerRuns).values(details),
      db.insert(enterpriseWorkerCredentials).values({
        credentialId: issued.credentialId,
        reviewRunId,
        projectId: auth.projectId,
        issuedAt: at,
        expiresAt: issued.expiresAt,
      }),
    ].map((query) => asStatement(env.TENANT_DB, query));
    await env.TENANT_DB.batch([...inserts, ...commitWith(created).filter((statement) => statement !== null)]);
    logger.info("private_worker_run_created", { review_run_id: reviewRunId, project_id: auth.projectId, credential_id: issued.credentialId });
    return created;
  } catch (error) {
    await reservation.release();
    throw error;
  }
}

export interface CreatedEnterpriseWorkerRun {
  created: EnterpriseWorkerRun & { history: CredentialRecord[] };
  credential: CredentialView;
}

export type CreatedView = {
  review_run: ReturnType<typeof enterpriseWorkerRunView>;
  worker_credential: CredentialView | null;
  request_id: string;
};

/**
 * The create's answer as stored for its Idempotency-Key (README, "Using the
 * API"), written in the same batch as the run. It leaves the token out,
 * because Kivo keeps no token anywhere.
 */
export const storedCreateAnswer = ({ created, credential }: CreatedEnterpriseWorkerRun, requestId: string): CreatedView => ({
  review_run: enterpriseWorkerRunView(created, created.history),
  worker_credential: { ...credential, token: "" },
  request_id: requestId,
});

/**
 * The answer sent: the first carries the token just issued. A replay answers
 * the stored first response; while the run can still take events it carries
 * a freshly rotated credential (the lost first token is refused from then
 * on). Once the run has finished or its credentials were revoked it carries
 * none: a retry must never undo a revocation or arm a finished run.
 */
export async function sentCreateAnswer(
  env: TenantEnv,
  projectId: string,
  stored: CreatedView,
  issued: { token: string } | { replayed: true },
  origin: string,
): Promise<CreatedView> {
  if ("token" in issued) return { ...stored, worker_credential: { ...stored.worker_credential!, token: issued.token } };
  const { run, details } = await requireRun(env, projectId, stored.review_run.id);
  if (TERMINAL.has(run.status) || details.credentialRevokedAt !== null) return { ...stored, worker_credential: null };
  return { ...stored, worker_credential: await rotateWorkerCredential(env, projectId, stored.review_run.id, undefined, origin) };
}

async function requireRun(env: TenantEnv, projectId: string, reviewRunId: string): Promise<EnterpriseWorkerRun> {
  const found = await findEnterpriseWorkerRun(database(env.TENANT_DB), projectId, reviewRunId);
  if (!found) throw new ApiError("not_found", { message: "No private-worker run with this ID exists in the key's project." });
  return found;
}

/**
 * Issues a new credential; the previous one is refused from the moment the
 * Durable Object records the new ID, before the answer is sent. A finished run
 * takes no more events, so it gets no credential; neither does a revoked one,
 * because revocation is the operator's "stop this worker" and must not be
 * quietly reversed by whoever can call rotate (the Durable Object refuses too,
 * so a rotate racing a revoke cannot win).
 */
export async function rotateWorkerCredential(
  env: TenantEnv,
  projectId: string,
  reviewRunId: string,
  ttlSeconds: number | undefined,
  origin: string,
): Promise<CredentialView> {
  const { run, details } = await requireRun(env, projectId, reviewRunId);
  if (TERMINAL.has(run.status)) {
    throw new ApiError("run_already_terminal", { message: `The run is ${run.status}; it accepts no more events, so it needs no credential.` });
  }
  if (details.credentialRevokedAt !== null) {
    throw new ApiError("credential_revoked", { message: `The run's worker credentials were revoked at ${details.credentialRevokedAt}; revocation is final.` });
  }
  const issued = await issueWorkerCredential(env, { reviewRunId, projectId }, ttlSeconds ?? details.credentialTtlSeconds);
  const now = isoNow();
  const db = database(env.TENANT_DB);
  await db.batch([
    db
      .update(enterpriseWorkerRuns)
      .set({ credentialId: issued.credentialId, credentialExpiresAt: issued.expiresAt, updatedAt: now })
      .where(
        and(eq(enterpriseWorkerRuns.reviewRunId, reviewRunId), eq(enterpriseWorkerRuns.projectId, projectId), isNull(enterpriseWorkerRuns.credentialRevokedAt)),
      ),
    db
      .update(enterpriseWorkerCredentials)
      .set({ endedAt: now, endReason: "rotated" })
      .where(and(eq(enterpriseWorkerCredentials.reviewRunId, reviewRunId), isNull(enterpriseWorkerCredentials.endedAt))),
    db
      .insert(enterpriseWorkerCredentials)
      .values({ credentialId: issued.credentialId, reviewRunId, projectId, issuedAt: now, expiresAt: issued.expiresAt }),
  ]);
  logger.info("worker_credential_rotated", { review_run_id: reviewRunId, credential_id: issued.credentialId });
  return credentialView(issued, origin, reviewRunId);
}

/** Every token of the run is refused from now on, for good (fail closed). Revoking twice keeps the first time. */
export async function revokeWorkerCredential(env: TenantEnv, projectId: string, reviewRunId: string) {
  const { details } = await requireRun(env, projectId, reviewRunId);
  await revokeWorkerCredentials(env, reviewRunId);
  const revokedAt = details.credentialRevokedAt ?? isoNow();
  const db = database(env.TENANT_DB);
  await db.batch([
    db
      .update(enterpriseWorkerRuns)
      .set({ credentialRevokedAt: revokedAt, updatedAt: isoNow() })
      .where(and(eq(enterpriseWorkerRuns.reviewRunId, reviewRunId), eq(enterpriseWorkerRuns.projectId, projectId))),
    db
      .update(enterpriseWorkerCredentials)
      .set({ endedAt: revokedAt, endReason: "revoked" })
      .where(and(eq(enterpriseWorkerCredentials.reviewRunId, reviewRunId), isNull(enterpriseWorkerCredentials.endedAt))),
  ]);
  logger.info("worker_credential_revoked", { review_run_id: reviewRunId, credential_id: details.credentialId });
  return { credential_id: details.credentialId, expires_at: details.credentialExpiresAt, revoked: true, revoked_at: revokedAt };
}
