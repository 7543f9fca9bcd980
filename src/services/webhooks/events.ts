import { and, eq, inArray, isNull } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { imports, reviewRuns, webhookDeliveries, webhookEndpoints, webhookEvents } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { isoNow, newUlidId } from "../../ids.ts";
import { currentRequestId, logger } from "../../lib/logger.ts";
import { inGroups, sendInBatches } from "../../lib/batches.ts";
import type { WebhookQueueMessage } from "../../schemas/queue-messages.ts";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../schemas/webhooks.ts";
import type { GateVerdict } from "../../schemas/review-artifacts.ts";
import { reviewProgress } from "../imports/progress.ts";
import { parseJson } from "../review-runs/store.ts";

/**
 * Records an event and queues one delivery per subscribed endpoint. Never
 * throws: a run or import must not fail because its announcement could not
 * be stored; the failure is logged and the event is lost.
 */
export async function emitEvent(env: TenantEnv, projectId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<string | null> {
  return (await emitEvents(env, projectId, type, [data]))[0] ?? null;
}

/** D1 binds at most 100 parameters a statement: an event row binds 5, a delivery row 9. */
const EVENTS_PER_INSERT = 20;
const DELIVERIES_PER_INSERT = 11;
const STATEMENTS_PER_BATCH = 50;

/**
 * `emitEvent` for many events of one type at once (the runs an import cancel
 * ends together): the endpoints are read once and the rows written in a few
 * batches, so a thousand events cost a handful of subrequests. Returns the
 * event IDs, none when no endpoint subscribes or the events could not be stored.
 */
export async function emitEvents(env: TenantEnv, projectId: string, type: WebhookEventType, items: Record<string, unknown>[]): Promise<string[]> {
  if (items.length === 0) return [];
  try {
    const db = database(env.TENANT_DB);
    const endpoints = await db
      .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.projectId, projectId), eq(webhookEndpoints.enabled, true)));
    const subscribed = endpoints.filter((endpoint) => (parseJson<string[]>(endpoint.eventTypes) ?? []).includes(type));
    if (subscribed.length === 0) return [];
    const now = isoNow();
    const events = items.map((data) => ({ id: newUlidId("evt"), type, created_at: now, project_id: projectId, data }));
    const eventRows = events.map((event) => ({ id: event.id, projectId, type, body: JSON.stringify(event), createdAt: now }));
    const deliveries = events.flatMap((event) =>
      subscribed.map((endpoint) => ({
        id: newUlidId("whdl"),
        projectId,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: type,
        status: "pending" as const,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      })),
    );
    const statements = [
      ...inGroups(eventRows, EVENTS_PER_INSERT).map((rows) => db.insert(webhookEvents).values(rows)),
      ...inGroups(deliveries, DELIVERIES_PER_INSERT).map((rows) => db.insert(webhookDeliveries).values(rows)),
    ];
    for (const batch of inGroups(statements, STATEMENTS_PER_BATCH)) await db.batch(batch as [(typeof batch)[0], ...typeof batch]);
    await enqueueDeliveries(env, projectId, deliveries.map((delivery) => delivery.id));
    return events.map((event) => event.id);
  } catch (error) {
    logger.error("webhook_emit_failed", { project_id: projectId, event_type: type, events: items.length, error });
    return [];
  }
}

export async function enqueueDeliveries(env: TenantEnv, projectId: string, deliveryIds: string[]): Promise<void> {
  const messages = deliveryIds.map((id) => ({
    body: { kind: "webhook_delivery", delivery_id: id, project_id: projectId, request_id: currentRequestId() } satisfies WebhookQueueMessage,
    contentType: "json" as const,
  }));
  await sendInBatches(env.WEBHOOK_QUEUE, messages);
}

const RUN_EVENTS = { completed: "review_run.completed", failed: "review_run.failed", cancelled: "review_run.cancelled" } as const;

