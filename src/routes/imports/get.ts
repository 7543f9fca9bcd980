import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { findImport, importView } from "../../services/imports/store.ts";
import { defineRoute } from "../define.ts";
import { IMPORT_EXAMPLE } from "./examples.ts";
import { IMPORT_READ_SCOPES } from "./scopes.ts";
import { ImportIdParamSchema, ImportSchema } from "./schema.ts";

export const getImportRoute = defineRoute({
  method: "get",
  path: "/v1/imports/{importId}",
  operationId: "getImport",
  tags: ["Imports"],
  summary: "Read an import",
  description:
    "Status, counts, validation errors, the review-run IDs created so far and `review_progress`. `completed` means every accepted row has a run; `review_progress.all_reviewed` means every run has also been reviewed (a webhook endpoint subscribed to `import.completed` is told then). Export the outcome per row with `GET /v1/imports/{importId}/results`; the runs are also listed by `GET /v1/review-runs?import_id=`.",
  auth: { apiKey: IMPORT_READ_SCOPES },
  errors: ["not_found"],
  request: { params: ImportIdParamSchema },
  responses: {
    200: { description: "The import.", content: { "application/json": { schema: ImportSchema, example: IMPORT_EXAMPLE } } },
  },
});

export function registerGetImport(app: OpenAPIHono<AppEnv>) {
  app.openapi(getImportRoute, async (c) => {
    const db = tenantDbOf(c);
    const row = await findImport(db, authOf(c).projectId, c.req.valid("param").importId);
    return c.json(await importView(db, row, c.get("requestId")), 200);
  });
}
