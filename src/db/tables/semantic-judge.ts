import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Semantic judge answers by content hash (src/services/judge/cache.ts), so a
 * redelivered message or an identical packet in the same project costs no
 * second call and stores the same verdicts. The cron sweeper deletes rows
 * after 30 days.
 */
export const semanticJudgeCache = sqliteTable(
  "semantic_judge_cache",
  {
    /** SHA-256 hex of (project, prompt version, provider, model, question, each claim's text and evidence). */
    key: text("key").primaryKey(),
    /** JSON `{verdicts, attempts, usage}`; each verdict names its claim by position in the request. */
    answer: text("answer").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("semantic_judge_cache_created_idx").on(t.createdAt)],
);
