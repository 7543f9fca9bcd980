import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { endpointView, updateEndpoint } from "../../services/webhooks/endpoints.ts";
import { defineRoute } from "../define.ts";
import { EndpointIdParamSchema, EndpointResponseSchema, UpdateEndpointRequestSchema } from "./schema.ts";

export const updateEndpointRoute = defineRoute({
  method: "patch",
  path: "/v1/webhook-endpoints/{endpointId}",
  operationId: "updateWebhookEndpoint",
  tags: ["Webhooks"],
  summary: "Update a webhook endpoint",
  description: "Changes the fields sent. A disabled endpoint gets no new deliveries, and its pending ones fail on their next attempt.",
  auth: { apiKey: "webhooks:write" },
  errors: ["not_found"],
  request: {
    params: EndpointIdParamSchema,
    body: { required: true, content: { "application/json": { schema: UpdateEndpointRequestSchema } } },
  },
  responses: { 200: { description: "The updated endpoint.", content: { "application/json": { schema: EndpointResponseSchema } } } },
});

export function registerUpdateEndpoint(app: OpenAPIHono<AppEnv>) {
  app.openapi(updateEndpointRoute, async (c) => {
    const row = await updateEndpoint(tenantOf(c), authOf(c).projectId, c.req.valid("param").endpointId, c.req.valid("json"));
    return c.json({ ...endpointView(row), request_id: c.get("requestId") }, 200);
  });
}