/** What a run's event says: IDs, status, verdict and counts only, never output or source text. */
function runData(run: typeof reviewRuns.$inferSelect) {
  return {
    object: "review_run",
    id: run.id,
    status: run.status,
    capture_method: run.captureMethod,
    intended_use: run.intendedUse,
    safe_use_status: run.safeUseStatus,
    verdict: parseJson<GateVerdict>(run.gateVerdict)?.verdict ?? null,
    claim_count: run.claimCount,
    unsupported_claim_count: run.unsupportedClaimCount,
    external_id: run.externalId,
    import_id: run.importId,
    error_code: run.errorCode,
    completed_at: run.completedAt,
  };
}

/**
 * Announces a run that reached a terminal status, and its import's
 * completion when this was the import's last pending run.
 */
export async function announceRun(env: TenantEnv, runId: string): Promise<void> {
  try {
    const db = database(env.TENANT_DB);
    const [run] = await db.select().from(reviewRuns).where(eq(reviewRuns.id, runId)).limit(1);
    if (!run || !(run.status in RUN_EVENTS)) return;
    await emitEvent(env, run.projectId, RUN_EVENTS[run.status as keyof typeof RUN_EVENTS], runData(run));
    if (run.importId) await announceImportIfReviewed(env, run.projectId, run.importId);
  } catch (error) {
    logger.error("webhook_emit_failed", { review_run_id: runId, error });
  }
}

/** D1 binds at most 100 parameters a statement. */
const RUN_IDS_PER_READ = 90;

/**
 * `review_run.cancelled` for the runs of one project cancelled together (an
 * import's queued runs when the import is cancelled), emitted in bulk.
 */
export async function announceCancelledRuns(env: TenantEnv, projectId: string, runIds: string[]): Promise<void> {
  try {
    const db = database(env.TENANT_DB);
    const runs: (typeof reviewRuns.$inferSelect)[] = [];
    for (const ids of inGroups(runIds, RUN_IDS_PER_READ)) {
      runs.push(...(await db.select().from(reviewRuns).where(and(eq(reviewRuns.projectId, projectId), inArray(reviewRuns.id, ids)))));
    }
    await emitEvents(env, projectId, RUN_EVENTS.cancelled, runs.filter((run) => run.status === "cancelled").map(runData));
  } catch (error) {
    logger.error("webhook_emit_failed", { project_id: projectId, runs: runIds.length, error });
  }
}

/** `import.completed` once every row is reviewed; the conditional update makes concurrent last runs announce it once. */
export async function announceImportIfReviewed(env: TenantEnv, projectId: string, importId: string): Promise<void> {
  const db = database(env.TENANT_DB);
  const [row] = await db.select().from(imports).where(and(eq(imports.id, importId), eq(imports.projectId, projectId))).limit(1);
  if (!row || row.status !== "completed" || row.reviewedAnnouncedAt) return;
  const progress = await reviewProgress(db, row, true);
  if (!progress.all_reviewed) return;
  const claimed = await db
    .update(imports)
    .set({ reviewedAnnouncedAt: isoNow() })
    .where(and(eq(imports.id, importId), eq(imports.projectId, projectId), isNull(imports.reviewedAnnouncedAt)))
    .run();
  if ((claimed.meta.changes ?? 0) === 0) return;
  await emitEvent(env, projectId, "import.completed", importData(row, progress));
}

export async function announceImportFailed(env: TenantEnv, projectId: string, importId: string): Promise<void> {
  try {
    const db = database(env.TENANT_DB);
    const [row] = await db.select().from(imports).where(and(eq(imports.id, importId), eq(imports.projectId, projectId))).limit(1);
    if (!row || row.status !== "failed") return;
    await emitEvent(env, projectId, "import.failed", importData(row, await reviewProgress(db, row, true)));
  } catch (error) {
    logger.error("webhook_emit_failed", { import_id: importId, error });
  }
}

function importData(row: typeof imports.$inferSelect, progress: Awaited<ReturnType<typeof reviewProgress>>) {
  return {
    object: "import",
    id: row.id,
    status: row.status,
    row_count: row.rowCount,
    accepted_count: row.acceptedCount,
    rejected_count: row.rejectedCount,
    review_progress: progress,
    error_code: row.errorCode,
  };
}

export { WEBHOOK_EVENT_TYPES };
