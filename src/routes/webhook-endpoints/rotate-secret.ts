import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { endpointView, rotateEndpointSecret } from "../../services/webhooks/endpoints.ts";
import { defineRoute } from "../define.ts";
import { EndpointIdParamSchema, EndpointWithSecretSchema, RotateSecretRequestSchema } from "./schema.ts";

export const rotateSecretRoute = defineRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{endpointId}/rotate-secret",
  operationId: "rotateWebhookSecret",
  tags: ["Webhooks"],
  summary: "Rotate an endpoint's signing secret",
  description:
    "Issues a new secret, shown once. Until `previous_secret_expires_at` every delivery carries two `v1` signatures, one per secret, so a receiver can switch over without dropping events.",
  auth: { apiKey: "webhooks:write" },
  errors: ["not_found", "service_unavailable"],
  request: {
    params: EndpointIdParamSchema,
    body: { required: true, content: { "application/json": { schema: RotateSecretRequestSchema } } },
  },
  responses: {
    200: { description: "The endpoint, with its new secret shown once.", content: { "application/json": { schema: EndpointWithSecretSchema } } },
  },
});

export function registerRotateSecret(app: OpenAPIHono<AppEnv>) {
  app.openapi(rotateSecretRoute, async (c) => {
    const overlap = c.req.valid("json").previous_secret_valid_for_seconds;
    const { endpoint, secret } = await rotateEndpointSecret(tenantOf(c), authOf(c).projectId, c.req.valid("param").endpointId, overlap);
    return c.json({ ...endpointView(endpoint), secret, request_id: c.get("requestId") }, 200);
  });
}
