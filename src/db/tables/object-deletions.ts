import { sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * R2 prefixes whose objects are still to be deleted. A deletion removes its
 * D1 rows and records the prefix in the same batch, so no crash can leave
 * objects that nothing points to; the request then deletes what it can, and
 * the cron finishes the rest (services/retention/object-deletions.ts).
 */
export const objectDeletions = sqliteTable("object_deletions", {
  /** e.g. `runs/<project_id>/<review_run_id>/`: everything under it goes. */
  prefix: text("prefix").primaryKey(),
  createdAt: text("created_at").notNull(),
});
