import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { listDeliveries } from "../../services/webhooks/endpoints.ts";
import { defineRoute } from "../define.ts";
import { DeliveryListSchema, EndpointIdParamSchema, ListDeliveriesQuerySchema } from "./schema.ts";

export const listDeliveriesRoute = defineRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{endpointId}/deliveries",
  operationId: "listWebhookDeliveries",
  tags: ["Webhooks"],
  summary: "List an endpoint's deliveries",
  description: "Newest first, with cursors like every list: each delivery's status, attempts, last answer (status and its first 200 characters) and error.",
  auth: { apiKey: "webhooks:write" },
  errors: ["not_found", "invalid_cursor"],
  request: { params: EndpointIdParamSchema, query: ListDeliveriesQuerySchema },
  responses: { 200: { description: "A page of deliveries.", content: { "application/json": { schema: DeliveryListSchema } } } },
});

export function registerListDeliveries(app: OpenAPIHono<AppEnv>) {
  app.openapi(listDeliveriesRoute, async (c) => {
    const page = await listDeliveries(tenantOf(c), authOf(c).projectId, c.req.valid("param").endpointId, c.req.valid("query"));
    return c.json({ ...page, request_id: c.get("requestId") }, 200);
  });
}
