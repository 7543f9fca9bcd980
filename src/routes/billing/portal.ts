import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf } from "../../middleware/auth.ts";
import { openBillingPortal } from "../../services/billing/billing.ts";
import { defineRoute } from "../define.ts";
import { requireHttpsInProduction } from "./checkout.ts";
import { PortalBodySchema, PortalSessionSchema } from "./schema.ts";

export const createPortalRoute = defineRoute({
  method: "post",
  path: "/v1/billing/portal",
  operationId: "createPortalSession",
  tags: ["Billing"],
  summary: "Open the Stripe Customer Portal",
  description:
    "Creates a Stripe Customer Portal session for the organization's Stripe customer, where it can change plan, payment method or cancel; send the user to `portal_url`. Answers 404 until the organization has started a checkout.",
  auth: { apiKey: "billing:write" },
  errors: ["not_found", "billing_not_configured", "service_unavailable"],
  maxBodyBytes: 16 * 1024,
  request: { body: { required: true, content: { "application/json": { schema: PortalBodySchema } } } },
  responses: {
    201: { description: "The portal session.", content: { "application/json": { schema: PortalSessionSchema } } },
  },
});

export function registerCreatePortal(app: OpenAPIHono<AppEnv>) {
  app.openapi(createPortalRoute, async (c) => {
    const { return_url } = c.req.valid("json");
    requireHttpsInProduction(c.env, { return_url });
    const session = await openBillingPortal(c.env, authOf(c).organizationId, return_url);
    return c.json(PortalSessionSchema.parse({ portal_url: session.url, request_id: c.get("requestId") }), 201);
  });
}
