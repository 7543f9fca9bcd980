import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app.ts";
import { reserveReviewRuns } from "../../src/services/billing/allowance.ts";
import { BASE, type Tenant, call, expectError, seedTenant } from "../helpers/harness.ts";
import {
  checkoutSessionObject,
  customerObject,
  deliverWebhook,
  eventObject,
  interceptStripe,
  stripeIds,
  stripeSignature,
  subscriptionObject,
} from "../helpers/stripe.ts";

const DAY = 86_400_000;

interface Subscriber extends Tenant {
  customerId: string;
  subscriptionId: string;
}

/** A free organization that has started a checkout, so Kivo knows its Stripe customer. */
async function subscriber(options: { monthlyRunLimit?: number } = {}): Promise<Subscriber> {
  const tenant = await seedTenant({ plan: "free", ...options });
  const customerId = stripeIds.customer();
  interceptStripe({
    "POST /v1/customers": () => ({ body: customerObject(customerId, tenant.organizationId, "Test organization") }),
    "POST /v1/checkout/sessions": () => ({
      body: checkoutSessionObject({
        id: stripeIds.session(),
        customer: customerId,
        organizationId: tenant.organizationId,
        plan: "pro",
        successUrl: "https://app.example.com/ok",
        cancelUrl: "https://app.example.com/no",
      }),
    }),
  });
  const response = await call("/v1/billing/checkout", {
    method: "POST",
    key: tenant.apiKey,
    json: { plan: "pro", success_url: "https://app.example.com/ok", cancel_url: "https://app.example.com/no" },
  });
  expect(response.status).toBe(201);
  vi.restoreAllMocks();
  return { ...tenant, customerId, subscriptionId: stripeIds.subscription() };
}

function subscription(s: Subscriber, price: string, status = "active", periodStart = new Date(Date.now() - DAY)) {
  return subscriptionObject({
    id: s.subscriptionId,
    customer: s.customerId,
    price,
    status,
    periodStart,
    periodEnd: new Date(periodStart.getTime() + 30 * DAY),
  });
}

function completedCheckout(s: Subscriber) {
  return eventObject(
    "checkout.session.completed",
    checkoutSessionObject({
      id: stripeIds.session(),
      customer: s.customerId,
      organizationId: s.organizationId,
      plan: "pro",
      successUrl: "https://app.example.com/ok",
      cancelUrl: "https://app.example.com/no",
      subscription: s.subscriptionId,
      status: "complete",
    }),
  );
}

/** Stripe answering the subscription lookup a completed checkout triggers. */
function stripeWithSubscription(body: unknown) {
  return interceptStripe({ [`GET /v1/subscriptions/${(body as { id: string }).id}`]: () => ({ body }) });
}

async function usageOf(key: string) {
  const response = await call("/v1/usage", { key });
  expect(response.status).toBe(200);
  return {
    ...((await response.json()) as { plan: string; monthly_limit: number; used: number; remaining: number; period_start: string; period_end: string }),
    rateLimit: Number(response.headers.get("RateLimit-Limit")),
  };
}

/** Everything a webhook could change for the organization. */
async function billingState(organizationId: string) {
  const organization = await env.DB.prepare("SELECT plan FROM organizations WHERE id = ?").bind(organizationId).first();
  const account = await env.DB.prepare(
    "SELECT stripe_subscription_id, subscription_status, period_start, period_end, last_event_created FROM billing_accounts WHERE organization_id = ?",
  )
    .bind(organizationId)
    .first();
  const events = await env.DB.prepare("SELECT id FROM stripe_events WHERE organization_id = ? ORDER BY id")
    .bind(organizationId)
    .all();
  return { organization, account, events: events.results };
}

