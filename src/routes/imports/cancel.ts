import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf, tenantOf } from "../../middleware/auth.ts";
import { cancelImport } from "../../services/imports/cancel.ts";
import { importView } from "../../services/imports/store.ts";
import { defineRoute } from "../define.ts";
import { ImportIdParamSchema, ImportSchema } from "./schema.ts";

export const cancelImportRoute = defineRoute({
  method: "post",
  path: "/v1/imports/{importId}/cancel",
  operationId: "cancelImport",
  tags: ["Imports"],
  summary: "Cancel an import",
  description:
    "An import that is `uploaded`, `mapping_required`, `queued` or `processing` becomes `cancelled`: no further runs are created for it, and its runs that are still `queued` are cancelled. Runs already reviewed keep their results; reserved allowance is not returned. Any other status answers 409 `import_not_cancellable`.",
  auth: { apiKey: "imports:create" },
  errors: ["not_found", "import_not_cancellable"],
  request: { params: ImportIdParamSchema },
  responses: {
    200: { description: "The cancelled import, with the runs it created before it was cancelled.", content: { "application/json": { schema: ImportSchema } } },
  },
});

export function registerCancelImport(app: OpenAPIHono<AppEnv>) {
  app.openapi(cancelImportRoute, async (c) => {
    const cancelled = await cancelImport(tenantOf(c), authOf(c).projectId, c.req.valid("param").importId);
    return c.json(await importView(tenantDbOf(c), cancelled, c.get("requestId")), 200);
  });
}
