import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per review whose semantic judge reached the provider (answered or
 * not; cache hits cost nothing and add none), so `GET /v1/usage` can show the
 * tokens spent in a period. Counts only, never text.
 */
export const semanticJudgeCalls = sqliteTable(
  "semantic_judge_calls",
  {
    organizationId: text("organization_id").notNull(),
    reviewRunId: text("review_run_id").notNull(),
    attempts: integer("attempts").notNull(),
    /** Null when the provider reported none (a timeout, an error). */
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("semantic_judge_calls_organization_idx").on(t.organizationId, t.createdAt)],
);
