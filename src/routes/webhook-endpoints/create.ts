import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { MAX_ENDPOINTS_PER_PROJECT, createEndpoint, endpointView } from "../../services/webhooks/endpoints.ts";
import { defineRoute, linksTo } from "../define.ts";
import { CreateEndpointRequestSchema, EndpointWithSecretSchema } from "./schema.ts";

export const createEndpointRoute = defineRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  operationId: "createWebhookEndpoint",
  tags: ["Webhooks"],
  summary: "Create a webhook endpoint",
  description:
    "Kivo POSTs each subscribed event to the URL, signed with the endpoint's secret: `Kivo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">`. The secret is in this answer only. The URL must be HTTPS on a public host (no localhost, private, loopback or link-local addresses); redirects are not followed." +
    ` A project has at most ${MAX_ENDPOINTS_PER_PROJECT} endpoints; another answers 400 \`validation_error\` until one is deleted.`,
  auth: { apiKey: "webhooks:write" },
  errors: ["service_unavailable"],
  request: { body: { required: true, content: { "application/json": { schema: CreateEndpointRequestSchema } } } },
  responses: {
    201: {
      description: "The endpoint, with its secret shown once.",
      content: { "application/json": { schema: EndpointWithSecretSchema } },
      links: linksTo({ getWebhookEndpoint: { endpointId: "$response.body#/id" }, listWebhookDeliveries: { endpointId: "$response.body#/id" } }),
    },
  },
});

export function registerCreateEndpoint(app: OpenAPIHono<AppEnv>) {
  app.openapi(createEndpointRoute, async (c) => {
    const { endpoint, secret } = await createEndpoint(tenantOf(c), authOf(c), c.req.valid("json"));
    return c.json({ ...endpointView(endpoint), secret, request_id: c.get("requestId") }, 201);
  });
}
