import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Bindings } from "../../src/env.ts";
import { CheckoutSessionSchema, PortalSessionSchema } from "../../src/routes/billing/schema.ts";
import { BASE, type Tenant, call, expectError, seedTenant } from "../helpers/harness.ts";
import { checkoutSessionObject, customerObject, interceptStripe, portalSessionObject, stripeIds } from "../helpers/stripe.ts";

const SUCCESS_URL = "https://app.example.com/billing/success";
const CANCEL_URL = "https://app.example.com/billing";

function stripeAnswering(tenant: Tenant, customerId = stripeIds.customer()) {
  return interceptStripe({
    "POST /v1/customers": ({ form }) => ({
      body: customerObject(customerId, form.get("metadata[organization_id]")!, form.get("name")!),
    }),
    "POST /v1/checkout/sessions": ({ form }) => ({
      body: checkoutSessionObject({
        id: stripeIds.session(),
        customer: form.get("customer")!,
        organizationId: tenant.organizationId,
        plan: form.get("metadata[plan]")!,
        successUrl: form.get("success_url")!,
        cancelUrl: form.get("cancel_url")!,
      }),
    }),
    "POST /v1/billing_portal/sessions": ({ form }) => ({ body: portalSessionObject(form.get("customer")!, form.get("return_url")!) }),
  });
}

const checkout = (key: string, json: unknown) => call("/v1/billing/checkout", { method: "POST", key, json });
const portal = (key: string, json: unknown) => call("/v1/billing/portal", { method: "POST", key, json });

/** Sends a request through a fresh app with some bindings changed (a deployment configured differently). */
async function withEnv(overrides: Partial<Bindings>, path: string, key: string, json: unknown) {
  const ctx = createExecutionContext();
  const response = await createApp().fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify(json),
    }),
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("POST /v1/billing/checkout", () => {
  it("creates the organization's Stripe customer once and a subscription checkout for the plan's price", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const customerId = stripeIds.customer();
    const stripe = stripeAnswering(tenant, customerId);

    const response = await checkout(tenant.apiKey, { plan: "pro", success_url: SUCCESS_URL, cancel_url: CANCEL_URL });
    expect(response.status).toBe(201);
    const body = CheckoutSessionSchema.parse(await response.json());
    expect(body.checkout_url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    expect(body.checkout_url).toContain(body.session_id);
    expect(response.headers.get("X-Request-Id")).toBe(body.request_id);

    const [createCustomer, createSession] = stripe.requests;
    expect(createCustomer).toMatchObject({ method: "POST", path: "/v1/customers" });
    expect(createCustomer!.form.get("metadata[organization_id]")).toBe(tenant.organizationId);
    expect(createCustomer!.headers.get("Idempotency-Key")).toBe(`kivo-customer-${tenant.organizationId}`);
    expect(createCustomer!.headers.get("Authorization")).toBe(`Bearer ${env.STRIPE_SECRET_KEY}`);
    expect(createSession).toMatchObject({ method: "POST", path: "/v1/checkout/sessions" });
    expect(Object.fromEntries(createSession!.form)).toMatchObject({
      mode: "subscription",
      customer: customerId,
      "line_items[0][price]": "price_test_pro",
      "line_items[0][quantity]": "1",
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
      client_reference_id: tenant.organizationId,
      "metadata[plan]": "pro",
    });

    const again = await checkout(tenant.apiKey, { plan: "enterprise", success_url: SUCCESS_URL, cancel_url: CANCEL_URL });
    expect(again.status).toBe(201);
    expect(stripe.requests.map((r) => r.path)).toEqual(["/v1/customers", "/v1/checkout/sessions", "/v1/checkout/sessions"]);
    expect(stripe.requests[2]!.form.get("customer")).toBe(customerId);
    expect(stripe.requests[2]!.form.get("line_items[0][price]")).toBe("price_test_enterprise");
  });

  it("refuses an unknown plan, the free plan and malformed URLs without calling Stripe", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const stripe = stripeAnswering(tenant);
    for (const [json, path] of [
      [{ plan: "platinum", success_url: SUCCESS_URL, cancel_url: CANCEL_URL }, "plan"],
      [{ plan: "free", success_url: SUCCESS_URL, cancel_url: CANCEL_URL }, "plan"],
      [{ plan: "pro", success_url: "app.example.com/done", cancel_url: CANCEL_URL }, "success_url"],
      [{ plan: "pro", success_url: SUCCESS_URL, cancel_url: "javascript:alert(1)" }, "cancel_url"],
      [{ plan: "pro", success_url: SUCCESS_URL }, "cancel_url"],
    ] as const) {
      const body = await expectError(await checkout(tenant.apiKey, json), 400, "validation_error");
      expect(body.error.details).toEqual([expect.objectContaining({ path })]);
    }
    expect(stripe.requests).toHaveLength(0);
  });

  it("accepts http return URLs outside production, and refuses them in production", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const stripe = stripeAnswering(tenant);
    const local = { plan: "pro", success_url: "http://localhost:3000/ok", cancel_url: "http://localhost:3000/no" };
    expect((await checkout(tenant.apiKey, local)).status).toBe(201);
    const sent = stripe.requests.length;

    const response = await withEnv({ KIVO_ENVIRONMENT: "production" }, "/v1/billing/checkout", tenant.apiKey, local);
    const body = await expectError(response, 400, "validation_error");
    expect(body.error.details).toEqual([
      { path: "success_url", message: "Must be an https URL in production." },
      { path: "cancel_url", message: "Must be an https URL in production." },
    ]);
    expect(stripe.requests).toHaveLength(sent);
  });

  it("answers 503 billing_not_configured without STRIPE_SECRET_KEY, or for a plan with no price configured", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const stripe = stripeAnswering(tenant);
    const json = { plan: "enterprise", success_url: SUCCESS_URL, cancel_url: CANCEL_URL };
    await expectError(
      await withEnv({ STRIPE_SECRET_KEY: undefined }, "/v1/billing/checkout", tenant.apiKey, json),
      503,
      "billing_not_configured",
    );
    await expectError(
      await withEnv({ STRIPE_PRICE_ENTERPRISE: undefined }, "/v1/billing/checkout", tenant.apiKey, json),
      503,
      "billing_not_configured",
    );
    expect(stripe.requests).toHaveLength(0);
  });

  it("answers 503 service_unavailable when Stripe refuses, and stores no customer", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const stripe = interceptStripe({
      "POST /v1/customers": () => ({
        status: 401,
        body: { error: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****kivo" } },
      }),
    });
    const body = await expectError(
      await checkout(tenant.apiKey, { plan: "pro", success_url: SUCCESS_URL, cancel_url: CANCEL_URL }),
      503,
      "service_unavailable",
    );
    expect(body.error.message).not.toContain("sk_test");
    expect(stripe.requests).toHaveLength(1);
    expect(logged.mock.calls.map(([line]) => JSON.parse(String(line)))).toContainEqual(
      expect.objectContaining({ event: "stripe_request_failed", operation: "customers.create", stripe_status: 401 }),
    );
    const row = await env.DB.prepare("SELECT count(*) AS n FROM billing_accounts WHERE organization_id = ?")
      .bind(tenant.organizationId)
      .first<{ n: number }>();
    expect(row?.n).toBe(0);
  });
});

