import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { applyFieldMapping } from "../../services/imports/create.ts";
import { defineRoute } from "../define.ts";
import { FieldMappingRequestSchema, ImportIdParamSchema, ImportSchema } from "./schema.ts";

export const mapImportFieldsRoute = defineRoute({
  method: "post",
  path: "/v1/imports/{importId}/field-mapping",
  operationId: "mapImportFields",
  tags: ["Imports"],
  summary: "Supply the field mapping a mapping_required import waits for",
  description:
    "Reads the import's stored file again with this `field_mapping` (and, optionally, new `intended_use`/`strictness` defaults). When every field now maps, the import proceeds exactly as a new one would: `completed` with its runs, `queued` for a large one, or `failed` when no row passed validation; the allowance is reserved now. When something still does not map, the answer is `422 mapping_required` naming it, and the import stays `mapping_required` with its `mapping` updated. An import in any other status answers 409 `mapping_not_required`.",
  auth: { apiKey: "imports:create" },
  errors: ["not_found", "mapping_required", "mapping_not_required", "usage_limit_exceeded", "service_unavailable"],
  request: {
    params: ImportIdParamSchema,
    body: { required: true, content: { "application/json": { schema: FieldMappingRequestSchema } } },
  },
  responses: {
    202: { description: "The mapping applied: the import has proceeded.", content: { "application/json": { schema: ImportSchema } } },
  },
});

export function registerMapImportFields(app: OpenAPIHono<AppEnv>) {
  app.openapi(mapImportFieldsRoute, async (c) => {
    const auth = authOf(c);
    const body = await applyFieldMapping(tenantOf(c), auth, c.req.valid("param").importId, c.req.valid("json"), c.get("requestId"));
    return c.json(body, 202);
  });
}
