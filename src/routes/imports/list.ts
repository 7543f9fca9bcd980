import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { listImports } from "../../services/imports/store.ts";
import { defineRoute } from "../define.ts";
import { ImportListSchema, ListImportsQuerySchema } from "./schema.ts";
import { IMPORT_READ_SCOPES } from "./scopes.ts";

export const listImportsRoute = defineRoute({
  method: "get",
  path: "/v1/imports",
  operationId: "listImports",
  tags: ["Imports"],
  summary: "List imports",
  description:
    "Imports of the key's project, newest first, optionally of one `status`. Pages are keyset-based like the review-run list: follow `next_cursor` until `has_more` is false. Items leave out `validation_errors` and `review_run_ids`; read one import for those.",
  auth: { apiKey: IMPORT_READ_SCOPES },
  errors: ["invalid_cursor"],
  request: { query: ListImportsQuerySchema },
  responses: {
    200: { description: "A page of imports.", content: { "application/json": { schema: ImportListSchema } } },
  },
});

export function registerListImports(app: OpenAPIHono<AppEnv>) {
  app.openapi(listImportsRoute, async (c) => {
    const page = await listImports(tenantDbOf(c), authOf(c).projectId, c.req.valid("query"), c.env.KIVO_SIGNING_SECRET);
    return c.json({ ...page, request_id: c.get("requestId") }, 200);
  });
}
