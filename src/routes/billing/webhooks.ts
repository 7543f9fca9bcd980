import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { HANDLED_STRIPE_EVENTS, applyStripeEvent, verifyStripeEvent } from "../../services/billing/billing.ts";
import { defineRoute } from "../define.ts";
import { WebhookHeadersSchema, WebhookReceiptSchema } from "./schema.ts";

export const stripeWebhookRoute = defineRoute({
  method: "post",
  path: "/v1/billing/webhooks",
  operationId: "receiveStripeWebhook",
  tags: ["Billing"],
  summary: "Receive Stripe events",
  description: `Stripe's webhook endpoint. The \`Stripe-Signature\` header is checked against \`STRIPE_WEBHOOK_SECRET\` and must be at most 5 minutes old. Handled events: ${HANDLED_STRIPE_EVENTS.map((t) => `\`${t}\``).join(", ")}; they set the organization's plan and billing period. An event already processed answers 200 with \`applied: false\` and changes nothing. Other event types, unknown customers and bad signatures are refused and change nothing.`,
  auth: { public: true },
  errors: ["validation_error", "not_found", "billing_not_configured", "service_unavailable"],
  maxBodyBytes: 512 * 1024,
  request: {
    headers: WebhookHeadersSchema,
    body: {
      required: true,
      description: "A Stripe event, exactly as Stripe sent it (the signature covers the raw bytes).",
      content: { "application/json": { schema: { type: "object", description: "A Stripe `Event` object." } } },
    },
  },
  responses: {
    200: { description: "The event was received.", content: { "application/json": { schema: WebhookReceiptSchema } } },
  },
});

export function registerStripeWebhook(app: OpenAPIHono<AppEnv>) {
  app.openapi(stripeWebhookRoute, async (c) => {
    const event = await verifyStripeEvent(c.env, await c.req.text(), c.req.valid("header")["stripe-signature"]);
    const { applied } = await applyStripeEvent(c.env, event);
    return c.json(WebhookReceiptSchema.parse({ received: true, applied, request_id: c.get("requestId") }), 200);
  });
}
