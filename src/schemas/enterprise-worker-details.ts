import { z } from "@hono/zod-openapi";
import { TimestampSchema } from "./common.ts";

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
    revoked: z.boolean().openapi({ description: "True once the run's credentials were revoked; revocation is final." }),
    revoked_at: TimestampSchema.nullable().openapi({ description: "When the credentials were first revoked; kept on record." }),
  })
  .openapi("WorkerCredentialStatus", { description: "The run's current worker credential (never the token)." });

export const CredentialRecordSchema = z
  .object({
    credential_id: z.string().openapi({ example: "wcred_01hw87ffx88w7m4a4qn1v2z7g0" }),
    issued_at: TimestampSchema,
    expires_at: TimestampSchema,
    ended_at: TimestampSchema.nullable().openapi({ description: "When a rotation replaced it or a revocation ended it; null while active." }),
    end_reason: z.enum(["rotated", "revoked"]).nullable(),
  })
  .openapi("WorkerCredentialRecord", { description: "One credential the run was issued, kept on record after it stops working (never the token)." });

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
    credential_history: z.array(CredentialRecordSchema).openapi({ description: "Every credential the run was issued, oldest first." }),
    event_count: z.number().int().nonnegative(),
    last_event_at: TimestampSchema.nullable(),
  })
  .openapi("PrivateWorkerDetails");

export type ArtifactSummary = z.infer<typeof ArtifactSummarySchema>;
export type CredentialRecord = z.infer<typeof CredentialRecordSchema>;
export type EnterpriseWorkerDetails = z.infer<typeof EnterpriseWorkerDetailsSchema>;
