import type { JudgeUsage } from "../../review/judge-merge.ts";
import { logger } from "../../lib/logger.ts";
import { and, count, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { semanticJudgeCalls } from "../../db/schema.ts";

export async function recordJudgeCall(
  db: Database,
  organizationId: string,
  reviewRunId: string,
  spent: { attempts: number; usage: JudgeUsage | null },
  now: string,
): Promise<void> {
  try {
    await db.insert(semanticJudgeCalls).values({
      organizationId,
      reviewRunId,
      attempts: spent.attempts,
      inputTokens: spent.usage?.input_tokens ?? null,
      outputTokens: spent.usage?.output_tokens ?? null,
      createdAt: now,
    });
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

export async function judgeSpendIn(db: Database, organizationId: string, period: { start: string; end: string }): Promise<JudgeSpend> {
  const [row] = await db
    .select({
      reviews: count(),
      input_tokens: sql<number>`coalesce(sum(${semanticJudgeCalls.inputTokens}), 0)`,
      output_tokens: sql<number>`coalesce(sum(${semanticJudgeCalls.outputTokens}), 0)`,
    })
    .from(semanticJudgeCalls)
    .where(
      and(
        eq(semanticJudgeCalls.organizationId, organizationId),
        gte(semanticJudgeCalls.createdAt, period.start),
        lt(semanticJudgeCalls.createdAt, period.end),
      ),
    );
  return { reviews: row?.reviews ?? 0, input_tokens: row?.input_tokens ?? 0, output_tokens: row?.output_tokens ?? 0 };
}
