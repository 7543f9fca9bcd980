import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { type Database, database } from "../../db/client.ts";
import { billingAccounts, organizations, stripeEvents } from "../../db/schema.ts";
import type { Bindings } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow } from "../../ids.ts";
import { logger } from "../../lib/logger.ts";
import { type PaidPlan, type PlanName, planForStripePrice, stripePriceFor } from "./plans.ts";
import { callStripe, idOf, stripeClient, webCrypto } from "./stripe.ts";

type BillingAccount = typeof billingAccounts.$inferSelect;

/** Subscription statuses that keep the paid plan; `past_due` included, as Stripe is still retrying the payment. */
const PAID_STATUSES = new Set<string>(["active", "trialing", "past_due"]);
/** Statuses that end the paid plan. `incomplete` is neither: the first payment is still pending. */
const ENDED_STATUSES = new Set<string>(["canceled", "unpaid", "incomplete_expired", "paused"]);

export const HANDLED_STRIPE_EVENTS = [
  "checkout.session.completed",
  "customer.subscription.updated",
  "customer.subscription.deleted",
] as const;
type HandledEvent = (typeof HANDLED_STRIPE_EVENTS)[number];

export async function startCheckout(
  env: Bindings,
  organizationId: string,
  input: { plan: PaidPlan; successUrl: string; cancelUrl: string },
): Promise<{ url: string; id: string }> {
  const stripe = stripeClient(env);
  const price = stripePriceFor(env, input.plan);
  if (!price) {
    throw new ApiError("billing_not_configured", { message: `The ${input.plan} plan is not for sale on this deployment.` });
  }
  const db = database(env.DB);
  const account = await ensureBillingAccount(db, stripe, organizationId);
  // A second checkout would start a second, separately billed subscription.
  if (account.stripeSubscriptionId && PAID_STATUSES.has(account.subscriptionStatus ?? "")) {
    throw new ApiError("validation_error", {
      message: "The organization already has a subscription.",
      details: [{ path: "plan", message: "Change plans in the billing portal (POST /v1/billing/portal)." }],
    });
  }
  const session = await callStripe("checkout.sessions.create", () =>
    stripe.checkout.sessions.create({
      mode: "subscription",
      customer: account.stripeCustomerId,
      line_items: [{ price, quantity: 1 }],
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      client_reference_id: organizationId,
      metadata: { organization_id: organizationId, plan: input.plan },
      subscription_data: { metadata: { organization_id: organizationId, plan: input.plan } },
    }),
  );
  if (!session.url) {
    logger.error("stripe_checkout_without_url", { organization_id: organizationId, session_id: session.id });
    throw new ApiError("service_unavailable", { message: "The billing provider did not return a checkout page. Retry later." });
  }
  return { url: session.url, id: session.id };
}

export async function openBillingPortal(env: Bindings, organizationId: string, returnUrl: string): Promise<{ url: string }> {
  const stripe = stripeClient(env);
  const account = await accountOf(database(env.DB), organizationId);
  if (!account) {
    throw new ApiError("not_found", {
      message: "This organization has no Stripe customer yet. Subscribe with POST /v1/billing/checkout first.",
    });
  }
  const session = await callStripe("billingPortal.sessions.create", () =>
    stripe.billingPortal.sessions.create({ customer: account.stripeCustomerId, return_url: returnUrl }),
  );
  return { url: session.url };
}

/** Checks the `Stripe-Signature` header (HMAC over timestamp and payload, at most 5 minutes old) and parses the event. */
export async function verifyStripeEvent(env: Bindings, payload: string, signature: string): Promise<Stripe.Event> {
  const secret = env.STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new ApiError("billing_not_configured");
  const stripe = stripeClient(env);
  try {
    return await stripe.webhooks.constructEventAsync(payload, signature, secret, undefined, webCrypto);
  } catch (error) {
    const stale = error instanceof Error && /tolerance/i.test(error.message);
    throw new ApiError("validation_error", {
      message: stale ? "The webhook signature is too old; replayed events are refused." : "The webhook signature is invalid.",
      details: [
        {
          path: "stripe-signature",
          message: stale
            ? "The signed timestamp is more than 5 minutes from now."
            : "No signature matches the payload for the configured webhook secret.",
        },
      ],
    });
  }
}

/**
 * Applies a verified Stripe event to the organization it concerns. Each event
 * is applied at most once (its ID is stored in the same D1 transaction as the
 * change), and an event older than the last one applied changes nothing, since
 * Stripe does not promise delivery order.
 */
