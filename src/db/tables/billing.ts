import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { organizations } from "./tenancy.ts";

/**
 * Runs accepted per organization and allowance period. The period is keyed by
 * its start, so a new calendar month or Stripe billing period starts a fresh
 * row instead of needing a reset job.
 */
export const usageCounters = sqliteTable(
  "usage_counters",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    periodStart: text("period_start").notNull(),
    periodEnd: text("period_end").notNull(),
    used: integer("used").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.periodStart] })],
);

/**
 * An organization's link to Stripe: created with the Stripe customer at its
 * first checkout, then kept current by webhooks. The plan itself stays on
 * `organizations.plan`, where authentication already reads it.
 */
export const billingAccounts = sqliteTable("billing_accounts", {
  organizationId: text("organization_id")
    .primaryKey()
    .references(() => organizations.id),
  stripeCustomerId: text("stripe_customer_id").notNull().unique(),
  stripeSubscriptionId: text("stripe_subscription_id"),
  /** Stripe's subscription status (`active`, `past_due`, `canceled`, …), or null before the first subscription. */
  subscriptionStatus: text("subscription_status"),
  /** The subscription's current billing period; allowance periods follow it while it is set. */
  periodStart: text("period_start"),
  periodEnd: text("period_end"),
  /** `created` (epoch seconds) of the last applied event, so an older event delivered late changes nothing. */
  lastEventCreated: integer("last_event_created").notNull().default(0),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** Stripe event IDs already applied: a redelivered or replayed event changes nothing. */
export const stripeEvents = sqliteTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  organizationId: text("organization_id"),
  processedAt: text("processed_at").notNull(),
});
