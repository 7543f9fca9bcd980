import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { registerCancelImport } from "./cancel.ts";
import { registerCreateImport } from "./create.ts";
import { registerDeleteImport } from "./delete.ts";
import { registerMapImportFields } from "./field-mapping.ts";
import { registerGetImport } from "./get.ts";
import { registerListImports } from "./list.ts";
import { registerGetImportResults } from "./results.ts";
import { ImportRowSchema } from "./schema.ts";

/** Imports (README, "Imports"): batches of rows that become review runs. */
export function registerImports(app: OpenAPIHono<AppEnv>) {
  // Rows are validated one by one, so the body schema only references the row shape.
  app.openAPIRegistry.register("ImportRow", ImportRowSchema);
  registerCreateImport(app);
  registerListImports(app);
  registerGetImport(app);
  registerGetImportResults(app);
  registerCancelImport(app);
  registerDeleteImport(app);
  registerMapImportFields(app);
}
