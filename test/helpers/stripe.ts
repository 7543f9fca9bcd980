import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { call } from "./harness.ts";

/**
 * Stripe, intercepted at the HTTP boundary: the Worker's real Stripe SDK
 * sends real requests through `fetch`, and these answer them with bodies in
 * the shape Stripe's API returns (API version 2026-10-28.endive, trimmed to
 * the fields Kivo reads plus their usual neighbours).
 */
export interface StripeRequest {
  method: string;
  path: string;
  form: URLSearchParams;
  headers: Headers;
}

type Handler = (request: StripeRequest) => { status?: number; body: unknown };

export function interceptStripe(handlers: Record<string, Handler>) {
  const requests: StripeRequest[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    const url = new URL(request.url);
    if (url.hostname !== "api.stripe.com") throw new Error(`unexpected outbound request to ${url.hostname}`);
    const form = new URLSearchParams(
      request.method === "GET" ? url.search : new TextDecoder().decode(await request.arrayBuffer()),
    );
    const recorded = { method: request.method, path: url.pathname, form, headers: request.headers };
    requests.push(recorded);
    const handler = handlers[`${request.method} ${url.pathname}`];
    const { status = 200, body } = handler
      ? handler(recorded)
      : {
          status: 404,
          body: { error: { type: "invalid_request_error", message: `Unrecognized request URL (${request.method}: ${url.pathname}).` } },
        };
    return new Response(JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/json", "Request-Id": `req_${crypto.randomUUID().slice(0, 14)}` },
    });
  });
  return { requests, spy };
}

const unix = (date: Date) => Math.floor(date.getTime() / 1000);
const suffix = () => crypto.randomUUID().replaceAll("-", "").slice(0, 14);

export const stripeIds = {
  customer: () => `cus_${suffix()}`,
  subscription: () => `sub_${suffix()}`,
  event: () => `evt_${suffix()}`,
  session: () => `cs_test_${suffix()}`,
};

export function customerObject(id: string, organizationId: string, name: string) {
  return {
    id,
    object: "customer",
    address: null,
    balance: 0,
    created: unix(new Date()),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    email: null,
    invoice_prefix: "A1B2C3D4",
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: { organization_id: organizationId },
    name,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

export function checkoutSessionObject(fields: {
  id: string;
  customer: string;
  organizationId: string;
  plan: string;
  successUrl: string;
  cancelUrl: string;
  subscription?: string | null;
  status?: "open" | "complete";
}) {
  const completed = fields.status === "complete";
  return {
    id: fields.id,
    object: "checkout.session",
    cancel_url: fields.cancelUrl,
    client_reference_id: fields.organizationId,
    created: unix(new Date()),
    currency: "usd",
    customer: fields.customer,
    expires_at: unix(new Date()) + 86_400,
    livemode: false,
    metadata: { organization_id: fields.organizationId, plan: fields.plan },
    mode: "subscription",
    payment_status: completed ? "paid" : "unpaid",
    status: fields.status ?? "open",
    subscription: fields.subscription ?? null,
    success_url: fields.successUrl,
    ui_mode: "hosted",
    url: completed ? null : `https://checkout.stripe.com/c/pay/${fields.id}#fidkdWxOYHwnPyd1blpxYHZxWjA0`,
  };
}

export function subscriptionObject(fields: {
  id: string;
  customer: string;
  price: string;
  status?: string;
  periodStart: Date;
  periodEnd: Date;
}) {
  const start = unix(fields.periodStart);
  const end = unix(fields.periodEnd);
  return {
    id: fields.id,
    object: "subscription",
    billing_cycle_anchor: start,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: fields.status === "canceled" ? end : null,
    collection_method: "charge_automatically",
    created: start,
    currency: "usd",
    customer: fields.customer,
    ended_at: fields.status === "canceled" ? end : null,
    items: {
      object: "list",
      data: [
        {
          id: `si_${suffix()}`,
          object: "subscription_item",
          created: start,
          current_period_end: end,
          current_period_start: start,
          metadata: {},
          price: {
            id: fields.price,
            object: "price",
            active: true,
            billing_scheme: "per_unit",
            currency: "usd",
            livemode: false,
            lookup_key: null,
            product: "prod_KivoPlan",
            recurring: { interval: "month", interval_count: 1, usage_type: "licensed" },
            type: "recurring",
            unit_amount: 4900,
          },
          quantity: 1,
          subscription: fields.id,
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/subscription_items?subscription=${fields.id}`,
    },
    latest_invoice: `in_${suffix()}`,
    livemode: false,
    metadata: {},
    start_date: start,
    status: fields.status ?? "active",
  };
}

export function portalSessionObject(customer: string, returnUrl: string) {
  return {
    id: `bps_${suffix()}`,
    object: "billing_portal.session",
    configuration: "bpc_1KivoDefault",
    created: unix(new Date()),
    customer,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: returnUrl,
    url: `https://billing.stripe.com/p/session/test_${suffix()}`,
  };
}

export function eventObject(type: string, object: unknown, options: { id?: string; created?: Date } = {}) {
  return {
    id: options.id ?? stripeIds.event(),
    object: "event",
    api_version: "2026-10-28.endive",
    created: unix(options.created ?? new Date()),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** The `Stripe-Signature` header as Stripe computes it: HMAC-SHA256 over `<timestamp>.<payload>`. */
export async function stripeSignature(
  payload: string,
  options: { secret?: string; timestamp?: number } = {},
): Promise<string> {
  const timestamp = options.timestamp ?? unix(new Date());
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(options.secret ?? env.STRIPE_WEBHOOK_SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${payload}`)));
  const hex = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `t=${timestamp},v1=${hex}`;
}

export async function deliverWebhook(
  event: unknown,
  options: { secret?: string; timestamp?: number; signature?: string; payload?: string } = {},
): Promise<Response> {
  const payload = JSON.stringify(event, null, 2);
  const signature = options.signature ?? (await stripeSignature(payload, options));
  return call("/v1/billing/webhooks", {
    method: "POST",
    body: options.payload ?? payload,
    headers: { "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature },
  });
}
