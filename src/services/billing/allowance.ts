import { and, eq, sql } from "drizzle-orm";
import { type Database, database } from "../../db/client.ts";
import { billingAccounts, organizations, usageCounters } from "../../db/schema.ts";
import type { Bindings } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { type PlanName, monthlyRunLimit } from "./plans.ts";

/**
 * The monthly review-run allowance (README, "Limits and billing"). Every run-creating path
 * reserves before it writes anything and releases if creation then fails, so
 * a refused or failed request leaves the counter as it was.
 */
export interface AllowanceReservation {
  /** Start of the allowance period whose counter holds the reservation (empty when nothing was reserved). */
  periodStart: string;
  /** Gives the reserved runs back (creation failed after the reservation). Safe to call more than once. */
  release(): Promise<void>;
}

export interface AllowancePeriod {
  /** ISO-8601 UTC, inclusive. */
  start: string;
  /** ISO-8601 UTC, exclusive. */
  end: string;
}

export interface Usage {
  plan: PlanName;
  monthlyLimit: number;
  used: number;
  remaining: number;
  period: AllowancePeriod;
}

/**
 * Reserves `count` runs for the organization, or throws
 * `ApiError("usage_limit_exceeded")` when that would pass the limit; then
 * nothing is reserved. The check and the increment are one conditional
 * upsert, which D1 applies atomically, so concurrent creates can never
 * overshoot: with 10 runs left, 100 parallel single-run reservations admit
 * exactly 10.
 */
export async function reserveReviewRuns(
  env: Bindings,
  organizationId: string,
  count: number,
): Promise<AllowanceReservation> {
  if (!Number.isInteger(count) || count < 0) throw new Error(`cannot reserve ${count} review runs`);
  if (count === 0) return { periodStart: "", release: async () => undefined };

  const db = database(env.DB);
  const state = await allowanceState(db, organizationId, new Date());
  // The upsert below checks the limit only against an existing counter, so a
  // request larger than the whole allowance is refused here.
  if (count > state.limit) {
    const used = await usedIn(db, organizationId, state.period);
    throw exceeded(count, Math.max(state.limit - used, 0), state.limit, state.period);
  }

  const admitted = await db
    .insert(usageCounters)
    .values({ organizationId, periodStart: state.period.start, periodEnd: state.period.end, used: count })
    .onConflictDoUpdate({
      target: [usageCounters.organizationId, usageCounters.periodStart],
      set: { used: sql`${usageCounters.used} + excluded.used` },
      setWhere: sql`${usageCounters.used} + excluded.used <= ${state.limit}`,
    })
    .returning({ used: usageCounters.used });
  if (admitted.length === 0) {
    const used = await usedIn(db, organizationId, state.period);
    throw exceeded(count, Math.max(state.limit - used, 0), state.limit, state.period);
  }

  let released = false;
  return {
    periodStart: state.period.start,
    release: async () => {
      if (released) return;
      released = true;
      await db
        .update(usageCounters)
        .set({ used: sql`max(${usageCounters.used} - ${count}, 0)` })
        .where(and(eq(usageCounters.organizationId, organizationId), eq(usageCounters.periodStart, state.period.start)));
    },
  };
}

/** The organization's plan, limit and runs accepted in the current period. */
export async function readUsage(env: Bindings, organizationId: string, now: Date = new Date()): Promise<Usage> {
  const db = database(env.DB);
  const state = await allowanceState(db, organizationId, now);
  const used = await usedIn(db, organizationId, state.period);
  return {
    plan: state.plan,
    monthlyLimit: state.limit,
    used,
    remaining: Math.max(state.limit - used, 0),
    period: state.period,
  };
}

/** The allowance period containing `now` for the organization: other per-period limits count in the same one. */
export async function usagePeriod(db: Database, organizationId: string, now: Date = new Date()): Promise<AllowancePeriod> {
  return (await allowanceState(db, organizationId, now)).period;
}

function exceeded(count: number, remaining: number, limit: number, period: AllowancePeriod): ApiError {
  return new ApiError("usage_limit_exceeded", {
    message:
      `The plan's monthly review-run allowance is used up: this request needs ${count} run(s), ` +
      `${remaining} of ${limit} remain until ${period.end}. Nothing was created.`,
  });
}

async function allowanceState(db: Database, organizationId: string, now: Date) {
  const [row] = await db
    .select({
      plan: organizations.plan,
      monthlyRunLimit: organizations.monthlyRunLimit,
      periodStart: billingAccounts.periodStart,
      periodEnd: billingAccounts.periodEnd,
    })
    .from(organizations)
    .leftJoin(billingAccounts, eq(billingAccounts.organizationId, organizations.id))
    .where(eq(organizations.id, organizationId))
    .limit(1);
  // Callers hold an authenticated key of this organization, so a missing row is a bug, not bad input.
  if (!row) throw new Error("allowance requested for an organization that does not exist");
  return {
    plan: row.plan,
    limit: monthlyRunLimit(row.plan, row.monthlyRunLimit),
    period: allowancePeriod(now, row.periodStart && row.periodEnd ? { start: row.periodStart, end: row.periodEnd } : null),
  };
}

async function usedIn(db: Database, organizationId: string, period: AllowancePeriod): Promise<number> {
  const [row] = await db
    .select({ used: usageCounters.used })
    .from(usageCounters)
    .where(and(eq(usageCounters.organizationId, organizationId), eq(usageCounters.periodStart, period.start)))
    .limit(1);
  return row?.used ?? 0;
}

/** Longest Stripe period taken as an allowance period; anything longer (a yearly price) counts by calendar month. */
const MAX_BILLING_PERIOD_MS = 32 * 24 * 60 * 60 * 1000;

/**
 * The allowance period containing `now`: the subscription's billing period
 * while there is one, otherwise the calendar month (UTC). A billing period
 * that has ended before its renewal webhook arrived is carried forward month
 * by month from its anchor, as Stripe renews it, so usage is never counted
 * against a stale period or an unrelated calendar month in between.
 */
export function allowancePeriod(now: Date, billing: AllowancePeriod | null): AllowancePeriod {
  if (billing) {
    let start = new Date(billing.start);
    let end = new Date(billing.end);
    const valid = start < end && end.getTime() - start.getTime() <= MAX_BILLING_PERIOD_MS && start <= now;
    for (let step = 0; valid && step < 24; step++) {
      if (now < end) return { start: start.toISOString(), end: end.toISOString() };
      start = end;
      end = addMonthsUtc(new Date(billing.end), step + 1, new Date(billing.start).getUTCDate());
    }
  }
  return calendarMonth(now);
}

export function calendarMonth(now: Date): AllowancePeriod {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/** `from` moved by whole months, on the anchor day where the month has it (Jan 31 → Feb 28 → Mar 31). */
function addMonthsUtc(from: Date, months: number, anchorDay: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(year, month, Math.min(anchorDay, lastDay), from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds()),
  );
}
