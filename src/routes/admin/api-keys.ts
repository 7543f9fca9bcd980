import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { controlDbOf } from "../../middleware/auth.ts";
import { apiKeyView, createApiKey, listApiKeys, revokeApiKey } from "../../services/tenancy/tenancy.ts";
import { defineRoute } from "../define.ts";
import { ApiKeySchema, CreateApiKeyBodySchema, IdParamSchema, ListQuerySchema, listOf, withRequestId } from "./schema.ts";

const CreatedApiKeySchema = withRequestId({
  ...ApiKeySchema.shape,
  secret: z.string().openapi({
    description: "The whole key. Shown only in this response; Kivo stores its SHA-256 hash.",
    example: "kivo_live_0123456789abcdefghijklmnopqrstuv",
  }),
}).openapi("CreatedApiKey");

export const createApiKeyRoute = defineRoute({
  method: "post",
  path: "/admin/v1/api-keys",
  operationId: "adminCreateApiKey",
  tags: ["Admin"],
  summary: "Create an API key",
  description: "Creates a key for one project with the given scopes. The secret is returned once.",
  auth: { admin: true },
  request: { body: { required: true, content: { "application/json": { schema: CreateApiKeyBodySchema } } } },
  responses: {
    201: { description: "The key and its one-time secret.", content: { "application/json": { schema: CreatedApiKeySchema } } },
  },
});

export const listApiKeysRoute = defineRoute({
  method: "get",
  path: "/admin/v1/api-keys",
  operationId: "adminListApiKeys",
  tags: ["Admin"],
  summary: "List API keys",
  auth: { admin: true },
  errors: ["invalid_cursor"],
  request: { query: ListQuerySchema.extend({ project_id: z.string().uuid().optional() }) },
  responses: {
    200: { description: "A page of API keys (never their secrets).", content: { "application/json": { schema: listOf(ApiKeySchema) } } },
  },
});

export const revokeApiKeyRoute = defineRoute({
  method: "post",
  path: "/admin/v1/api-keys/{keyId}/revoke",
  operationId: "adminRevokeApiKey",
  tags: ["Admin"],
  summary: "Revoke an API key",
  description: "Every later request with the key answers 401 `invalid_api_key`. Revoking twice is harmless.",
  auth: { admin: true },
  request: { params: IdParamSchema("keyId") },
  responses: {
    200: { description: "The revoked key.", content: { "application/json": { schema: withRequestId(ApiKeySchema.shape) } } },
  },
});

export function registerAdminApiKeys(app: OpenAPIHono<AppEnv>) {
  app.openapi(createApiKeyRoute, async (c) => {
    const { row, secret } = await createApiKey(controlDbOf(c), c.req.valid("json"));
    return c.json({ ...apiKeyView(row), secret, request_id: c.get("requestId") }, 201);
  });

  app.openapi(listApiKeysRoute, async (c) => {
    const { page, hasMore, nextCursor } = await listApiKeys(controlDbOf(c), c.req.valid("query"), c.env.KIVO_SIGNING_SECRET);
    return c.json(
      { items: page.map(apiKeyView), next_cursor: nextCursor, has_more: hasMore, request_id: c.get("requestId") },
      200,
    );
  });

  app.openapi(revokeApiKeyRoute, async (c) => {
    const { keyId } = c.req.valid("param") as { keyId: string };
    const row = await revokeApiKey(controlDbOf(c), keyId);
    return c.json({ ...apiKeyView(row), request_id: c.get("requestId") }, 200);
  });
}
