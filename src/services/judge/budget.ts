import { eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { organizations } from "../../db/schema.ts";
import type { Bindings } from "../../env.ts";
import { logger } from "../../lib/logger.ts";
import { type AllowancePeriod, usagePeriod } from "../billing/allowance.ts";
import { type JudgeSpend, judgeSpendIn } from "./usage.ts";

// The semantic judge's token budget: tokens (input plus output, as providers
// report them) per organization and usage period, the same period as the
// review-run allowance. The organization's own budget wins over the
// deployment's; neither set means no cap. It is checked before each call to
// a provider, so the call that crosses it is the last: one run's request
// (about a thousand tokens, docs/engine.md) past the budget, more only when
// runs of one organization are judged at the same moment.

export interface JudgeBudget {
  spend: JudgeSpend;
  /** Tokens per period; null when nothing caps them. */
  limit: number | null;
  remaining: number | null;
  exhausted: boolean;
}

export function deploymentTokenBudget(env: Pick<Bindings, "KIVO_JUDGE_MONTHLY_TOKEN_BUDGET">): number | null {
  const raw = env.KIVO_JUDGE_MONTHLY_TOKEN_BUDGET?.trim();
  if (!raw) return null;
  const parsed = Number(raw);
  if (Number.isSafeInteger(parsed) && parsed >= 0) return parsed;
  // A cap that cannot be read must not turn into no cap: spend stays at zero until it is fixed.
  logger.warn("semantic_judge_budget_unreadable", { setting: "KIVO_JUDGE_MONTHLY_TOKEN_BUDGET" });
  return 0;
}

export async function judgeBudgetIn(env: Bindings, organizationId: string, period: AllowancePeriod): Promise<JudgeBudget> {
  const [[row], spend] = await Promise.all([
    database(env.DB)
      .select({ budget: organizations.semanticJudgeMonthlyTokenBudget })
      .from(organizations)
      .where(eq(organizations.id, organizationId))
      .limit(1),
    judgeSpendIn(database(env.DB), organizationId, period),
  ]);
  const limit = row?.budget ?? deploymentTokenBudget(env);
  const used = spend.input_tokens + spend.output_tokens;
  const remaining = limit === null ? null : Math.max(limit - used, 0);
  return { spend, limit, remaining, exhausted: remaining === 0 };
}

/** The budget of the period containing `now`. */
export async function currentJudgeBudget(env: Bindings, organizationId: string, now: Date = new Date()) {
  const period = await usagePeriod(database(env.DB), organizationId, now);
  return { period, budget: await judgeBudgetIn(env, organizationId, period) };
}