export async function applyStripeEvent(env: Bindings, event: Stripe.Event): Promise<{ applied: boolean }> {
  if (!isHandled(event.type)) {
    throw new ApiError("validation_error", {
      message: `Kivo does not handle \`${event.type}\` events.`,
      details: [{ path: "type", message: `Expected one of: ${HANDLED_STRIPE_EVENTS.join(", ")}.` }],
    });
  }
  const db = database(env.DB);
  if (await alreadyProcessed(db, event.id)) return { applied: false };

  const { customerId, subscriptionId, subscription: sent } = subjectOf(event);
  const account = customerId ? await accountByCustomer(db, customerId) : undefined;
  if (!account) {
    throw new ApiError("not_found", { message: `No organization is linked to Stripe customer ${customerId ?? "(none)"}.` });
  }
  const subscription =
    sent ??
    (await callStripe("subscriptions.retrieve", () => stripeClient(env).subscriptions.retrieve(subscriptionId!)));

  const record = db.insert(stripeEvents).values({
    id: event.id,
    type: event.type,
    organizationId: account.organizationId,
    processedAt: isoNow(),
  });
  const change = planChange(env, event, account, subscription);
  try {
    if (!change) {
      await record.run();
      return { applied: false };
    }
    await db.batch([
      record,
      db
        .update(billingAccounts)
        .set({
          stripeSubscriptionId: change.subscriptionId,
          subscriptionStatus: subscription.status,
          periodStart: change.period?.start ?? null,
          periodEnd: change.period?.end ?? null,
          lastEventCreated: event.created,
          updatedAt: isoNow(),
        })
        .where(eq(billingAccounts.organizationId, account.organizationId)),
      db.update(organizations).set({ plan: change.plan }).where(eq(organizations.id, account.organizationId)),
    ]);
  } catch (error) {
    // The same event delivered twice at once: the other delivery applied it.
    if (isDuplicateEvent(error)) return { applied: false };
    throw error;
  }
  logger.info("billing_plan_applied", {
    organization_id: account.organizationId,
    event_id: event.id,
    event_type: event.type,
    plan: change.plan,
    subscription_status: subscription.status,
  });
  return { applied: true };
}

interface PlanChange {
  plan: PlanName;
  subscriptionId: string | null;
  period: { start: string; end: string } | null;
}

/** What the event means for the organization, or null when it changes nothing. */
function planChange(env: Bindings, event: Stripe.Event, account: BillingAccount, subscription: Stripe.Subscription): PlanChange | null {
  if (event.created < account.lastEventCreated) return null;
  // Events about a subscription other than the current one (an older, replaced
  // subscription winding down) must not touch the current one. A completed
  // checkout always names the subscription it just created.
  const current = account.stripeSubscriptionId;
  if (event.type !== "checkout.session.completed" && current && current !== subscription.id) return null;

  if (event.type === "customer.subscription.deleted" || ENDED_STATUSES.has(subscription.status)) {
    return { plan: "free", subscriptionId: null, period: null };
  }
  if (!PAID_STATUSES.has(subscription.status)) return null;

  const item = subscription.items.data[0];
  const plan = item ? planForStripePrice(env, item.price.id) : null;
  if (!item || !plan) {
    throw new ApiError("validation_error", {
      message: "The subscription's price is not one this deployment sells.",
      details: [{ path: "data.object.items", message: `Price ${item?.price.id ?? "(none)"} matches no plan's configured Stripe price.` }],
    });
  }
  return {
    plan,
    subscriptionId: subscription.id,
    period: {
      start: new Date(item.current_period_start * 1000).toISOString(),
      end: new Date(item.current_period_end * 1000).toISOString(),
    },
  };
}

function subjectOf(event: Stripe.Event): {
  customerId: string | null;
  subscriptionId: string | null;
  subscription: Stripe.Subscription | null;
} {
  if (event.type === "checkout.session.completed") {
    const session = event.data.object;
    const subscriptionId = idOf(session.subscription);
    if (session.mode !== "subscription" || !subscriptionId) {
      throw new ApiError("validation_error", {
        message: "Only subscription checkouts change a plan.",
        details: [{ path: "data.object.mode", message: "Expected a subscription checkout session." }],
      });
    }
    return { customerId: idOf(session.customer), subscriptionId, subscription: null };
  }
  const subscription = event.data.object as Stripe.Subscription;
  return { customerId: idOf(subscription.customer), subscriptionId: subscription.id, subscription };
}

/** D1's unique-constraint error on stripe_events, possibly wrapped by drizzle (as `cause`). */
function isDuplicateEvent(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (/UNIQUE constraint failed: stripe_events/i.test(e.message)) return true;
  }
  return false;
}

const isHandled = (type: string): type is HandledEvent => (HANDLED_STRIPE_EVENTS as readonly string[]).includes(type);

async function alreadyProcessed(db: Database, eventId: string): Promise<boolean> {
  const [row] = await db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, eventId)).limit(1);
  return Boolean(row);
}

async function accountOf(db: Database, organizationId: string): Promise<BillingAccount | undefined> {
  const [row] = await db.select().from(billingAccounts).where(eq(billingAccounts.organizationId, organizationId)).limit(1);
  return row;
}

async function accountByCustomer(db: Database, customerId: string): Promise<BillingAccount | undefined> {
  const [row] = await db.select().from(billingAccounts).where(eq(billingAccounts.stripeCustomerId, customerId)).limit(1);
  return row;
}

/**
 * The organization's Stripe customer, created at its first checkout. The
 * idempotency key makes concurrent first checkouts get the same customer.
 */
async function ensureBillingAccount(db: Database, stripe: Stripe, organizationId: string): Promise<BillingAccount> {
  const existing = await accountOf(db, organizationId);
  if (existing) return existing;
  const [organization] = await db
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .limit(1);
  const customer = await callStripe("customers.create", () =>
    stripe.customers.create(
      { name: organization?.name, metadata: { organization_id: organizationId } },
      { idempotencyKey: `kivo-customer-${organizationId}` },
    ),
  );
  const now = isoNow();
  await db
    .insert(billingAccounts)
    .values({ organizationId, stripeCustomerId: customer.id, createdAt: now, updatedAt: now })
    .onConflictDoNothing();
  const account = await accountOf(db, organizationId);
  if (!account) throw new Error("billing account vanished right after it was written");
  return account;
}
