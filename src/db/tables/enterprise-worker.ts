import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { reviewRuns } from "./review-runs.ts";

/**
 * The metadata an Enterprise Worker run carries besides its `review_runs` row.
 * Everything here is an identifier, a hash, a version, a count or an opaque
 * label chosen by the customer: the output, the sources and the report stay
 * in the customer's environment (README, "Enterprise Worker").
 */
export const enterpriseWorkerRuns = sqliteTable(
  "private_worker_runs",
  {
    reviewRunId: text("review_run_id")
      .primaryKey()
      .references(() => reviewRuns.id),
    /** Repeated from the run so every lookup can filter by project. */
    projectId: text("project_id").notNull(),
    customerRunId: text("customer_run_id").notNull(),
    workflowId: text("workflow_id"),
    workflowName: text("workflow_name"),
    /** JSON array of `sha256:<hex>`, one per source, in the worker's order. */
    sourceHashes: text("source_hashes").notNull().default("[]"),
    outputHash: text("output_hash"),
    workerId: text("worker_id"),
    workerVersion: text("worker_version"),
    policyVersion: text("policy_version"),
    /** JSON array of opaque labels pointing into the customer's storage. */
    storagePointers: text("storage_pointers").notNull().default("[]"),
    /** JSON array of category names from a `failed` event. */
    redactedFailureCategories: text("redacted_failure_categories").notNull().default("[]"),
    /** JSON array of `{kind, count?, sha256?, storage_pointer?}` from events. */
    artifactSummaries: text("artifact_summaries").notNull().default("[]"),
    /**
     * The active credential's ID and expiry, mirrored from the run's
     * WorkerCredentialState Durable Object (which alone decides whether a
     * token is accepted). The token itself is never stored anywhere.
     */
    credentialId: text("credential_id").notNull(),
    credentialExpiresAt: text("credential_expires_at").notNull(),
    credentialRevokedAt: text("credential_revoked_at"),
    /** TTL a rotation uses when the caller does not name one. */
    credentialTtlSeconds: integer("credential_ttl_seconds").notNull(),
    eventCount: integer("event_count").notNull().default(0),
    lastEventAt: text("last_event_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("private_worker_runs_project_customer_idx").on(t.projectId, t.customerRunId)],
);

/**
 * One row per accepted event, keyed by the worker's `event_id`: a retry finds
 * its row and gets the first answer again instead of applying twice.
 */
export const enterpriseWorkerEvents = sqliteTable(
  "private_worker_events",
  {
    reviewRunId: text("review_run_id")
      .notNull()
      .references(() => reviewRuns.id),
    eventId: text("event_id").notNull(),
    eventType: text("event_type", { enum: ["status", "completed", "failed"] }).notNull(),
    /** SHA-256 of the canonical event body: the same event_id with another body is refused. */
    bodyHash: text("body_hash").notNull(),
    /** The request that applied the event; the batch's updates are conditioned on it. */
    requestId: text("request_id").notNull(),
    occurredAt: text("occurred_at"),
    receivedAt: text("received_at").notNull(),
    /** Run status right after the event, replayed to retries. */
    resultStatus: text("result_status").notNull(),
  },
  (t) => [primaryKey({ columns: [t.reviewRunId, t.eventId] })],
);

/**
 * Every credential a run was issued, kept after it stops working: which one
 * was active when, and whether a rotation replaced it or a revocation ended
 * it. IDs and times only; tokens are never stored.
 */
export const enterpriseWorkerCredentials = sqliteTable(
  "private_worker_credentials",
  {
    credentialId: text("credential_id").primaryKey(),
    reviewRunId: text("review_run_id")
      .notNull()
      .references(() => reviewRuns.id),
    projectId: text("project_id").notNull(),
    issuedAt: text("issued_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    endedAt: text("ended_at"),
    endReason: text("end_reason", { enum: ["rotated", "revoked"] }),
  },
  (t) => [index("private_worker_credentials_run_idx").on(t.reviewRunId, t.issuedAt)],
);
