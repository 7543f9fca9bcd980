import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { reviewRuns } from "./review-runs.ts";

/**
 * One row per reviewer link issued. The token itself is never stored (its
 * signature proves issue); the row exists so a project can revoke a link
 * before it expires, and so it can see which links it handed out.
 */
export const reportLinks = sqliteTable(
  "report_links",
  {
    id: text("id").primaryKey(),
    /** Every lookup filters by project, like every other table. */
    projectId: text("project_id").notNull(),
    reviewRunId: text("review_run_id")
      .notNull()
      .references(() => reviewRuns.id),
    expiresAt: text("expires_at").notNull(),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [
    index("report_links_project_run_idx").on(t.projectId, t.reviewRunId),
    // Deleting a run checks its foreign key here; without this index, that check reads every link.
    index("report_links_run_idx").on(t.reviewRunId),
  ],
);
