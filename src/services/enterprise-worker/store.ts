import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { enterpriseWorkerCredentials, enterpriseWorkerRuns, reviewRuns } from "../../db/schema.ts";
import type { ArtifactSummary, CredentialRecord, EnterpriseWorkerDetails } from "../../schemas/enterprise-worker-details.ts";
import { type ReviewRunRow, parseJson, toSummary } from "../review-runs/store.ts";

export type EnterpriseWorkerRunRow = typeof enterpriseWorkerRuns.$inferSelect;

/** Every credential the run was issued, oldest first (IDs and times, never tokens). */
export async function credentialHistory(db: Database, reviewRunId: string): Promise<CredentialRecord[]> {
  const rows = await db
    .select()
    .from(enterpriseWorkerCredentials)
    .where(eq(enterpriseWorkerCredentials.reviewRunId, reviewRunId))
    .orderBy(asc(enterpriseWorkerCredentials.issuedAt), asc(enterpriseWorkerCredentials.credentialId));
  return rows.map((row) => ({
    credential_id: row.credentialId,
    issued_at: row.issuedAt,
    expires_at: row.expiresAt,
    ended_at: row.endedAt,
    end_reason: row.endReason,
  }));
}

export function toDetails(row: EnterpriseWorkerRunRow, title: string | null, history: CredentialRecord[]): EnterpriseWorkerDetails {
  return {
    customer_run_id: row.customerRunId,
    workflow_id: row.workflowId,
    workflow_name: row.workflowName,
    title,
    source_hashes: parseJson<string[]>(row.sourceHashes) ?? [],
    output_hash: row.outputHash,
    worker_id: row.workerId,
    worker_version: row.workerVersion,
    policy_version: row.policyVersion,
    storage_pointers: parseJson<string[]>(row.storagePointers) ?? [],
    redacted_failure_categories: parseJson<string[]>(row.redactedFailureCategories) ?? [],
    artifact_summaries: parseJson<ArtifactSummary[]>(row.artifactSummaries) ?? [],
    credential: {
      credential_id: row.credentialId,
      expires_at: row.credentialExpiresAt,
      revoked: row.credentialRevokedAt !== null,
      revoked_at: row.credentialRevokedAt,
    },
    credential_history: history,
    event_count: row.eventCount,
    last_event_at: row.lastEventAt,
  };
}

/**
 * The private-worker metadata of a run, or null for a hosted run. The caller
 * has already found the run within its project; this adds nothing it may not
 * see.
 */
export async function loadEnterpriseWorkerDetails(db: Database, reviewRunId: string): Promise<EnterpriseWorkerDetails | null> {
  const [found] = await db
    .select({ details: enterpriseWorkerRuns, title: reviewRuns.title })
    .from(enterpriseWorkerRuns)
    .innerJoin(reviewRuns, eq(reviewRuns.id, enterpriseWorkerRuns.reviewRunId))
    .where(eq(enterpriseWorkerRuns.reviewRunId, reviewRunId))
    .limit(1);
  return found ? toDetails(found.details, found.title, await credentialHistory(db, reviewRunId)) : null;
}

export interface EnterpriseWorkerRun {
  run: ReviewRunRow;
  details: EnterpriseWorkerRunRow;
}

/** A private-worker run of the project, or null: another project's run reads exactly like a missing one. */
export async function findEnterpriseWorkerRun(db: Database, projectId: string, reviewRunId: string): Promise<EnterpriseWorkerRun | null> {
  const [found] = await db
    .select({ run: reviewRuns, details: enterpriseWorkerRuns })
    .from(reviewRuns)
    .innerJoin(enterpriseWorkerRuns, eq(enterpriseWorkerRuns.reviewRunId, reviewRuns.id))
    .where(and(eq(reviewRuns.id, reviewRunId), eq(reviewRuns.projectId, projectId), eq(enterpriseWorkerRuns.projectId, projectId)))
    .limit(1);
  return found ?? null;
}

/** The API's view of a private-worker run: the common run fields plus its metadata. */
export function enterpriseWorkerRunView({ run, details }: EnterpriseWorkerRun, history: CredentialRecord[]) {
  return { ...toSummary(run), private_worker: toDetails(details, run.title, history) };
}
