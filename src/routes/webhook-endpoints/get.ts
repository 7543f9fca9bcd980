import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { endpointView, findEndpoint } from "../../services/webhooks/endpoints.ts";
import { defineRoute } from "../define.ts";
import { EndpointIdParamSchema, EndpointResponseSchema } from "./schema.ts";

export const getEndpointRoute = defineRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{endpointId}",
  operationId: "getWebhookEndpoint",
  tags: ["Webhooks"],
  summary: "Read a webhook endpoint",
  description: "The endpoint without its secret.",
  auth: { apiKey: "webhooks:write" },
  errors: ["not_found"],
  request: { params: EndpointIdParamSchema },
  responses: { 200: { description: "The endpoint.", content: { "application/json": { schema: EndpointResponseSchema } } } },
});

export function registerGetEndpoint(app: OpenAPIHono<AppEnv>) {
  app.openapi(getEndpointRoute, async (c) => {
    const row = await findEndpoint(tenantOf(c), authOf(c).projectId, c.req.valid("param").endpointId);
    return c.json({ ...endpointView(row), request_id: c.get("requestId") }, 200);
  });
}
