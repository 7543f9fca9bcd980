import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { IMPORT_STATUSES } from "../../schemas/enums.ts";
import { projects } from "./tenancy.ts";

/**
 * One row per accepted `POST /v1/imports` (README, "Imports"). The runs themselves are
 * ordinary `review_runs` rows carrying `import_id`; their IDs are derived from
 * (import ID, row number), so the import does not list them and a chunk that
 * runs twice finds its runs instead of creating new ones.
 */
export const imports = sqliteTable(
  "imports",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    /** `uploaded` → `queued` → `processing` → `completed` | `failed`; `mapping_required`; `cancelled` (see src/routes/imports/schema.ts). */
    status: text("status", { enum: IMPORT_STATUSES }).notNull(),
    /** The format the rows arrived in: application/json, application/x-ndjson or text/csv. */
    mediaType: text("media_type").notNull(),
    rowCount: integer("row_count").notNull(),
    acceptedCount: integer("accepted_count").notNull(),
    rejectedCount: integer("rejected_count").notNull(),
    /** JSON array of `{row, external_id, path, code, message}`, at most a few per rejected row. */
    validationErrors: text("validation_errors").notNull().default("[]"),
    /** Queue chunks the accepted rows were staged in; 0 when they were created within the request. */
    chunkCount: integer("chunk_count").notNull().default(0),
    /** While `mapping_required`: JSON `{columns, missing: [{field, message}]}`; the request itself waits in R2. */
    mapping: text("mapping"),
    /** Set once `import.completed` was emitted, so the last runs finishing together announce it once. */
    reviewedAnnouncedAt: text("reviewed_announced_at"),
    /**
     * While the import's rows are staged: the allowance period whose counter
     * holds the runs reserved for rows not yet created. A failed or cancelled
     * import gives those back and clears it; null when nothing is outstanding.
     */
    allowancePeriodStart: text("allowance_period_start"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    completedAt: text("completed_at"),
  },
  (t) => [
    index("imports_project_created_idx").on(t.projectId, t.createdAt),
    index("imports_project_status_created_idx").on(t.projectId, t.status, t.createdAt),
    // The cron's sweep for stalled imports (services/imports/sweep.ts).
    index("imports_status_updated_idx").on(t.status, t.updatedAt),
  ],
);
