import { z } from "@hono/zod-openapi";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { RequestIdSchema } from "../../schemas/common.ts";
import { deleteEndpoint } from "../../services/webhooks/endpoints.ts";
import { defineRoute } from "../define.ts";
import { EndpointIdParamSchema } from "./schema.ts";

export const deleteEndpointRoute = defineRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{endpointId}",
  operationId: "deleteWebhookEndpoint",
  tags: ["Webhooks"],
  summary: "Delete a webhook endpoint",
  description: "No further events are sent to it; its pending deliveries fail on their next attempt. Its delivery records stay.",
  auth: { apiKey: "webhooks:write" },
  errors: ["not_found"],
  request: { params: EndpointIdParamSchema },
  responses: {
    200: {
      description: "The endpoint is gone.",
      content: { "application/json": { schema: z.object({ id: z.string(), deleted: z.literal(true), request_id: RequestIdSchema }) } },
    },
  },
});

export function registerDeleteEndpoint(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteEndpointRoute, async (c) => {
    const { endpointId } = c.req.valid("param");
    await deleteEndpoint(tenantOf(c), authOf(c).projectId, endpointId);
    return c.json({ id: endpointId, deleted: true as const, request_id: c.get("requestId") }, 200);
  });
}
