import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { RequestIdSchema } from "../../schemas/common.ts";
import { deliveryView, resendDelivery } from "../../services/webhooks/endpoints.ts";
import { defineRoute } from "../define.ts";
import { DeliveryParamsSchema, DeliverySchema } from "./schema.ts";

export const resendDeliveryRoute = defineRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/resend",
  operationId: "resendWebhookDelivery",
  tags: ["Webhooks"],
  summary: "Send a delivery's event again",
  description: "Queues a new delivery of the same event (same event ID, so a receiver that already has it can ignore it), freshly signed, with its own attempts.",
  auth: { apiKey: "webhooks:write" },
  errors: ["not_found"],
  request: { params: DeliveryParamsSchema },
  responses: {
    202: { description: "The new delivery, pending.", content: { "application/json": { schema: DeliverySchema.extend({ request_id: RequestIdSchema }) } } },
  },
});

export function registerResendDelivery(app: OpenAPIHono<AppEnv>) {
  app.openapi(resendDeliveryRoute, async (c) => {
    const { endpointId, deliveryId } = c.req.valid("param");
    const row = await resendDelivery(tenantOf(c), authOf(c).projectId, endpointId, deliveryId);
    return c.json({ ...deliveryView(row), request_id: c.get("requestId") }, 202);
  });
}
