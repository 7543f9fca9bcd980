import { and, eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { imports, reviewRuns } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { logger } from "../../lib/logger.ts";
import { drainObjectDeletions, recordObjectDeletions } from "../retention/object-deletions.ts";
import { INLINE_OBJECT_PREFIXES, eraseRuns } from "../review-runs/delete.ts";
import { OPEN_IMPORT_STATUSES, findImport } from "./store.ts";

/** Every R2 object of an import (its staged chunks, a waiting request) lives under this prefix. */
export const importObjectPrefix = (projectId: string, importId: string) => `imports/${projectId}/${importId}/`;

/**
 * Removes an import and every run it created, with their R2 objects (see
 * eraseRuns). The import row goes last, so a crash part-way leaves an import
 * that a repeated delete (or the retention sweep) finishes. Answers the
 * number of runs erased and the object prefixes still to drain.
 */
export async function eraseImport(env: Pick<TenantEnv, "TENANT_DB">, projectId: string, importId: string): Promise<{ runs: number; prefixes: string[] }> {
  const db = database(env.TENANT_DB);
  const runs = await db
    .select({ id: reviewRuns.id })
    .from(reviewRuns)
    .where(and(eq(reviewRuns.projectId, projectId), eq(reviewRuns.importId, importId)));
  const prefixes = await eraseRuns(env, projectId, runs.map((row) => row.id));
  const own = importObjectPrefix(projectId, importId);
  await db.batch([recordObjectDeletions(db, [own]), db.delete(imports).where(and(eq(imports.id, importId), eq(imports.projectId, projectId)))]);
  return { runs: runs.length, prefixes: [...prefixes, own] };
}

/**
 * `DELETE /v1/imports/{importId}`. An import still creating runs is refused:
 * a chunk in flight would create runs after the delete. Answers the number of
 * runs deleted with it.
 */
export async function deleteImport(env: TenantEnv, projectId: string, importId: string): Promise<number> {
  const row = await findImport(database(env.TENANT_DB), projectId, importId);
  if ((OPEN_IMPORT_STATUSES as readonly string[]).includes(row.status)) {
    throw new ApiError("import_not_deletable", {
      message: `${row.id} is ${row.status}: it is still creating its runs. Cancel it first, or wait until it completes.`,
    });
  }
  const { runs, prefixes } = await eraseImport(env, projectId, row.id);
  await drainObjectDeletions(env, INLINE_OBJECT_PREFIXES, prefixes.slice(-INLINE_OBJECT_PREFIXES));
  logger.info("import_deleted", { import_id: row.id, review_runs: runs });
  return runs;
}
