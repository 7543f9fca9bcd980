import { and, desc, eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { webhookDeliveries, webhookEndpoints } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow, newUlidId } from "../../ids.ts";
import { randomBase62 } from "../../lib/crypto.ts";
import { keysetPage, newestFirst, olderThan } from "../../db/keyset.ts";
import { findInProject } from "../../db/project-scoped.ts";
import { requireSecret } from "../../lib/secrets.ts";
import { openSecret, sealSecret } from "../../lib/secret-box.ts";
import { type AddressPolicy, webhookAddressProblem } from "../../lib/webhook-address.ts";
import type { WebhookEventType } from "../../schemas/webhooks.ts";
import { parseJson } from "../review-runs/store.ts";
import { enqueueDeliveries } from "./events.ts";

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** A project's endpoints are few; the cap keeps every event's fan-out small. */
export const MAX_ENDPOINTS_PER_PROJECT = 20;
/** After a rotation the old secret keeps signing this long by default, so receivers can switch over. */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 60 * 60;

/** Plain-HTTP loopback receivers only where a non-production deployment asks for them. */
export function addressPolicy(env: TenantEnv): AddressPolicy {
  return { allowLoopback: env.KIVO_ENVIRONMENT !== "production" && env.KIVO_WEBHOOK_ALLOW_LOOPBACK === "true" };
}

const masterSecret = (env: TenantEnv) =>
  requireSecret(env.KIVO_SIGNING_SECRET, "KIVO_SIGNING_SECRET", "Webhooks are not configured on this deployment.");

function checkAddress(env: TenantEnv, url: string): void {
  const problem = webhookAddressProblem(url, addressPolicy(env));
  if (problem) throw new ApiError("validation_error", { message: "The webhook URL is not allowed.", details: [{ path: "url", message: problem }] });
}

/** The secrets that sign right now: the current one, and the previous one until its overlap ends. */
export async function endpointSecrets(env: TenantEnv, endpoint: EndpointRow, now = new Date()): Promise<string[]> {
  const secrets = [await openSecret(masterSecret(env), endpoint.secretSealed)];
  if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > isoNow(now)) {
    secrets.push(await openSecret(masterSecret(env), endpoint.previousSecretSealed));
  }
  return secrets;
}

const newSecret = () => `whsec_${randomBase62(40)}`;

