import { z } from "@hono/zod-openapi";
import { RequestIdSchema, TimestampSchema } from "../../schemas/common.ts";
import { WebhookEventTypeSchema } from "../../schemas/webhooks.ts";
import { DELIVERY_STATUSES } from "../../schemas/enums.ts";

export const EndpointIdParamSchema = z.object({
  endpointId: z
    .string()
    .max(100)
    .openapi({ param: { name: "endpointId", in: "path" }, example: "whep_01jdx3v2k8p4m6n9q1r3s5t7v9" }),
});

export const DeliveryParamsSchema = EndpointIdParamSchema.extend({
  deliveryId: z
    .string()
    .max(100)
    .openapi({ param: { name: "deliveryId", in: "path" }, example: "whdl_01jdx3v9a2b4c6d8e0f2g4h6j8" }),
});

const UrlSchema = z.string().min(1).max(2048).openapi({
  format: "uri",
  description:
    "HTTPS URL on a public host (not a private, loopback or link-local address, nor a `localhost`, `.local` or `.internal` name), without credentials. Loopback plain HTTP is accepted only where a development deployment sets `KIVO_WEBHOOK_ALLOW_LOOPBACK`.",
  example: "https://hooks.example.com/kivo",
});
const EventTypesSchema = z.array(WebhookEventTypeSchema).min(1).max(10);
const DescriptionSchema = z.string().max(300);

export const CreateEndpointRequestSchema = z
  .strictObject({ url: UrlSchema, event_types: EventTypesSchema, description: DescriptionSchema.optional(), enabled: z.boolean().optional() })
  .openapi("CreateWebhookEndpointRequest", {
    example: { url: "https://hooks.example.com/kivo", event_types: ["import.completed", "review_run.completed"], description: "Support exports" },
  });

export const UpdateEndpointRequestSchema = z
  .strictObject({
    url: UrlSchema.optional(),
    event_types: EventTypesSchema.optional(),
    description: DescriptionSchema.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .openapi("UpdateWebhookEndpointRequest", { example: { enabled: false } });

export const RotateSecretRequestSchema = z
  .strictObject({
    previous_secret_valid_for_seconds: z.number().int().min(0).max(604_800).optional().openapi({
      description: "How long the old secret keeps signing alongside the new one (default 86400; 0 ends it now).",
    }),
  })
  .openapi("RotateWebhookSecretRequest");

export const EndpointSchema = z
  .object({
    id: z.string().openapi({ example: "whep_01jdx3v2k8p4m6n9q1r3s5t7v9" }),
    project_id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(WebhookEventTypeSchema),
    enabled: z.boolean(),
    previous_secret_expires_at: TimestampSchema.nullable().openapi({ description: "Until then, deliveries also carry a signature with the previous secret." }),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .openapi("WebhookEndpoint");

export const EndpointResponseSchema = EndpointSchema.extend({ request_id: RequestIdSchema }).openapi("WebhookEndpointResponse");

export const EndpointWithSecretSchema = EndpointSchema.extend({
  secret: z.string().openapi({ description: "The signing secret (`whsec_…`), shown only in this answer.", example: "whsec_3bW9…" }),
  request_id: RequestIdSchema,
}).openapi("WebhookEndpointWithSecret");

export const EndpointListSchema = z.object({ items: z.array(EndpointSchema), request_id: RequestIdSchema }).openapi("WebhookEndpointList");

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ example: "whdl_01jdx3v9a2b4c6d8e0f2g4h6j8" }),
    endpoint_id: z.string(),
    event_id: z.string().openapi({ example: "evt_01jdx3v8z0y2x4w6v8u0t2s4r6" }),
    event_type: WebhookEventTypeSchema,
    status: z.enum(DELIVERY_STATUSES).openapi({
      description: "`pending` while attempts remain; `succeeded` on a 2xx; `failed` when the retries ran out (about a day) or the endpoint was deleted, disabled or refused.",
    }),
    attempts: z.number().int(),
    response_status: z.number().int().nullable(),
    response_excerpt: z.string().nullable().openapi({ description: "At most the first 200 characters of the last answer." }),
    error: z.string().nullable(),
    last_attempt_at: TimestampSchema.nullable(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .openapi("WebhookDelivery");

export const ListDeliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});

export const DeliveryListSchema = z
  .object({ items: z.array(DeliverySchema), next_cursor: z.string().nullable(), has_more: z.boolean(), request_id: RequestIdSchema })
  .openapi("WebhookDeliveryList");
