import { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { enterpriseWorkerRuns, reviewRuns } from "../../db/schema.ts";
import { TimestampSchema } from "../../schemas/common.ts";
import { type ReviewRunRow, parseJson, toSummary } from "../review-runs/store.ts";

export const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

export const ArtifactSummarySchema = z
  .object({
    kind: z.string().openapi({ example: "claim_report" }),
    count: z.number().int().nonnegative().optional(),
    sha256: z.string().optional().openapi({ example: `sha256:${"0".repeat(64)}` }),
    storage_pointer: z.string().optional().openapi({ example: "s3://acme-kivo-reports/run-2026-11-22-001/claim-report.json" }),
  })
  .openapi("ArtifactSummary", {
    description: "What the worker wrote to the customer's storage: a kind, a count, a hash and an opaque pointer. Never the artifact.",
  });

export const WorkerCredentialStatusSchema = z
  .object({
    credential_id: z.string().openapi({ example: "wcred_01hw87ffx88w7m4a4qn1v2z7g0" }),
    expires_at: TimestampSchema,
    revoked: z.boolean(),
  })
  .openapi("WorkerCredentialStatus", { description: "The run's current worker credential (never the token)." });

/** What Kivo knows about an Enterprise Worker run beyond the common run fields: metadata only. */
export const EnterpriseWorkerDetailsSchema = z
  .object({
    customer_run_id: z.string().openapi({ example: "acme-support-2026-11-22-001" }),
    workflow_id: z.string().nullable(),
    workflow_name: z.string().nullable(),
    title: z.string().nullable(),
    source_hashes: z.array(z.string()).openapi({ example: [`sha256:${"a".repeat(64)}`] }),
    output_hash: z.string().nullable().openapi({ example: `sha256:${"b".repeat(64)}` }),
    worker_id: z.string().nullable(),
    worker_version: z.string().nullable().openapi({ example: "kivo-worker/0.1.0" }),
    policy_version: z.string().nullable().openapi({ example: "gate-policy.2026-11-22.v1" }),
    storage_pointers: z.array(z.string()),
    redacted_failure_categories: z.array(z.string()),
    artifact_summaries: z.array(ArtifactSummarySchema),
    credential: WorkerCredentialStatusSchema,
    event_count: z.number().int().nonnegative(),
    last_event_at: TimestampSchema.nullable(),
  })
  .openapi("PrivateWorkerDetails");

export type ArtifactSummary = z.infer<typeof ArtifactSummarySchema>;
export type EnterpriseWorkerDetails = z.infer<typeof EnterpriseWorkerDetailsSchema>;
export type EnterpriseWorkerRunRow = typeof enterpriseWorkerRuns.$inferSelect;

export function toDetails(row: EnterpriseWorkerRunRow, title: string | null): EnterpriseWorkerDetails {
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
    },
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
  return found ? toDetails(found.details, found.title) : null;
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
export function enterpriseWorkerRunView({ run, details }: EnterpriseWorkerRun) {
  return { ...toSummary(run), private_worker: toDetails(details, run.title) };
}
