import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { endpointView, listEndpoints } from "../../services/webhooks/endpoints.ts";
import { defineRoute } from "../define.ts";
import { EndpointListSchema } from "./schema.ts";

export const listEndpointsRoute = defineRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  operationId: "listWebhookEndpoints",
  tags: ["Webhooks"],
  summary: "List webhook endpoints",
  description: "Every endpoint of the key's project (at most 20), newest first. Secrets are never listed.",
  auth: { apiKey: "webhooks:write" },
  responses: { 200: { description: "The endpoints.", content: { "application/json": { schema: EndpointListSchema } } } },
});

export function registerListEndpoints(app: OpenAPIHono<AppEnv>) {
  app.openapi(listEndpointsRoute, async (c) => {
    const rows = await listEndpoints(tenantOf(c), authOf(c).projectId);
    return c.json({ items: rows.map(endpointView), request_id: c.get("requestId") }, 200);
  });
}
