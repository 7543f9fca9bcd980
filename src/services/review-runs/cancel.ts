import { and, eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { reviewRuns } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow } from "../../ids.ts";
import type { CaptureMethod } from "../../schemas/enums.ts";
import { type AuthContext, requireScope } from "../tenancy/auth.ts";
import type { Scope } from "../tenancy/scopes.ts";
import { announceRun } from "../webhooks/events.ts";
import { type ReviewRunRow, findRun } from "./store.ts";

/**
 * Cancelling ends a run as surely as creating starts it, so it takes the scope
 * that created the run, and only that one: a key scoped to hosted reviews
 * cannot stop a customer's private-worker run or an import's runs, and a key
 * that may only create private-worker runs can still stop its own.
 */
export const CANCEL_SCOPE: Record<CaptureMethod, Scope> = {
  api: "review_runs:create",
  upload: "imports:create",
  private_worker: "private_worker_runs:create",
};

/** The route admits a key with any of them; the run's own scope is checked once the run is read. */
export const CANCEL_SCOPES = [...new Set(Object.values(CANCEL_SCOPE))];

export async function cancelReviewRun(env: TenantEnv, auth: AuthContext, reviewRunId: string): Promise<ReviewRunRow> {
  const db = database(env.TENANT_DB);
  const existing = await findRun(db, auth.projectId, reviewRunId);
  requireScope(auth, CANCEL_SCOPE[existing.captureMethod as CaptureMethod] ?? "review_runs:create");
  const now = isoNow();
  // The status condition makes the cancel atomic against a consumer picking the run up.
  const [cancelled] = await db
    .update(reviewRuns)
    .set({ status: "cancelled", updatedAt: now, completedAt: now })
    .where(and(eq(reviewRuns.id, reviewRunId), eq(reviewRuns.projectId, auth.projectId), eq(reviewRuns.status, "queued")))
    .returning();
  if (cancelled) {
    await announceRun(env, cancelled.id);
    return cancelled;
  }
  const current = await findRun(db, auth.projectId, reviewRunId);
  throw new ApiError("run_not_cancellable", {
    message: `Only a queued review run can be cancelled; ${current.id} is ${current.status}.`,
  });
}