async function receipt(response: Response) {
  expect(response.status).toBe(200);
  const body = (await response.json()) as { received: boolean; applied: boolean; request_id: string };
  expect(body.received).toBe(true);
  expect(body.request_id).toMatch(/^req_/);
  return body;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("POST /v1/billing/webhooks", () => {
  it("applies a completed checkout: the plan, its limits and the Stripe billing period", async () => {
    const s = await subscriber();
    await reserveReviewRuns(env, s.organizationId, 50);
    await expect(reserveReviewRuns(env, s.organizationId, 1)).rejects.toMatchObject({ code: "usage_limit_exceeded" });

    const sub = subscription(s, "price_test_pro");
    const stripe = stripeWithSubscription(sub);
    expect((await receipt(await deliverWebhook(completedCheckout(s)))).applied).toBe(true);
    expect(stripe.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/subscriptions/${s.subscriptionId}`]);

    const item = sub.items.data[0]!;
    expect(await usageOf(s.apiKey)).toMatchObject({
      plan: "pro",
      monthly_limit: 5000,
      used: 0,
      remaining: 5000,
      period_start: new Date(item.current_period_start * 1000).toISOString(),
      period_end: new Date(item.current_period_end * 1000).toISOString(),
      rateLimit: 600,
    });
    await reserveReviewRuns(env, s.organizationId, 1);
    expect((await usageOf(s.apiKey)).used).toBe(1);
  });

  it("follows subscription updates between plans, and a deleted subscription back to free", async () => {
    const s = await subscriber();
    stripeWithSubscription(subscription(s, "price_test_pro"));
    await receipt(await deliverWebhook(completedCheckout(s)));

    const upgraded = await deliverWebhook(eventObject("customer.subscription.updated", subscription(s, "price_test_enterprise")));
    expect((await receipt(upgraded)).applied).toBe(true);
    expect(await usageOf(s.apiKey)).toMatchObject({ plan: "enterprise", monthly_limit: 100_000, rateLimit: 3000 });

    const deleted = await deliverWebhook(
      eventObject("customer.subscription.deleted", subscription(s, "price_test_enterprise", "canceled")),
    );
    expect((await receipt(deleted)).applied).toBe(true);
    const now = new Date();
    expect(await usageOf(s.apiKey)).toMatchObject({
      plan: "free",
      monthly_limit: 50,
      rateLimit: 60,
      period_start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
    });
    expect((await billingState(s.organizationId)).account).toMatchObject({ stripe_subscription_id: null, subscription_status: "canceled" });
  });

  it("ends the paid plan when an update reports the subscription unpaid, and keeps it while past due", async () => {
    const s = await subscriber();
    await receipt(await deliverWebhook(eventObject("customer.subscription.updated", subscription(s, "price_test_pro"))));
    await receipt(await deliverWebhook(eventObject("customer.subscription.updated", subscription(s, "price_test_pro", "past_due"))));
    expect((await usageOf(s.apiKey)).plan).toBe("pro");
    await receipt(await deliverWebhook(eventObject("customer.subscription.updated", subscription(s, "price_test_pro", "unpaid"))));
    expect((await usageOf(s.apiKey)).plan).toBe("free");
  });

  it("applies a redelivered event once, and ignores an event older than the last one applied", async () => {
    const s = await subscriber();
    const upgrade = eventObject("customer.subscription.updated", subscription(s, "price_test_enterprise"), {
      created: new Date(Date.now() - 60_000),
    });
    expect((await receipt(await deliverWebhook(upgrade))).applied).toBe(true);
    const downgrade = eventObject("customer.subscription.deleted", subscription(s, "price_test_enterprise", "canceled"));
    expect((await receipt(await deliverWebhook(downgrade))).applied).toBe(true);
    const before = await billingState(s.organizationId);

    // Stripe redelivers with a fresh signature: acknowledged, so it stops retrying, but not applied again.
    expect((await receipt(await deliverWebhook(upgrade))).applied).toBe(false);
    const late = eventObject("customer.subscription.updated", subscription(s, "price_test_pro"), {
      created: new Date(Date.now() - 30_000),
    });
    expect((await receipt(await deliverWebhook(late))).applied).toBe(false);

    const after = await billingState(s.organizationId);
    expect(after.organization).toEqual({ plan: "free" });
    expect(after.account).toEqual(before.account);
    expect(after.events).toHaveLength(3);
  });

  it("applies an event delivered several times at once exactly once", async () => {
    const s = await subscriber();
    const event = eventObject("customer.subscription.updated", subscription(s, "price_test_pro"));
    const receipts = await Promise.all(Array.from({ length: 5 }, () => deliverWebhook(event).then(receipt)));
    expect(receipts.filter((r) => r.applied)).toHaveLength(1);
    expect((await billingState(s.organizationId)).events).toHaveLength(1);
  });

  describe("refuses, changing nothing,", () => {
    async function expectRefused(s: Subscriber, response: Response, status: number, code: string) {
      const before = await billingState(s.organizationId);
      const body = await expectError(response, status, code);
      expect(await billingState(s.organizationId)).toEqual(before);
      expect(before.organization).toEqual({ plan: "free" });
      expect(before.events).toHaveLength(0);
      return body;
    }

    it("a payload signed with another secret, a tampered payload, or no signature", async () => {
      const s = await subscriber();
      const event = eventObject("customer.subscription.updated", subscription(s, "price_test_enterprise"));

      const wrongSecret = await deliverWebhook(event, { secret: "whsec_someone_else" });
      const body = await expectRefused(s, wrongSecret, 400, "validation_error");
      expect(body.error.details).toEqual([expect.objectContaining({ path: "stripe-signature" })]);

      const signed = JSON.stringify(event, null, 2);
      const tampered = signed.replace("price_test_enterprise", "price_test_pro");
      await expectRefused(s, await deliverWebhook(event, { payload: tampered, signature: await stripeSignature(signed) }), 400, "validation_error");

      const unsigned = await call("/v1/billing/webhooks", { method: "POST", json: event });
      const missing = await expectRefused(s, unsigned, 400, "validation_error");
      expect(missing.error.details).toEqual([expect.objectContaining({ path: "stripe-signature" })]);
    });

    it("a correctly signed event whose timestamp is more than 5 minutes old (a replay)", async () => {
      const s = await subscriber();
      const event = eventObject("customer.subscription.updated", subscription(s, "price_test_enterprise"));
      const stale = await deliverWebhook(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
      const body = await expectRefused(s, stale, 400, "validation_error");
      expect(body.error.message).toContain("too old");
    });

    it("an event type Kivo does not handle", async () => {
      const s = await subscriber();
      const invoice = { id: "in_1Kivo", object: "invoice", customer: s.customerId, status: "paid" };
      const body = await expectRefused(s, await deliverWebhook(eventObject("invoice.paid", invoice)), 400, "validation_error");
      expect(body.error.message).toContain("invoice.paid");
    });

    it("an event for a Stripe customer no organization is linked to", async () => {
      const s = await subscriber();
      const stranger = { ...s, customerId: stripeIds.customer() };
      const event = eventObject("customer.subscription.updated", subscription(stranger, "price_test_enterprise"));
      const body = await expectRefused(s, await deliverWebhook(event), 404, "not_found");
      expect(body.error.message).toContain(stranger.customerId);
    });

    it("a subscription to a price this deployment does not sell", async () => {
      const s = await subscriber();
      const event = eventObject("customer.subscription.updated", subscription(s, "price_someone_elses"));
      await expectRefused(s, await deliverWebhook(event), 400, "validation_error");
    });

    it("any event while the webhook secret is not configured", async () => {
      const s = await subscriber();
      const payload = JSON.stringify(eventObject("customer.subscription.updated", subscription(s, "price_test_pro")));
      const ctx = createExecutionContext();
      const response = await createApp().fetch(
        new Request(`${BASE}/v1/billing/webhooks`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Stripe-Signature": await stripeSignature(payload) },
          body: payload,
        }),
        { ...env, STRIPE_WEBHOOK_SECRET: undefined },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      await expectRefused(s, response, 503, "billing_not_configured");
    });
  });

  it("leaves a second checkout to the portal once the organization subscribes", async () => {
    const s = await subscriber();
    await receipt(await deliverWebhook(eventObject("customer.subscription.updated", subscription(s, "price_test_pro"))));
    const stripe = interceptStripe({});
    const body = await expectError(
      await call("/v1/billing/checkout", {
        method: "POST",
        key: s.apiKey,
        json: { plan: "enterprise", success_url: "https://app.example.com/ok", cancel_url: "https://app.example.com/no" },
      }),
      400,
      "validation_error",
    );
    expect(body.error.details).toEqual([expect.objectContaining({ path: "plan" })]);
    expect(stripe.requests).toHaveLength(0);
  });
});
