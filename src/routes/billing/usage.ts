import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf } from "../../middleware/auth.ts";
import { readUsage } from "../../services/billing/allowance.ts";
import { judgeBudgetIn } from "../../services/judge/budget.ts";
import { defineRoute } from "../define.ts";
import { UsageSchema } from "./schema.ts";

export const getUsageRoute = defineRoute({
  method: "get",
  path: "/v1/usage",
  operationId: "getUsage",
  tags: ["Billing"],
  summary: "Read plan usage",
  description:
    "The organization's plan, its monthly review-run allowance, the runs accepted this period and what remains. Periods are calendar months (UTC), or the Stripe billing period once the organization subscribes. Creating runs past the allowance answers `402 usage_limit_exceeded`. `semantic_judge` shows the tokens the optional semantic judge spent in the same period and what is left of its token budget.",
  auth: { apiKey: "billing:read" },
  responses: {
    200: { description: "Usage for the current period.", content: { "application/json": { schema: UsageSchema } } },
  },
});

export function registerGetUsage(app: OpenAPIHono<AppEnv>) {
  app.openapi(getUsageRoute, async (c) => {
    const organizationId = authOf(c).organizationId;
    const usage = await readUsage(c.env, organizationId);
    const judge = await judgeBudgetIn(c.env, organizationId, usage.period);
    const body = UsageSchema.parse({
      plan: usage.plan,
      monthly_limit: usage.monthlyLimit,
      used: usage.used,
      remaining: usage.remaining,
      period_start: usage.period.start,
      period_end: usage.period.end,
      semantic_judge: { ...judge.spend, monthly_token_budget: judge.limit, tokens_remaining: judge.remaining },
      request_id: c.get("requestId"),
    });
    return c.json(body, 200);
  });
}
