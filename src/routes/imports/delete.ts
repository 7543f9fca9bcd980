import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { deleteImport } from "../../services/imports/delete.ts";
import { defineRoute } from "../define.ts";
import { RequestIdSchema } from "../../schemas/common.ts";
import { ImportIdParamSchema } from "./schema.ts";

export const deleteImportRoute = defineRoute({
  method: "delete",
  path: "/v1/imports/{importId}",
  operationId: "deleteImport",
  tags: ["Imports"],
  summary: "Delete an import and its runs",
  description:
    "Deletes the import and every review run it created, as `DELETE /v1/review-runs/{reviewRunId}` deletes one run: results, source contents, staged rows and report links. An import that is still creating runs (`uploaded`, `queued`, `processing`) answers 409 `import_not_deletable`: cancel it first. The runs still count against the allowance of the period they were created in.",
  auth: { apiKey: "imports:create" },
  errors: ["not_found", "import_not_deletable"],
  request: { params: ImportIdParamSchema },
  responses: {
    200: {
      description: "The import and its runs are gone.",
      content: {
        "application/json": {
          schema: z.object({
            id: z.string(),
            deleted: z.literal(true),
            deleted_review_run_count: z.number().int().nonnegative(),
            request_id: RequestIdSchema,
          }),
        },
      },
    },
  },
});

export function registerDeleteImport(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteImportRoute, async (c) => {
    const { importId } = c.req.valid("param");
    const runs = await deleteImport(tenantOf(c), authOf(c).projectId, importId);
    return c.json({ id: importId, deleted: true as const, deleted_review_run_count: runs, request_id: c.get("requestId") }, 200);
  });
}