describe("POST /v1/billing/portal", () => {
  it("answers 404 before the organization has a Stripe customer", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const stripe = stripeAnswering(tenant);
    const body = await expectError(await portal(tenant.apiKey, { return_url: CANCEL_URL }), 404, "not_found");
    expect(body.error.message).toContain("/v1/billing/checkout");
    expect(stripe.requests).toHaveLength(0);
  });

  it("opens a portal session for the organization's customer", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const customerId = stripeIds.customer();
    const stripe = stripeAnswering(tenant, customerId);
    await checkout(tenant.apiKey, { plan: "pro", success_url: SUCCESS_URL, cancel_url: CANCEL_URL });

    const response = await portal(tenant.apiKey, { return_url: CANCEL_URL });
    expect(response.status).toBe(201);
    const body = PortalSessionSchema.parse(await response.json());
    expect(body.portal_url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    const sent = stripe.requests.at(-1)!;
    expect(sent.path).toBe("/v1/billing_portal/sessions");
    expect(Object.fromEntries(sent.form)).toEqual({ customer: customerId, return_url: CANCEL_URL });
  });

  it("refuses a non-https return URL in production and answers 503 without Stripe configured", async () => {
    const tenant = await seedTenant({ plan: "free" });
    const production = await withEnv({ KIVO_ENVIRONMENT: "production" }, "/v1/billing/portal", tenant.apiKey, {
      return_url: "http://app.example.com/billing",
    });
    const body = await expectError(production, 400, "validation_error");
    expect(body.error.details).toEqual([{ path: "return_url", message: "Must be an https URL in production." }]);
    await expectError(
      await withEnv({ STRIPE_SECRET_KEY: undefined }, "/v1/billing/portal", tenant.apiKey, { return_url: CANCEL_URL }),
      503,
      "billing_not_configured",
    );
  });
});
