import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, Bindings } from "../../env.ts";
import { type ErrorDetail, ApiError } from "../../errors.ts";
import { authOf } from "../../middleware/auth.ts";
import { startCheckout } from "../../services/billing/billing.ts";
import { defineRoute } from "../define.ts";
import { CheckoutBodySchema, CheckoutSessionSchema } from "./schema.ts";

export const createCheckoutRoute = defineRoute({
  method: "post",
  path: "/v1/billing/checkout",
  operationId: "createCheckoutSession",
  tags: ["Billing"],
  summary: "Start a Stripe Checkout for a paid plan",
  description:
    "Creates a Stripe Checkout session that subscribes the organization to `plan`; send the user to `checkout_url`. The plan changes when Stripe confirms the payment (webhook), not when this call returns. Return URLs must be https in production.",
  auth: { apiKey: "billing:write" },
  errors: ["billing_not_configured", "service_unavailable"],
  maxBodyBytes: 16 * 1024,
  request: { body: { required: true, content: { "application/json": { schema: CheckoutBodySchema } } } },
  responses: {
    201: { description: "The checkout session.", content: { "application/json": { schema: CheckoutSessionSchema } } },
  },
});

export function registerCreateCheckout(app: OpenAPIHono<AppEnv>) {
  app.openapi(createCheckoutRoute, async (c) => {
    const body = c.req.valid("json");
    requireHttpsInProduction(c.env, { success_url: body.success_url, cancel_url: body.cancel_url });
    const session = await startCheckout(c.env, authOf(c).organizationId, {
      plan: body.plan,
      successUrl: body.success_url,
      cancelUrl: body.cancel_url,
    });
    return c.json(
      CheckoutSessionSchema.parse({ checkout_url: session.url, session_id: session.id, request_id: c.get("requestId") }),
      201,
    );
  });
}

/** Stripe sends the user back to these URLs with the session; in production that trip must be encrypted. */
export function requireHttpsInProduction(env: Bindings, urls: Record<string, string>): void {
  if (env.KIVO_ENVIRONMENT !== "production") return;
  const details: ErrorDetail[] = Object.entries(urls)
    .filter(([, url]) => new URL(url).protocol !== "https:")
    .map(([path]) => ({ path, message: "Must be an https URL in production." }));
  if (details.length > 0) throw new ApiError("validation_error", { message: "Return URLs must use https.", details });
}
