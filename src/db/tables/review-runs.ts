import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { RUN_STATUSES } from "../../schemas/enums.ts";
import { projects } from "./tenancy.ts";

export const reviewRuns = sqliteTable(
  "review_runs",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    status: text("status", { enum: RUN_STATUSES }).notNull(),
    intendedUse: text("intended_use").notNull(),
    strictness: text("strictness").notNull(),
    /** The caller's choice for the semantic judge: `auto` (the project's setting), `off` or `required`. */
    semanticJudge: text("semantic_judge", { enum: ["auto", "off", "required"] }).notNull().default("auto"),
    captureMethod: text("capture_method").notNull(),
    title: text("title"),
    question: text("question"),
    aiOutput: text("ai_output"),
    /** JSON object, or null. */
    metadata: text("metadata"),
    externalId: text("external_id"),
    importId: text("import_id"),
    sourceCount: integer("source_count").notNull().default(0),
    /**
     * JSON array, in position order, of `{title, uri, citation_label, media_type,
     * content_sha256, content_length}`: written once with the run and read whole,
     * so it is a column rather than a table. Source IDs and R2 keys derive from
     * the run and the position (services/review-runs/store.ts). Null for
     * Enterprise Worker runs.
     */
    sources: text("sources"),
    claimCount: integer("claim_count").notNull().default(0),
    unsupportedClaimCount: integer("unsupported_claim_count").notNull().default(0),
    safeUseStatus: text("safe_use_status"),
    /** JSON GateVerdict, written with the other artifacts when the run completes. */
    gateVerdict: text("gate_verdict"),
    /**
     * Names the R2 object holding the completed run's claims, spans, results and
     * report (services/review-runs/artifacts.ts); null before completion, and for
     * runs whose artifacts are still rows of `review_artifacts`.
     */
    artifactVersion: text("artifact_version"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    /** How many times the run was handed to the review queue (sweeper re-enqueues count too). */
    enqueueCount: integer("enqueue_count").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    startedAt: text("started_at"),
    completedAt: text("completed_at"),
  },
  (t) => [
    index("review_runs_project_created_idx").on(t.projectId, t.createdAt, t.id),
    // Partial indexes: a run without an external_id or import_id, or no longer
    // open, takes no room in the index that only finds such runs. Ending in
    // (created_at, id), they also serve the list's order, so a page of one
    // import's runs reads that import's runs only.
    index("review_runs_project_external_idx").on(t.projectId, t.externalId, t.createdAt, t.id).where(sql`external_id IS NOT NULL`),
    index("review_runs_project_import_idx").on(t.projectId, t.importId, t.createdAt, t.id).where(sql`import_id IS NOT NULL`),
    // Spelled as the sweeper's query spells it (runIsOpen in services/review-runs/store.ts), or SQLite cannot match the two.
    index("review_runs_status_updated_idx").on(t.status, t.updatedAt).where(sql`status IN ('queued', 'processing')`),
  ],
);

/**
 * Where claims, spans, verification results and reports were kept before they
 * moved to one R2 object per run; read only as a fallback, and emptied by the
 * cron (services/review-runs/artifacts.ts, moveLegacyArtifacts).
 */
export const reviewArtifacts = sqliteTable(
  "review_artifacts",
  {
    reviewRunId: text("review_run_id")
      .notNull()
      .references(() => reviewRuns.id),
    kind: text("kind", { enum: ["claim", "source_span", "verification_result", "claim_report"] }).notNull(),
    position: integer("position").notNull(),
    id: text("id").notNull(),
    body: text("body").notNull(),
  },
  (t) => [primaryKey({ columns: [t.reviewRunId, t.kind, t.position] })],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    projectId: text("project_id").notNull(),
    key: text("key").notNull(),
    /** Operation the key was used for, e.g. "POST /v1/review-runs". */
    operation: text("operation").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status"),
    /** The first response body, replayed verbatim (its request_id included). */
    responseBody: text("response_body"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.operation, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);
