import type { Bindings } from "../../env.ts";

export const PLAN_NAMES = ["free", "pro", "enterprise"] as const;
export type PlanName = (typeof PLAN_NAMES)[number];
export type PaidPlan = Exclude<PlanName, "free">;

export interface Plan {
  /** Review runs accepted per allowance period; `organizations.monthly_run_limit` overrides it. */
  monthlyRunLimit: number;
  /** Requests per minute per API key; `api_keys.rate_limit_per_minute` overrides it. */
  rateLimitPerMinute: number;
  /** Days a review run or import is kept after its creation; `organizations.retention_days` overrides it. */
  retentionDays: number;
  /** The config var holding the Stripe price ID that buys this plan. */
  stripePriceVar: "STRIPE_PRICE_PRO" | "STRIPE_PRICE_ENTERPRISE" | null;
}

/** The plan table. Limits are data: change them here and every check follows. */
export const PLANS: Record<PlanName, Plan> = {
  free: { monthlyRunLimit: 50, rateLimitPerMinute: 60, retentionDays: 30, stripePriceVar: null },
  pro: { monthlyRunLimit: 5_000, rateLimitPerMinute: 600, retentionDays: 90, stripePriceVar: "STRIPE_PRICE_PRO" },
  enterprise: { monthlyRunLimit: 100_000, rateLimitPerMinute: 3_000, retentionDays: 365, stripePriceVar: "STRIPE_PRICE_ENTERPRISE" },
};

export const PAID_PLANS = ["pro", "enterprise"] as const satisfies readonly PaidPlan[];

export const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * Failed authentication attempts allowed per client IP and window. Far below
 * any plan's request rate: a client that keeps presenting bad keys is either
 * misconfigured or guessing, and neither needs more.
 */
export const AUTH_FAILURE_LIMIT = 10;

export function monthlyRunLimit(plan: PlanName, override: number | null): number {
  return override ?? PLANS[plan].monthlyRunLimit;
}

export function rateLimitPerMinute(plan: PlanName, override: number | null): number {
  return override ?? PLANS[plan].rateLimitPerMinute;
}

/** The bounds an operator can set `retention_days` within. */
export const RETENTION_DAYS = { min: 1, max: 3650 } as const;

export function stripePriceFor(env: Bindings, plan: PaidPlan): string | undefined {
  const name = PLANS[plan].stripePriceVar;
  return (name && env[name]) || undefined;
}

/** The paid plan a Stripe price buys, or null for a price this deployment does not sell. */
export function planForStripePrice(env: Bindings, priceId: string): PaidPlan | null {
  return PAID_PLANS.find((plan) => stripePriceFor(env, plan) === priceId) ?? null;
}
