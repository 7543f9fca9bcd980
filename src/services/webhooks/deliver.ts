import { and, eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "../../db/schema.ts";
import type { TenantEnv } from "../../env.ts";
import { isoNow } from "../../ids.ts";
import { logger } from "../../lib/logger.ts";
import { SIGNATURE_HEADER, signatureHeader } from "../../lib/webhook-signature.ts";
import { webhookAddressProblem } from "../../lib/webhook-address.ts";
import { addressPolicy, endpointSecrets } from "./endpoints.ts";

/** A receiver that answers slower than this has failed the attempt; the queue retries it. */
export const DELIVERY_TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 200;

/** The attempt failed in a way a later attempt may fix: the queue retries with backoff. */
export class RetryableDeliveryError extends Error {}

export type DeliveryOutcome = "succeeded" | "skipped" | "refused";

/**
 * One attempt: sign the event body now (so the timestamp is fresh), POST it
 * without following redirects, and record the outcome. A 2xx is success;
 * anything else, a timeout or a network error is retried by the caller.
 */
export async function attemptDelivery(env: TenantEnv, deliveryId: string, projectId: string, now = new Date()): Promise<DeliveryOutcome> {
  const db = database(env.TENANT_DB);
  const [delivery] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.projectId, projectId)))
    .limit(1);
  if (!delivery || delivery.status !== "pending") return "skipped";
  const [endpoint] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, delivery.endpointId), eq(webhookEndpoints.projectId, projectId)))
    .limit(1);
  const [event] = await db
    .select({ body: webhookEvents.body })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.id, delivery.eventId), eq(webhookEvents.projectId, projectId)))
    .limit(1);
  const record = (fields: Partial<typeof webhookDeliveries.$inferInsert>) =>
    db
      .update(webhookDeliveries)
      .set({ ...fields, updatedAt: isoNow() })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.projectId, projectId)));

  if (!endpoint || !event || !endpoint.enabled) {
    await record({ status: "failed", error: endpoint ? "The endpoint is disabled." : "The endpoint was deleted." });
    return "refused";
  }
  // The address was checked when it was saved; checked again in case the policy changed since.
  const problem = webhookAddressProblem(endpoint.url, addressPolicy(env));
  if (problem) {
    await record({ status: "failed", error: problem });
    return "refused";
  }

  const timestamp = Math.floor(now.getTime() / 1000);
  const attempts = delivery.attempts + 1;
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Kivo-Webhooks/1",
        "Kivo-Event-Id": delivery.eventId,
        "Kivo-Event-Type": delivery.eventType,
        [SIGNATURE_HEADER]: await signatureHeader(await endpointSecrets(env, endpoint, now), event.body, timestamp),
      },
      body: event.body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
  } catch (error) {
    const message = error instanceof Error && error.name === "TimeoutError" ? `No answer within ${DELIVERY_TIMEOUT_MS / 1000} s.` : "The endpoint could not be reached.";
    await record({ attempts, lastAttemptAt: isoNow(now), responseStatus: null, responseExcerpt: null, error: message });
    throw new RetryableDeliveryError(message);
  }
  const excerpt = await readExcerpt(response);
  if (response.status >= 200 && response.status < 300) {
    await record({ status: "succeeded", attempts, lastAttemptAt: isoNow(now), responseStatus: response.status, responseExcerpt: excerpt, error: null });
    logger.info("webhook_delivered", { delivery_id: delivery.id, attempts });
    return "succeeded";
  }
  const error = response.status >= 300 && response.status < 400 ? "The endpoint answered a redirect; redirects are not followed." : `The endpoint answered ${response.status}.`;
  await record({ attempts, lastAttemptAt: isoNow(now), responseStatus: response.status, responseExcerpt: excerpt, error });
  throw new RetryableDeliveryError(error);
}

/** Retries exhausted: the delivery's dead-letter record. */
export async function giveUpDelivery(env: TenantEnv, deliveryId: string, projectId: string): Promise<void> {
  const db = database(env.TENANT_DB);
  await db
    .update(webhookDeliveries)
    .set({ status: "failed", updatedAt: isoNow() })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.projectId, projectId), eq(webhookDeliveries.status, "pending")));
}

/** Only the start of the answer is kept: enough to debug, never a stored copy of what the receiver returns. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  try {
    const { value } = await reader.read();
    return value ? new TextDecoder().decode(value).slice(0, EXCERPT_CHARS) : null;
  } catch {
    return null;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
