import type { JudgeUsage } from "../../review/judge-merge.ts";
import { logger } from "../../lib/logger.ts";

export async function recordJudgeCall(
  db: D1Database,
  organizationId: string,
  reviewRunId: string,
  spent: { attempts: number; usage: JudgeUsage | null },
  now: string,
): Promise<void> {
  try {
    await db
      .prepare(
        "INSERT INTO semantic_judge_calls (organization_id, review_run_id, attempts, input_tokens, output_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .bind(organizationId, reviewRunId, spent.attempts, spent.usage?.input_tokens ?? null, spent.usage?.output_tokens ?? null, now)
      .run();
  } catch (error) {
    // Counting is bookkeeping: the review it counts must still complete.
    logger.warn("semantic_judge_usage_not_recorded", { review_run_id: reviewRunId, error });
  }
}

export interface JudgeSpend {
  reviews: number;
  input_tokens: number;
  output_tokens: number;
}

export async function judgeSpendIn(db: D1Database, organizationId: string, period: { start: string; end: string }): Promise<JudgeSpend> {
  const row = await db
    .prepare(
      `SELECT COUNT(*) AS reviews, COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens
       FROM semantic_judge_calls WHERE organization_id = ? AND created_at >= ? AND created_at < ?`,
    )
    .bind(organizationId, period.start, period.end)
    .first<JudgeSpend>();
  return { reviews: row?.reviews ?? 0, input_tokens: row?.input_tokens ?? 0, output_tokens: row?.output_tokens ?? 0 };
}
