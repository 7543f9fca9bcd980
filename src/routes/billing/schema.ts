import { z } from "@hono/zod-openapi";
import { PAID_PLANS } from "../../services/billing/plans.ts";
import { PlanSchema } from "../admin/schema.ts";
import { RequestIdSchema, TimestampSchema } from "../../schemas/common.ts";

export const UsageSchema = z
  .object({
    plan: PlanSchema,
    monthly_limit: z.number().int().openapi({ example: 50 }),
    used: z.number().int().openapi({ description: "Review runs accepted this period.", example: 12 }),
    remaining: z.number().int().openapi({ example: 38 }),
    period_start: TimestampSchema.openapi({ example: "2026-11-01T00:00:00.000Z" }),
    period_end: TimestampSchema.openapi({
      description: "End of the period (exclusive): the calendar month (UTC), or the Stripe billing period once subscribed.",
      example: "2026-12-01T00:00:00.000Z",
    }),
    semantic_judge: z
      .object({
        reviews: z.number().int().openapi({ description: "Reviews this period whose semantic judge called its provider (cache hits excluded)." }),
        input_tokens: z.number().int(),
        output_tokens: z.number().int(),
        monthly_token_budget: z.number().int().nullable().openapi({
          description: "Tokens (input plus output) the judge may spend this period; `null` when nothing caps them.",
          example: 5_000_000,
        }),
        tokens_remaining: z.number().int().nullable().openapi({
          description:
            "What is left of the budget (never negative). At `0`, runs are reviewed by the deterministic engine alone and record `semantic_judge: {status: \"unavailable\", reason: \"budget_exhausted\"}`; creating a run with `semantic_judge: \"required\"` answers `402 semantic_judge_budget_exhausted`.",
          example: 4_210_400,
        }),
      })
      .openapi({ description: "Tokens the optional semantic judge spent this period, as its provider reported them, and its token budget." }),
    request_id: RequestIdSchema,
  })
  .openapi("Usage");

const ReturnUrlSchema = z
  .url({ protocol: /^https?$/, error: "Must be an absolute http(s) URL." })
  .max(2048)
  .openapi({ example: "https://app.example.com/billing" });

export const CheckoutBodySchema = z
  .strictObject({
    plan: z.enum(PAID_PLANS).openapi({ description: "The paid plan to subscribe to." }),
    success_url: ReturnUrlSchema.openapi({ example: "https://app.example.com/billing/success" }),
    cancel_url: ReturnUrlSchema.openapi({ example: "https://app.example.com/billing" }),
  })
  .openapi("CheckoutRequest");

export const CheckoutSessionSchema = z
  .object({
    checkout_url: z.string().openapi({ example: "https://checkout.stripe.com/c/pay/cs_test_a1b2c3" }),
    session_id: z.string().openapi({ example: "cs_test_a1b2c3" }),
    request_id: RequestIdSchema,
  })
  .openapi("CheckoutSession");

export const PortalBodySchema = z.strictObject({ return_url: ReturnUrlSchema }).openapi("PortalRequest");

export const PortalSessionSchema = z
  .object({
    portal_url: z.string().openapi({ example: "https://billing.stripe.com/p/session/test_a1b2c3" }),
    request_id: RequestIdSchema,
  })
  .openapi("PortalSession");

export const WebhookHeadersSchema = z.object({
  "stripe-signature": z
    .string()
    .min(1)
    .max(4096)
    .openapi({ description: "Stripe's signature over the timestamp and the raw body.", example: "t=1795392000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd" }),
});

export const WebhookReceiptSchema = z
  .object({
    received: z.literal(true),
    applied: z.boolean().openapi({
      description: "False when the event changed nothing: already processed, older than the last applied event, or about a replaced subscription.",
    }),
    request_id: RequestIdSchema,
  })
  .openapi("WebhookReceipt");
