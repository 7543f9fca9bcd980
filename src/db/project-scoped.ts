import { type InferSelectModel, and, eq } from "drizzle-orm";
import type { AnySQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { ApiError } from "../errors.ts";
import type { Database } from "./client.ts";

type ProjectScopedTable = SQLiteTable & { id: AnySQLiteColumn; projectId: AnySQLiteColumn };

/**
 * The one way to read a resource by ID: by the ID *and* the caller's project,
 * or `404 not_found`. A row of another project is indistinguishable from a
 * missing one, by the same single query.
 */
export async function findInProject<T extends ProjectScopedTable>(
  db: Database,
  table: T,
  projectId: string,
  id: string,
  resource: string,
): Promise<InferSelectModel<T>> {
  const [row] = await db
    .select()
    .from(table as SQLiteTable)
    .where(and(eq(table.id, id), eq(table.projectId, projectId)))
    .limit(1);
  if (!row) throw new ApiError("not_found", { message: `No ${resource} with this ID exists in this project.` });
  return row as InferSelectModel<T>;
}