export function endpointView(row: EndpointRow) {
  return {
    id: row.id,
    project_id: row.projectId,
    url: row.url,
    description: row.description,
    event_types: parseJson<WebhookEventType[]>(row.eventTypes) ?? [],
    enabled: row.enabled,
    previous_secret_expires_at: row.previousSecretExpiresAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export function deliveryView(row: DeliveryRow) {
  return {
    id: row.id,
    endpoint_id: row.endpointId,
    event_id: row.eventId,
    event_type: row.eventType as WebhookEventType,
    status: row.status,
    attempts: row.attempts,
    response_status: row.responseStatus,
    response_excerpt: row.responseExcerpt,
    error: row.error,
    last_attempt_at: row.lastAttemptAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export interface EndpointInput {
  url: string;
  event_types: WebhookEventType[];
  description?: string | undefined;
  enabled?: boolean | undefined;
}

export async function createEndpoint(env: TenantEnv, owner: { organizationId: string; projectId: string }, input: EndpointInput) {
  checkAddress(env, input.url);
  const db = database(env.TENANT_DB);
  const existing = await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.projectId, owner.projectId));
  if (existing.length >= MAX_ENDPOINTS_PER_PROJECT) {
    throw new ApiError("validation_error", {
      message: `A project has at most ${MAX_ENDPOINTS_PER_PROJECT} webhook endpoints.`,
      details: [{ path: "url", message: "Delete an endpoint you no longer use." }],
    });
  }
  const secret = newSecret();
  const now = isoNow();
  const row: EndpointRow = {
    id: newUlidId("whep"),
    organizationId: owner.organizationId,
    projectId: owner.projectId,
    url: input.url,
    description: input.description ?? null,
    eventTypes: JSON.stringify([...new Set(input.event_types)]),
    enabled: input.enabled ?? true,
    secretSealed: await sealSecret(masterSecret(env), secret),
    previousSecretSealed: null,
    previousSecretExpiresAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(webhookEndpoints).values(row);
  return { endpoint: row, secret };
}

export const findEndpoint = (env: TenantEnv, projectId: string, endpointId: string): Promise<EndpointRow> =>
  findInProject(database(env.TENANT_DB), webhookEndpoints, projectId, endpointId, "webhook endpoint");

export async function listEndpoints(env: TenantEnv, projectId: string): Promise<EndpointRow[]> {
  return database(env.TENANT_DB)
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.projectId, projectId))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}

export async function updateEndpoint(
  env: TenantEnv,
  projectId: string,
  endpointId: string,
  change: Partial<Omit<EndpointInput, "description">> & { description?: string | null | undefined },
) {
  const current = await findEndpoint(env, projectId, endpointId);
  if (change.url !== undefined) checkAddress(env, change.url);
  const [row] = await database(env.TENANT_DB)
    .update(webhookEndpoints)
    .set({
      ...(change.url !== undefined ? { url: change.url } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.event_types !== undefined ? { eventTypes: JSON.stringify([...new Set(change.event_types)]) } : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      updatedAt: isoNow(),
    })
    .where(and(eq(webhookEndpoints.id, current.id), eq(webhookEndpoints.projectId, projectId)))
    .returning();
  return row ?? current;
}

/** Pending deliveries to a deleted endpoint fail on their next attempt. */
export async function deleteEndpoint(env: TenantEnv, projectId: string, endpointId: string): Promise<void> {
  const current = await findEndpoint(env, projectId, endpointId);
  await database(env.TENANT_DB).delete(webhookEndpoints).where(and(eq(webhookEndpoints.id, current.id), eq(webhookEndpoints.projectId, projectId)));
}

/** A new secret, shown once; the old one keeps signing alongside it for `overlapSeconds` (0 ends it now). */
export async function rotateEndpointSecret(env: TenantEnv, projectId: string, endpointId: string, overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS) {
  const current = await findEndpoint(env, projectId, endpointId);
  const secret = newSecret();
  const now = new Date();
  const [row] = await database(env.TENANT_DB)
    .update(webhookEndpoints)
    .set({
      secretSealed: await sealSecret(masterSecret(env), secret),
      previousSecretSealed: overlapSeconds > 0 ? current.secretSealed : null,
      previousSecretExpiresAt: overlapSeconds > 0 ? isoNow(new Date(now.getTime() + overlapSeconds * 1000)) : null,
      updatedAt: isoNow(now),
    })
    .where(and(eq(webhookEndpoints.id, current.id), eq(webhookEndpoints.projectId, projectId)))
    .returning();
  return { endpoint: row ?? current, secret };
}

export async function listDeliveries(
  env: TenantEnv,
  projectId: string,
  endpointId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const endpoint = await findEndpoint(env, projectId, endpointId);
  const scope = JSON.stringify([projectId, "webhook-deliveries", endpoint.id]);
  const { page, hasMore, nextCursor } = await keysetPage(
    (after, limit) =>
      database(env.TENANT_DB)
        .select()
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.projectId, projectId), eq(webhookDeliveries.endpointId, endpoint.id), olderThan(webhookDeliveries, after)))
        .orderBy(...newestFirst(webhookDeliveries))
        .limit(limit),
    { limit: query.limit, cursor: query.cursor, secret: env.KIVO_SIGNING_SECRET, scope },
  );
  return { items: page.map(deliveryView), next_cursor: nextCursor, has_more: hasMore };
}

/** Sends the delivery's event to its endpoint again, as a new delivery, whatever became of the first. */
export async function resendDelivery(env: TenantEnv, projectId: string, endpointId: string, deliveryId: string): Promise<DeliveryRow> {
  const endpoint = await findEndpoint(env, projectId, endpointId);
  const db = database(env.TENANT_DB);
  const [original] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.projectId, projectId), eq(webhookDeliveries.endpointId, endpoint.id)))
    .limit(1);
  if (!original) throw new ApiError("not_found", { message: "No delivery with this ID exists for this endpoint." });
  const now = isoNow();
  const resent: DeliveryRow = {
    ...original,
    id: newUlidId("whdl"),
    status: "pending",
    attempts: 0,
    responseStatus: null,
    responseExcerpt: null,
    error: null,
    lastAttemptAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(webhookDeliveries).values(resent);
  await enqueueDeliveries(env, projectId, [resent.id]);
  return resent;
}
